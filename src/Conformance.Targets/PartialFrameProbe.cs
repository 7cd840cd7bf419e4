using Conformance.Protocol;

namespace Conformance.Targets;

/// <summary>
/// A copy of the octets of the frame still being received (up to a limit), so that the payload that has arrived can
/// be checked before the frame is whole: the FrameDecoder hands out whole frames only.
/// </summary>
internal sealed class PartialFrameProbe
{
    private const int Limit = 64 * 1024;
    private readonly byte[] _bytes = new byte[Limit];
    private int _count;
    private long _start;
    private bool _lost;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_lost) return;
        if (_count + bytes.Length > Limit)
        {
            _lost = true;
            _count = 0;
            return;
        }

        bytes.CopyTo(_bytes.AsSpan(_count));
        _count += bytes.Length;
    }

    /// <summary>Forgets the frames the decoder has returned; <paramref name="buffered"/> is what it still holds.</summary>
    public void Consumed(long consumedBytes, long buffered)
    {
        if (_lost)
        {
            if (buffered != 0) return;
            _lost = false;
            _count = 0;
            _start = consumedBytes;
            return;
        }

        var drop = (int)(consumedBytes - _start);
        if (drop <= 0) return;
        _bytes.AsSpan(drop, _count - drop).CopyTo(_bytes);
        _count -= drop;
        _start = consumedBytes;
    }

    /// <summary>The header and the unmasked payload received so far of the frame not yet whole.</summary>
    public bool TryGetPartialPayload(out FrameHeader header, out byte[] payload)
    {
        payload = [];
        header = default;
        if (_lost || FrameHeaderParser.TryParse(_bytes.AsSpan(0, _count), out header, out _) != HeaderParseStatus.Complete) return false;
        var available = _count - header.HeaderLength;
        if (available <= 0) return false;
        payload = _bytes.AsSpan(header.HeaderLength, available).ToArray();
        if (header.GetMaskKeyBytes() is { } key) Masking.Apply(payload, key);
        return true;
    }
}
