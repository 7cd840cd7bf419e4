namespace Conformance.Protocol.Http2;

/// <summary>
/// Cuts frames out of octets that arrive in arbitrary pieces (RFC 9113 4.1). The peer is untrusted: the buffer
/// grows only with octets that arrived, never with a length a header announces, and a frame longer than the
/// SETTINGS_MAX_FRAME_SIZE this side announced is an error (RFC 9113 4.2), after which nothing more is decoded.
/// </summary>
public sealed class Http2FrameDecoder
{
    private byte[] _buffer = new byte[Http2Limits.FrameHeaderLength];
    private int _start;
    private int _count;

    public Http2FrameDecoder(int maxFrameSize = Http2Limits.DefaultMaxFrameSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, Http2Limits.DefaultMaxFrameSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameSize, Http2Limits.LargestMaxFrameSize);
        MaxFrameSize = maxFrameSize;
    }

    /// <summary>The SETTINGS_MAX_FRAME_SIZE this side announced; the largest payload accepted.</summary>
    public int MaxFrameSize { get; set; }

    /// <summary>Why decoding stopped; null until then.</summary>
    public Http2Error? Error { get; private set; }

    /// <summary>Octets appended and not yet returned in a frame.</summary>
    public int BufferedBytes => _count;

    /// <summary>The octets appended and not yet returned in a frame.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _count);

    /// <summary>Octets returned in frames so far.</summary>
    public long ConsumedBytes { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Error is not null || bytes.IsEmpty) return;
        if (_start + _count + bytes.Length > _buffer.Length)
        {
            if (_count + bytes.Length > _buffer.Length)
            {
                // What arrived, at most one frame plus its header ahead: the caller reads frames as it appends.
                var grown = new byte[Math.Max(_count + bytes.Length, Math.Min(2 * _buffer.Length, Array.MaxLength))];
                _buffer.AsSpan(_start, _count).CopyTo(grown);
                _buffer = grown;
            }
            else
            {
                _buffer.AsSpan(_start, _count).CopyTo(_buffer);
            }
            _start = 0;
        }
        bytes.CopyTo(_buffer.AsSpan(_start + _count));
        _count += bytes.Length;
    }

    /// <summary>The next whole frame, or null when more octets are needed or after an error (see <see cref="Error"/>).</summary>
    public Http2Frame? Next()
    {
        if (Error is not null || _count < Http2Limits.FrameHeaderLength) return null;
        var header = _buffer.AsSpan(_start, Http2Limits.FrameHeaderLength);
        int length = header[0] << 16 | header[1] << 8 | header[2];
        if (length > MaxFrameSize)
        {
            Error = new Http2Error(Http2ErrorCode.FrameSizeError, "RFC 9113 4.2",
                $"a frame of {length} octets exceeds SETTINGS_MAX_FRAME_SIZE {MaxFrameSize}");
            return null;
        }
        if (_count < Http2Limits.FrameHeaderLength + length) return null;
        var frame = new Http2Frame(header[3], header[4], (uint)(header[5] << 24 | header[6] << 16 | header[7] << 8 | header[8]),
            _buffer.AsSpan(_start + Http2Limits.FrameHeaderLength, length).ToArray());
        _start += frame.EncodedLength;
        _count -= frame.EncodedLength;
        ConsumedBytes += frame.EncodedLength;
        if (_count == 0) _start = 0;
        return frame;
    }
}
