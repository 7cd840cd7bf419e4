using System.Buffers.Binary;

namespace Conformance.Protocol;

/// <summary>
/// A frame to send. Any field combination can be encoded, including ones RFC 6455 forbids
/// (reserved opcodes, RSV bits, fragmented or oversized control frames, non-minimal lengths).
/// </summary>
public sealed class Frame
{
    public Frame(
        byte opcode,
        ReadOnlyMemory<byte> payload,
        bool fin = true,
        byte rsv = 0,
        byte[]? maskKey = null,
        LengthEncoding lengthEncoding = LengthEncoding.Minimal)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(opcode, (byte)15);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rsv, (byte)7);
        if (maskKey is not null && maskKey.Length != 4)
        {
            throw new ArgumentException($"a mask key must be exactly 4 bytes, not {maskKey.Length}", nameof(maskKey));
        }

        if (!Enum.IsDefined(lengthEncoding))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthEncoding), lengthEncoding, "unknown length encoding");
        }

        if (lengthEncoding == LengthEncoding.Extended16 && payload.Length > ushort.MaxValue)
        {
            throw new ArgumentException(
                $"A payload of {payload.Length} bytes does not fit a 16-bit length.", nameof(lengthEncoding));
        }

        Opcode = opcode;
        Payload = payload;
        Fin = fin;
        Rsv = rsv;
        MaskKey = maskKey is null ? null : (byte[])maskKey.Clone();
        LengthEncoding = lengthEncoding;
        HeaderLength = 2 + ExtendedLengthSize(lengthEncoding, payload.Length) + (maskKey is null ? 0 : 4);
        EncodedLength = checked(HeaderLength + payload.Length);
    }

    public bool Fin { get; }

    /// <summary>The RSV field as on the wire: 4 = RSV1, 2 = RSV2, 1 = RSV3.</summary>
    public byte Rsv { get; }

    public byte Opcode { get; }

    /// <summary>The unmasked payload. It is not copied: the caller must not change it while the frame is in use.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Null for an unmasked frame, else a copy of the 4 key bytes.</summary>
    public byte[]? MaskKey { get; }

    public LengthEncoding LengthEncoding { get; }

    /// <summary>Header bytes, including the extended length and the mask key.</summary>
    public int HeaderLength { get; }

    /// <summary>Header plus payload bytes.</summary>
    public int EncodedLength { get; }

    /// <summary>A masked frame with a fresh random key, as a client sends.</summary>
    public static Frame Client(byte opcode, ReadOnlyMemory<byte> payload, bool fin = true, byte rsv = 0) =>
        new(opcode, payload, fin, rsv, Masking.NewKey());

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        EncodeTo(bytes);
        return bytes;
    }

    public int EncodeTo(Span<byte> destination)
    {
        if (destination.Length < EncodedLength)
        {
            throw new ArgumentException(
                $"the frame needs {EncodedLength} bytes but the destination has {destination.Length}",
                nameof(destination));
        }

        destination[0] = (byte)((Fin ? 0x80 : 0) | (Rsv << 4) | Opcode);
        byte maskBit = MaskKey is null ? (byte)0 : (byte)0x80;
        int position = 2;
        switch (ExtendedLengthSize(LengthEncoding, Payload.Length))
        {
            case 0:
                destination[1] = (byte)(maskBit | Payload.Length);
                break;
            case 2:
                destination[1] = (byte)(maskBit | 126);
                BinaryPrimitives.WriteUInt16BigEndian(destination[position..], (ushort)Payload.Length);
                position += 2;
                break;
            default:
                destination[1] = (byte)(maskBit | 127);
                BinaryPrimitives.WriteUInt64BigEndian(destination[position..], (ulong)Payload.Length);
                position += 8;
                break;
        }

        if (MaskKey is not null)
        {
            MaskKey.CopyTo(destination[position..]);
            position += 4;
        }

        Span<byte> payloadDestination = destination.Slice(position, Payload.Length);
        Payload.Span.CopyTo(payloadDestination);
        if (MaskKey is not null)
        {
            Masking.Apply(payloadDestination, MaskKey);
        }

        return position + Payload.Length;
    }

    public override string ToString() =>
        $"{Opcodes.Name(Opcode)} fin={(Fin ? 1 : 0)} rsv={Rsv} len={Payload.Length}" +
        (MaskKey is null ? "" : $" mask={Convert.ToHexString(MaskKey)}") +
        (LengthEncoding == LengthEncoding.Minimal ? "" : $" {LengthEncoding}");

    private static int ExtendedLengthSize(LengthEncoding encoding, int payloadLength) => encoding switch
    {
        LengthEncoding.Extended16 => 2,
        LengthEncoding.Extended64 => 8,
        _ when payloadLength <= 125 => 0,
        _ when payloadLength <= ushort.MaxValue => 2,
        _ => 8,
    };
}
