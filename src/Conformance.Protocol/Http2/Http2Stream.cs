using System.Threading.Channels;

namespace Conformance.Protocol.Http2;

/// <summary>A response header block: the header list as the server sent it, and its :status where that is a number.</summary>
public sealed record Http2Response(int? Status, IReadOnlyList<HeaderField> Fields)
{
    public string? this[string name] => Fields.FirstOrDefault(f => f.Name == name) is { Name: not null } f ? f.Value : null;
}

/// <summary>
/// One stream of an <see cref="Http2Connection"/> as a duplex byte stream: what is read is the content of the
/// server's DATA frames (window given back as it is read), what is written goes out in DATA frames within the
/// server's windows. A read returns 0 after the server's END_STREAM and throws IOException after a reset.
/// </summary>
public sealed class Http2Stream : Stream
{
    private readonly Http2Connection _connection;
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<Http2Response> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _receiving = new();
    private ReadOnlyMemory<byte> _current;
    private long _receiveWindow;
    private long _receiveCredit;
    private bool _remoteEnded;
    private bool _localEnded;

    internal Http2Stream(Http2Connection connection, uint id, int sendWindow, int receiveWindow)
    {
        _connection = connection;
        Id = id;
        SendWindow = sendWindow;
        _receiveWindow = receiveWindow;
    }

    public uint Id { get; }

    /// <summary>The server's response header block (the first that is not 1xx).</summary>
    public Task<Http2Response> Response => _response.Task;

    /// <summary>A header block after the response (trailers), when the server sent one.</summary>
    public Http2Response? Trailers { get; private set; }

    /// <summary>Why the stream ended abnormally (reset by either side, or the connection ended); null otherwise.</summary>
    public string? EndReason { get; private set; }

    /// <summary>The code of the server's RST_STREAM, when it reset the stream.</summary>
    public Http2ErrorCode? ResetByServer { get; private set; }

    /// <summary>The server ended its side with END_STREAM.</summary>
    public bool ServerEnded => _remoteEnded;

    /// <summary>Sees every frame of this stream as written or read, when the connection was given a frame observer.</summary>
    internal Http2WireObserver? Frames { get; set; }

    /// <summary>Guarded by the connection's state lock.</summary>
    internal long SendWindow { get; set; }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
    {
        if (buffer.IsEmpty) return 0;
        while (_current.IsEmpty)
        {
            if (!await _received.Reader.WaitToReadAsync(cancel)) return 0;
            _received.Reader.TryRead(out var chunk);
            _current = chunk;
        }
        int length = Math.Min(buffer.Length, _current.Length);
        _current[..length].CopyTo(buffer);
        _current = _current[length..];
        await _connection.DataConsumedAsync(this, length, cancel);
        return length;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default) =>
        new(_connection.SendDataAsync(this, buffer, endStream: false, cancel));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        WriteAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Ends this side of the stream: an empty DATA frame with END_STREAM.</summary>
    public Task EndAsync(CancellationToken cancel) => _connection.SendDataAsync(this, ReadOnlyMemory<byte>.Empty, endStream: true, cancel);

    /// <summary>Resets the stream with RST_STREAM (RFC 9113 6.4); the connection goes on.</summary>
    public async Task ResetAsync(Http2ErrorCode code, CancellationToken cancel)
    {
        Ended($"this side reset the stream: RST_STREAM {code}", null);
        await _connection.SendAsync(Http2FrameEncoder.RstStream(Id, code), cancel);
    }

    public override Task FlushAsync(CancellationToken cancel) => Task.CompletedTask;
    public override void Flush() { }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    internal void ThrowIfWritingEnded()
    {
        if (EndReason is not null) throw new IOException($"stream {Id} ended: {EndReason}");
        if (_localEnded) throw new IOException($"stream {Id}: this side has sent END_STREAM");
    }

    internal void SentEndStream() => _localEnded = true;

    internal void HeadersArrived(List<HeaderField> fields, bool endStream)
    {
        var status = fields.FirstOrDefault(f => f.Name == ":status").Value;
        var response = new Http2Response(int.TryParse(status, out var code) ? code : null, fields);
        bool informational = response.Status is >= 100 and < 200 && !endStream;
        if (!_response.Task.IsCompleted && !informational) _response.TrySetResult(response);
        else if (_response.Task.IsCompleted) Trailers = response;
        if (endStream) RemoteEnded();
    }

    /// <param name="flowControlled">the whole payload's length, padding included, which the window counts</param>
    internal Http2Error? DataArrived(DataContent data, int flowControlled)
    {
        lock (_receiving)
        {
            if (_remoteEnded || EndReason is not null)
                return new Http2Error(Http2ErrorCode.StreamClosed, "RFC 9113 5.1", $"DATA on stream {Id} after it was closed", Id, ConnectionError: false);
            if (flowControlled > _receiveWindow)
                return new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.9.1",
                    $"DATA of {flowControlled} octets beyond stream {Id}'s window of {_receiveWindow}", Id, ConnectionError: false);
            _receiveWindow -= flowControlled;
            _receiveCredit += flowControlled - data.Data.Length;
        }
        if (!_response.Task.IsCompleted)
            return new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 8.1", $"DATA on stream {Id} before the response's HEADERS", Id, ConnectionError: false);
        if (data.Data.Length > 0) _received.Writer.TryWrite(data.Data);
        if (data.EndStream) RemoteEnded();
        return null;
    }

    /// <summary>The stream window to give back once at least <paramref name="threshold"/> octets have been read; 0 until then.</summary>
    internal uint TakeReceiveCredit(int consumed, int threshold)
    {
        lock (_receiving)
        {
            _receiveCredit += consumed;
            if (_receiveCredit < threshold || _remoteEnded || EndReason is not null) return 0;
            var increment = (uint)_receiveCredit;
            _receiveWindow += _receiveCredit;
            _receiveCredit = 0;
            return increment;
        }
    }

    private void RemoteEnded()
    {
        lock (_receiving) _remoteEnded = true;
        _received.Writer.TryComplete();
    }

    /// <summary>A reset by either side or the end of the connection: reads and writes fail from now on.</summary>
    internal void Ended(string reason, Http2ErrorCode? code, bool byPeer = false)
    {
        lock (_receiving)
        {
            if (byPeer) ResetByServer ??= code;
            if (EndReason is not null || (_remoteEnded && _localEnded)) return;
            EndReason = reason;
        }
        _response.TrySetException(new IOException(reason));
        _received.Writer.TryComplete(new IOException(reason));
    }
}
