using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

internal static class Utf8Generators
{
    /// <summary>Bytes that sit on the edges of the UTF-8 byte classes.</summary>
    private static readonly byte[] EdgeBytes =
    [
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
        0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFE, 0xFF,
    ];

    private static readonly int[] EdgeScalars =
        [0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0xFFFFF, 0x100000, 0x10FFFF];

    public static Gen<int> Scalar =>
        Gen.Frequency(
            (2, Gen.Elements(EdgeScalars)),
            (3, Gen.Choose(0, 0x7FF)),
            (3, Gen.Choose(0, 0x10FFFF)))
        .Where(c => c is < 0xD800 or > 0xDFFF);

    public static Gen<string> ValidString =>
        Gen.ListOf(Scalar).Select(scalars => string.Concat(scalars.Select(char.ConvertFromUtf32)));

    /// <summary>Mostly UTF-8 with some damage: truncated sequences, stray edge bytes, random bytes.</summary>
    public static Gen<byte[]> NearlyUtf8 =>
        Gen.ListOf(Gen.Frequency(
                (6, Scalar.Select(Encode)),
                (2, from scalar in Scalar.Where(c => c >= 0x80)
                    let bytes = Encode(scalar)
                    from keep in Gen.Choose(1, bytes.Length - 1)
                    select bytes[..keep]),
                (2, Gen.Elements(EdgeBytes).Select(b => new[] { b })),
                (1, ArbMap.Default.GeneratorFor<byte>().Select(b => new[] { b }))))
            .Select(chunks => chunks.SelectMany(c => c).ToArray());

    public static Gen<byte[]> AnyBytes =>
        Gen.OneOf(ArbMap.Default.GeneratorFor<byte[]>(), NearlyUtf8);

    private static byte[] Encode(int scalar) => Encoding.UTF8.GetBytes(char.ConvertFromUtf32(scalar));
}
