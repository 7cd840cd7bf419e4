using System.Buffers.Binary;

namespace Conformance.Protocol;

public enum HeaderParseStatus
{
    NeedMoreData,
    Complete,
    Invalid,
}

public static class FrameHeaderParser
{
    /// <summary>The longest header: 2 bytes, 8 of extended length, 4 of mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>
    /// Parses a header from the start of <paramref name="buffer"/>. Anything that can be encoded is accepted
    /// except a 64-bit length with its most significant bit set, which RFC 6455 5.2 forbids.
    /// </summary>
    public static HeaderParseStatus TryParse(ReadOnlySpan<byte> buffer, out FrameHeader header, out string? error)
    {
        header = default;
        error = null;
        if (buffer.Length < 2)
        {
            return HeaderParseStatus.NeedMoreData;
        }

        bool masked = (buffer[1] & 0x80) != 0;
        int lengthMarker = buffer[1] & 0x7F;
        int extendedLengthSize = lengthMarker switch { 126 => 2, 127 => 8, _ => 0 };
        int headerLength = 2 + extendedLengthSize + (masked ? 4 : 0);
        if (buffer.Length < headerLength)
        {
            return HeaderParseStatus.NeedMoreData;
        }

        ulong payloadLength;
        bool minimal;
        switch (extendedLengthSize)
        {
            case 0:
                payloadLength = (ulong)lengthMarker;
                minimal = true;
                break;
            case 2:
                payloadLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
                minimal = payloadLength > 125;
                break;
            default:
                payloadLength = BinaryPrimitives.ReadUInt64BigEndian(buffer[2..]);
                if ((payloadLength & (1UL << 63)) != 0)
                {
                    error = $"the 64-bit payload length 0x{payloadLength:X16} has its most significant bit set (RFC 6455 5.2)";
                    return HeaderParseStatus.Invalid;
                }

                minimal = payloadLength > ushort.MaxValue;
                break;
        }

        uint maskKey = masked ? BinaryPrimitives.ReadUInt32BigEndian(buffer[(2 + extendedLengthSize)..]) : 0;
        header = new FrameHeader(
            Fin: (buffer[0] & 0x80) != 0,
            Rsv: (byte)((buffer[0] >> 4) & 0x7),
            Opcode: (byte)(buffer[0] & 0xF),
            Masked: masked,
            MaskKey: maskKey,
            PayloadLength: payloadLength,
            HeaderLength: headerLength,
            MinimalLengthEncoding: minimal);
        return HeaderParseStatus.Complete;
    }
}
