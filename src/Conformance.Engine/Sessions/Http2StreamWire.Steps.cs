using Conformance.Engine.Wire;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Sessions;

/// <summary>The steps of the cases that end, reset or open streams themselves (category E, over HTTP/2 only).</summary>
internal sealed partial class Http2StreamWire
{
    /// <summary>The suite has ended its side of the WebSocket's stream (END_STREAM); it writes nothing more on it.</summary>
    public bool SuiteEnded { get; private set; }

    private bool _resetByStep;

    /// <summary>The suite ends its side of the WebSocket's stream: an empty DATA frame with END_STREAM, the TCP FIN of RFC 8441 5.</summary>
    public async Task EndStreamAsync(string label, CancellationToken cancel)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            if (IsClosed || _stream is null)
            {
                _transcript.Note($"{label} not sent (the stream is closed)");
                return;
            }
            _dataLabel = $"{label}: END_STREAM, the suite ends its side of the stream (RFC 8441 5: as a TCP FIN)";
            SuiteEnded = true;
            await _stream.EndAsync(cancel);
        }
        catch (IOException e)
        {
            _transcript.Note($"{label}: END_STREAM not sent: {e.Message}");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The suite resets the WebSocket's stream (RST_STREAM with the code, the TCP reset of RFC 8441 5) as a step of the
    /// case; the connection goes on, and what the server sends on it is still recorded.
    /// </summary>
    public async Task ResetStreamAsync(Http2ErrorCode code, string label, CancellationToken cancel)
    {
        if (_stream is not { } stream || Interlocked.Exchange(ref _closed, 1) != 0)
        {
            _transcript.Note($"{label} not sent (the stream is closed)");
            return;
        }
        _resetByStep = true;
        _transcript.Note($"{label}: the suite resets the WebSocket's stream, RST_STREAM {Http2FrameRead.ErrorName(code)} (RFC 8441 5: as a TCP reset)");
        try
        {
            await stream.ResetAsync(code, cancel);
        }
        catch (IOException e)
        {
            _transcript.Note($"{label}: RST_STREAM not sent: {e.Message}");
        }
    }

    /// <summary>
    /// Another WebSocket on this connection: the extended CONNECT on the next stream, and once it is answered 2xx one
    /// text frame (masked, as a client's) and the wait for as many octets back as its echo has, all within the
    /// timeout; with reset, RST_STREAM CANCEL on that stream after. What the server did is in the transcript's octets;
    /// here only what the suite could not do is noted, and that the server ended the connection when it did.
    /// </summary>
    public async Task OtherWebSocketAsync(IReadOnlyList<HeaderField> request, byte[] frame, int echoLength, bool reset, TimeSpan timeout, string label, CancellationToken deadline)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(timeout);
        Http2Stream? other = null;
        try
        {
            await _writeLock.WaitAsync(window.Token);
            try
            {
                _headersLabel = $"{label}: another extended CONNECT on the same connection";
                other = await _connection.OpenStreamAsync(HpackBlockBuilder.Encode(request), endStream: false, window.Token);
            }
            finally
            {
                _writeLock.Release();
            }
            var answer = await other.Response.WaitAsync(window.Token);
            if (answer.Status is not (>= 200 and <= 299))
            {
                _transcript.Note($"{label}: the server answered the extended CONNECT on stream {other.Id} with :status {answer.Status?.ToString() ?? "(none)"}");
                return;
            }
            await _writeLock.WaitAsync(window.Token);
            try
            {
                _dataLabel = $"{label}: a text message on stream {other.Id}";
                await other.WriteAsync(frame, window.Token);
            }
            finally
            {
                _writeLock.Release();
            }
            var buffer = new byte[echoLength];
            for (var got = 0; got < echoLength;)
            {
                var n = await other.ReadAsync(buffer.AsMemory(got), window.Token);
                if (n == 0)
                {
                    _transcript.Note($"{label}: the server ended stream {other.Id} before echoing");
                    return;
                }
                got += n;
            }
            if (reset)
            {
                _transcript.Note($"{label}: the suite resets stream {other.Id}, RST_STREAM CANCEL");
                await other.ResetAsync(Http2ErrorCode.Cancel, window.Token);
            }
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            _transcript.Add(WireEntryKind.TimerFired, text: $"timer: {label}: {timeout.TotalSeconds:0.#} s passed without the answer and the echo on stream {other?.Id.ToString() ?? "(not opened)"}");
        }
        catch (IOException e)
        {
            _transcript.Note($"{label}: {e.Message}");
            // Once the WebSocket's stream has ended by itself (reset by the suite's step, or ended or reset by the
            // server) its reading no longer sees the connection, so the connection's end is said here.
            var streamEndedFirst = _resetByStep || _stream is { ServerEnded: true } || _stream is { ResetByServer: not null };
            if (streamEndedFirst && (_connection.GoAway is not null || _connection.Reading.IsCompleted))
                _transcript.Add(WireEntryKind.PeerClosed, text: Ending(e));
        }
    }
}
