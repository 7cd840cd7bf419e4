using System.Buffers.Binary;

namespace Conformance.Protocol;

/// <param name="Payload">The unmasked payload.</param>
/// <param name="StreamOffset">Offset of the frame's first byte in the stream fed to the decoder.</param>
public sealed record DecodedFrame(FrameHeader Header, byte[] Payload, long StreamOffset);

public enum DecodeStatus
{
    NeedMoreData,
    Frame,
    Error,
}

/// <summary>What stopped a <see cref="FrameDecoder"/>.</summary>
public enum DecodeErrorKind
{
    /// <summary>The frame header is malformed (RFC 6455 5.2).</summary>
    InvalidHeader,
    /// <summary>A frame announces a payload longer than the decoder's limit.</summary>
    PayloadOverLimit,
}

/// <summary>
/// Decodes frames from a byte stream that arrives in arbitrary pieces. The stream is untrusted: memory grows
/// only with bytes actually appended, never with a length a header announces.
/// </summary>
public sealed class FrameDecoder
{
    private const int InitialCapacity = 4096;

    private byte[] _buffer = [];
    private int _start;
    private int _count;
    private long _discardedAfterError;

    /// <summary>The largest payload one frame can be decoded into (what an array can hold).</summary>
    public static long LargestPayloadLength => Array.MaxLength - FrameHeaderParser.MaxHeaderLength;

    public FrameDecoder(long maxPayloadLength = 64L * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayloadLength, LargestPayloadLength);
        MaxPayloadLength = maxPayloadLength;
    }

    public long MaxPayloadLength { get; }

    /// <summary>Why decoding stopped; null until an error.</summary>
    public string? Error { get; private set; }

    /// <summary>The kind of the error in <see cref="Error"/>; null until an error.</summary>
    public DecodeErrorKind? ErrorKind { get; private set; }

    /// <summary>Bytes appended but not yet returned in a frame.</summary>
    public long BufferedBytes => _count + _discardedAfterError;

    /// <summary>The octets appended but not yet returned in a frame, as long as there is no error.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _count);

    /// <summary>The first octets of what could not be decoded (at most <see cref="OctetsKeptAtError"/>); empty until an error.</summary>
    public byte[] OctetsAtError { get; private set; } = [];

    public const int OctetsKeptAtError = 64;

    /// <summary>Stream offset just after the last returned frame.</summary>
    public long ConsumedBytes { get; private set; }

    /// <summary>
    /// Adds bytes received from the peer. Throws InvalidOperationException when more than an array can hold
    /// would be buffered, which only happens when frames are not read in between.
    /// </summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Error is not null)
        {
            // Nothing more will be decoded, so there is no point holding on to what a hostile peer keeps sending.
            _discardedAfterError += bytes.Length;
            return;
        }

        EnsureSpaceFor(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_start + _count));
        _count += bytes.Length;
    }

    /// <summary>Returns the next complete frame; call repeatedly until it returns NeedMoreData.</summary>
    public DecodeStatus TryRead(out DecodedFrame? frame)
    {
        frame = null;
        if (Error is not null)
        {
            return DecodeStatus.Error;
        }

        ReadOnlySpan<byte> buffered = _buffer.AsSpan(_start, _count);
        switch (FrameHeaderParser.TryParse(buffered, out FrameHeader header, out string? headerError))
        {
            case HeaderParseStatus.NeedMoreData:
                return DecodeStatus.NeedMoreData;
            case HeaderParseStatus.Invalid:
                return Fail(DecodeErrorKind.InvalidHeader, $"invalid frame header at stream offset {ConsumedBytes}: {headerError}");
        }

        if (header.PayloadLength > (ulong)MaxPayloadLength)
        {
            return Fail(
                DecodeErrorKind.PayloadOverLimit,
                $"frame at stream offset {ConsumedBytes} announces a payload of {header.PayloadLength} bytes, " +
                $"more than the limit of {MaxPayloadLength} bytes");
        }

        int payloadLength = (int)header.PayloadLength;
        if (buffered.Length - header.HeaderLength < payloadLength)
        {
            return DecodeStatus.NeedMoreData;
        }

        byte[] payload = buffered.Slice(header.HeaderLength, payloadLength).ToArray();
        if (header.Masked)
        {
            Span<byte> key = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(key, header.MaskKey);
            Masking.Apply(payload, key);
        }

        int frameLength = header.HeaderLength + payloadLength;
        frame = new DecodedFrame(header, payload, ConsumedBytes);
        ConsumedBytes += frameLength;
        _start += frameLength;
        _count -= frameLength;
        if (_count == 0)
        {
            _start = 0;
        }

        return DecodeStatus.Frame;
    }

    private DecodeStatus Fail(DecodeErrorKind kind, string error)
    {
        Error = error;
        ErrorKind = kind;
        OctetsAtError = _buffer.AsSpan(_start, Math.Min(_count, OctetsKeptAtError)).ToArray();
        _discardedAfterError = _count;
        _buffer = [];
        _start = 0;
        _count = 0;
        return DecodeStatus.Error;
    }

    private void EnsureSpaceFor(int incoming)
    {
        if (_buffer.Length - _start - _count >= incoming)
        {
            return;
        }

        long needed = (long)_count + incoming;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"the decoder cannot buffer {needed} bytes; read frames before appending more");
        }

        if (needed <= _buffer.Length)
        {
            _buffer.AsSpan(_start, _count).CopyTo(_buffer);
        }
        else
        {
            long capacity = Math.Max(InitialCapacity, _buffer.Length);
            while (capacity < needed)
            {
                capacity *= 2;
            }

            var grown = new byte[Math.Min(capacity, Array.MaxLength)];
            _buffer.AsSpan(_start, _count).CopyTo(grown);
            _buffer = grown;
        }

        _start = 0;
    }
}
