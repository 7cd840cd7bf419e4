namespace Conformance.Protocol.Http2;

public sealed partial class Http2Connection
{
    private readonly Http2FrameDecoder _decoder = new();
    private readonly HpackDecoder _hpack;
    private HeaderBlockInProgress? _headerBlock;

    /// <summary>A header block whose HEADERS frame has arrived and whose END_HEADERS has not (RFC 9113 6.10).</summary>
    private sealed record HeaderBlockInProgress(uint StreamId, bool EndStream, List<byte> Block, bool Push);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                int read = await _transport.ReadAsync(buffer, _closing.Token);
                if (read == 0) break;
                _wire?.Invoke(Http2Direction.Received, buffer.AsSpan(0, read));
                _decoder.Append(buffer.AsSpan(0, read));
                while (_decoder.Next() is { } frame)
                {
                    if (_frames is not null) Observe(Http2Direction.Received, frame.StreamId, frame.Encode());
                    var error = await HandleAsync(frame);
                    if (error is { ConnectionError: false }) await ResetStreamAsync(error);
                    else if (error is not null)
                    {
                        await FailAsync(error);
                        return;
                    }
                }
                if (_decoder.Error is { } decodeError)
                {
                    await FailAsync(decodeError);
                    return;
                }
            }
            EndStreams(GoAway is { } g ? $"the server closed the connection after GOAWAY {g.Code}" : "the server closed the connection");
        }
        catch (Exception e)
        {
            // Anything else than the transport failing is a defect of this side; the streams end either way, never hang.
            bool transport = e is IOException or OperationCanceledException or ObjectDisposedException;
            if (!_closing.IsCancellationRequested || !transport)
                Error ??= new Http2Error(Http2ErrorCode.InternalError, transport ? "transport" : "suite defect", $"{e.GetType().Name}: {e.Message}");
            EndStreams($"the connection ended: {e.Message}");
        }
        finally
        {
            // No new stream after this: nothing would ever answer it.
            _closing.Cancel();
            _firstSettings.TrySetException(new Http2ConnectException($"the connection ended before the server's SETTINGS ({Error?.ToString() ?? "closed"})"));
            _settingsAcknowledged.TrySetException(new Http2ConnectException($"the connection ended before the server acknowledged this side's SETTINGS ({Error?.ToString() ?? "closed"})"));
            lock (_state) _windowOpened.TrySetResult();
        }
    }

    /// <summary>A connection error: GOAWAY with its code and reason, then the transport is closed (RFC 9113 5.4.1).</summary>
    private async Task FailAsync(Http2Error error)
    {
        Error = error;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await SendAsync(Http2FrameEncoder.GoAway(0, error.Code, System.Text.Encoding.UTF8.GetBytes(error.ToString())), deadline.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        EndStreams(error.ToString());
        _closing.Cancel();
        _transport.Dispose();
    }

    private void EndStreams(string reason)
    {
        List<Http2Stream> streams;
        lock (_state) streams = [.. _streams.Values];
        foreach (var stream in streams) stream.Ended(reason, null);
    }

    private async Task<Http2Error?> HandleAsync(Http2Frame frame)
    {
        if (_headerBlock is { } block && (frame.Type != (byte)Http2FrameType.Continuation || frame.StreamId != block.StreamId))
            return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.10", $"{frame} arrived inside the header block of stream {block.StreamId}");
        var (content, error) = Http2FrameContent.Read(frame);
        if (error is not null) return error;
        switch (content)
        {
            case SettingsContent { Ack: false } settings:
                return await ApplySettingsAsync(settings);
            case SettingsContent { Ack: true }:
                _settingsAcknowledged.TrySetResult();
                return null;
            case PingContent { Ack: false } ping:
                await SendAsync(Http2FrameEncoder.Ping(ping.OpaqueData, ack: true), _closing.Token);
                return null;
            case GoAwayContent goAway:
                GoAway = goAway;
                List<Http2Stream> unprocessed;
                lock (_state) unprocessed = [.. _streams.Values.Where(s => s.Id > goAway.LastStreamId)];
                foreach (var stream in unprocessed) stream.Ended($"GOAWAY {goAway.Code}: the server did not process stream {stream.Id}", null);
                return null;
            case WindowUpdateContent update:
                return WindowUpdate(frame.StreamId, update.Increment);
            case RstStreamContent reset:
                StreamOf(frame.StreamId)?.Ended($"the server reset the stream: RST_STREAM {reset.Code}", reset.Code, byPeer: true);
                return null;
            case DataContent data:
                return Data(frame, data);
            case HeadersContent headers:
                _headerBlock = new HeaderBlockInProgress(frame.StreamId, headers.EndStream, [.. headers.BlockFragment], Push: false);
                return headers.EndHeaders ? EndHeaderBlock() : null;
            case PushPromiseContent promise:
                // Push was disabled in this side's SETTINGS (RFC 9113 6.6, 8.4); the block is still decoded to keep HPACK in step.
                _headerBlock = new HeaderBlockInProgress(frame.StreamId, false, [.. promise.BlockFragment], Push: true);
                return promise.EndHeaders ? EndHeaderBlock() : null;
            case ContinuationContent continuation:
                if (_headerBlock is null)
                    return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.10", $"CONTINUATION on stream {frame.StreamId} without a HEADERS before it");
                if (_headerBlock.Block.Count + continuation.BlockFragment.Length > MaxHeaderBlockLength)
                    return new Http2Error(Http2ErrorCode.EnhanceYourCalm, "RFC 9113 10.5.1", $"a header block over this side's limit of {MaxHeaderBlockLength} octets");
                _headerBlock.Block.AddRange(continuation.BlockFragment);
                return continuation.EndHeaders ? EndHeaderBlock() : null;
            default:
                return null;
        }
    }

    private Http2Error? EndHeaderBlock()
    {
        var block = _headerBlock!;
        _headerBlock = null;
        var (fields, error) = _hpack.Decode(block.Block.ToArray());
        if (error is not null) return error;
        if (block.Push) return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.6", "PUSH_PROMISE after SETTINGS_ENABLE_PUSH = 0");
        if (block.StreamId % 2 == 0)
            return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 5.1.1", $"HEADERS on stream {block.StreamId}, which a server may not open");
        if (block.StreamId >= _nextStreamId)
            return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 5.1", $"HEADERS on stream {block.StreamId}, which is idle");
        StreamOf(block.StreamId)?.HeadersArrived(fields!, block.EndStream);
        return null;
    }

    private Http2Error? Data(Http2Frame frame, DataContent data)
    {
        var stream = StreamOf(frame.StreamId);
        lock (_state)
        {
            if (frame.Payload.Length > _receiveWindow)
                return new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.9.1", $"DATA of {frame.Payload.Length} octets beyond the connection's window of {_receiveWindow}");
            _receiveWindow -= frame.Payload.Length;
            // Padding, and data for a stream no longer read, is never consumed by the application: it is given back at once.
            _receiveCredit += stream is null ? frame.Payload.Length : frame.Payload.Length - data.Data.Length;
        }
        if (stream is null)
        {
            if (frame.StreamId >= _nextStreamId)
                return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 5.1", $"DATA on stream {frame.StreamId}, which is idle");
            return null;
        }
        return stream.DataArrived(data, frame.Payload.Length);
    }

    private Http2Error? WindowUpdate(uint streamId, uint increment)
    {
        lock (_state)
        {
            if (streamId == 0)
            {
                if (_sendWindow + increment > Http2Limits.LargestWindowSize)
                    return new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.9.1", "a WINDOW_UPDATE that takes the connection's window past 2^31-1");
                _sendWindow += increment;
            }
            else if (_streams.GetValueOrDefault(streamId) is { } stream)
            {
                if (stream.SendWindow + increment > Http2Limits.LargestWindowSize)
                    return new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.9.1", "a WINDOW_UPDATE that takes the stream's window past 2^31-1",
                        streamId, ConnectionError: false);
                stream.SendWindow += increment;
            }
            OpenWindow();
        }
        return null;
    }

    private void OpenWindow()
    {
        var opened = _windowOpened;
        _windowOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.TrySetResult();
    }

    private async Task<Http2Error?> ApplySettingsAsync(SettingsContent settings)
    {
        lock (_state)
        {
            foreach (var (id, value) in settings.Settings)
            {
                if ((Http2SettingId)id == Http2SettingId.InitialWindowSize)
                {
                    long delta = (long)value - PeerInitialWindowSize;
                    foreach (var stream in _streams.Values)
                    {
                        if (stream.SendWindow + delta > Http2Limits.LargestWindowSize)
                            return new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE takes a stream's window past 2^31-1");
                        stream.SendWindow += delta;
                    }
                }
                _peerSettings[(Http2SettingId)id] = value;
            }
            OpenWindow();
        }
        await SendAsync(Http2FrameEncoder.SettingsAck(), _closing.Token);
        _firstSettings.TrySetResult(PeerSettings);
        return null;
    }

    /// <summary>A stream error (RFC 9113 5.4.2): RST_STREAM with its code; the connection goes on.</summary>
    private async Task ResetStreamAsync(Http2Error error)
    {
        StreamOf(error.StreamId)?.Ended(error.ToString(), error.Code);
        await SendAsync(Http2FrameEncoder.RstStream(error.StreamId, error.Code), _closing.Token);
    }

    /// <summary>Each frame of this side's write to the observer of its stream, or the connection's (the preface and any rest that is no whole frame: stream 0).</summary>
    private void ObserveWritten(ReadOnlySpan<byte> octets)
    {
        if (octets.StartsWith(Http2Limits.ClientPreface))
        {
            Observe(Http2Direction.Sent, 0, octets[..Http2Limits.ClientPreface.Length]);
            octets = octets[Http2Limits.ClientPreface.Length..];
        }
        while (octets.Length >= Http2Limits.FrameHeaderLength)
        {
            int length = Http2Limits.FrameHeaderLength + (octets[0] << 16 | octets[1] << 8 | octets[2]);
            if (length > octets.Length) break;
            Observe(Http2Direction.Sent, (uint)(octets[5] << 24 | octets[6] << 16 | octets[7] << 8 | octets[8]) & 0x7fff_ffff, octets[..length]);
            octets = octets[length..];
        }
        if (!octets.IsEmpty) Observe(Http2Direction.Sent, 0, octets);
    }

    private void Observe(Http2Direction direction, uint streamId, ReadOnlySpan<byte> frame)
    {
        if (streamId != 0 && StreamOf(streamId)?.Frames is { } streamFrames) streamFrames(direction, frame);
        else _frames?.Invoke(direction, streamId, frame);
    }

    private Http2Stream? StreamOf(uint id)
    {
        lock (_state) return _streams.GetValueOrDefault(id);
    }
}
