using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

/// <summary>Runs an FsCheck property inside an NUnit test, throwing with the shrunk counterexample on failure.</summary>
internal static class PropertyCheck
{
    public static void Holds<T>(Gen<T> generator, Func<T, bool> property, int maxTest = 100) =>
        Prop.ForAll(Arb.From(generator), property).Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest));

    /// <summary>Deterministic pseudo-random bytes, so large payloads need only a seed in the generated case.</summary>
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Cuts <paramref name="total"/> bytes into consecutive pieces of 1..maxPiece bytes (some empty).</summary>
    public static List<(int Start, int Length)> Pieces(int seed, int total, int maxPiece)
    {
        var random = new Random(seed);
        var pieces = new List<(int, int)>();
        int start = 0;
        while (start < total)
        {
            int length = random.Next(8) == 0 ? 0 : Math.Min(total - start, random.Next(1, maxPiece + 1));
            pieces.Add((start, length));
            start += length;
        }

        return pieces;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
}
