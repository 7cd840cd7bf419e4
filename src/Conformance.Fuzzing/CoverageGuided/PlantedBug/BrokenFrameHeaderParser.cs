using System.Buffers.Binary;

namespace Conformance.Fuzzing.CoverageGuided.PlantedBug;

/// <summary>
/// A copy of the frame header parser with a bug put in on purpose, for proving that the coverage-guided set-up
/// finds and reproduces a crash: for a 16-bit length it forgets the mask key when checking that the whole header
/// has arrived, so a masked frame cut short inside its key reads past the end. Never use it for anything else.
/// </summary>
public static class BrokenFrameHeaderParser
{
    /// <summary>The header's fields, or null while more octets are needed.</summary>
    public static (int HeaderLength, ulong PayloadLength, uint MaskKey)? TryParse(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < 2) return null;
        bool masked = (buffer[1] & 0x80) != 0;
        int lengthMarker = buffer[1] & 0x7f;
        int extendedLengthSize = lengthMarker switch { 126 => 2, 127 => 8, _ => 0 };
        int headerLength = 2 + extendedLengthSize + (masked ? 4 : 0);
        int checkedLength = lengthMarker == 126 ? 2 + extendedLengthSize : headerLength;
        if (buffer.Length < checkedLength) return null;

        ulong payloadLength = extendedLengthSize switch
        {
            0 => (ulong)lengthMarker,
            2 => BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]),
            _ => BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]),
        };
        uint maskKey = masked ? BinaryPrimitives.ReadUInt32BigEndian(buffer[(2 + extendedLengthSize)..]) : 0;
        return (headerLength, payloadLength, maskKey);
    }
}
