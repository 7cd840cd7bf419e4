using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

/// <summary>A generated frame: payload bytes come from a seed to keep the case small to print.</summary>
internal sealed record FrameSpec(
    byte Opcode, bool Fin, byte Rsv, byte[]? MaskKey, LengthEncoding Encoding, int PayloadLength, int PayloadSeed)
{
    public Frame ToFrame() =>
        new(Opcode, PropertyCheck.Bytes(PayloadSeed, PayloadLength), Fin, Rsv, MaskKey, Encoding);

    public override string ToString() =>
        $"{Opcodes.Name(Opcode)} fin={Fin} rsv={Rsv} mask={(MaskKey is null ? "none" : Convert.ToHexString(MaskKey))} " +
        $"{Encoding} len={PayloadLength} seed={PayloadSeed}";
}

internal static class FrameGenerators
{
    private static readonly int[] BoundaryLengths =
        [0, 1, 2, 124, 125, 126, 127, 128, 255, 256, 65534, 65535, 65536, 65537, 70000];

    public static Gen<int> PayloadLength =>
        Gen.Frequency(
            (4, Gen.Elements(BoundaryLengths)),
            (3, Gen.Choose(0, 300)),
            (2, Gen.Choose(0, 70000)));

    public static Gen<byte[]?> MaskKey =>
        Gen.Frequency(
            (1, Gen.Constant<byte[]?>(null)),
            (2, Gen.Choose(int.MinValue, int.MaxValue).Select(k => (byte[]?)BitConverter.GetBytes(k))));

    public static Gen<FrameSpec> Frame =>
        from opcode in Gen.Choose(0, 15)
        from fin in Gen.Elements(true, false)
        from rsv in Gen.Choose(0, 7)
        from maskKey in MaskKey
        from length in PayloadLength
        from encoding in length > ushort.MaxValue
            ? Gen.Elements(LengthEncoding.Minimal, LengthEncoding.Extended64)
            : Gen.Elements(LengthEncoding.Minimal, LengthEncoding.Extended16, LengthEncoding.Extended64)
        from seed in Gen.Choose(0, int.MaxValue)
        select new FrameSpec((byte)opcode, fin, (byte)rsv, maskKey, encoding, length, seed);

    public static Gen<int> MaxPieceSize => Gen.Elements(1, 2, 3, 7, 13, 100, 1000, 20000, 200000);
}
