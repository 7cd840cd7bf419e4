using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Conformance.Protocol;

/// <summary>The XOR masking of RFC 6455 5.3.</summary>
public static class Masking
{
    /// <summary>
    /// XORs <paramref name="data"/> with the 4-byte key, where data starts at position <paramref name="offset"/>
    /// of the masked payload, so a payload can be masked in pieces.
    /// </summary>
    public static void Apply(Span<byte> data, ReadOnlySpan<byte> key, long offset = 0)
    {
        if (key.Length != 4)
        {
            throw new ArgumentException($"a mask key must be exactly 4 bytes, not {key.Length}", nameof(key));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        // The key rotated so that its first byte applies to data[0]; every vector width is a multiple of 4,
        // so the same rotation holds at the start of every block below.
        int phase = (int)(offset & 3);
        Span<byte> rotated = stackalloc byte[8];
        for (int i = 0; i < 8; i++)
        {
            rotated[i] = key[(phase + i) & 3];
        }

        int done = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            Span<byte> pattern = stackalloc byte[Vector<byte>.Count];
            for (int i = 0; i < pattern.Length; i++)
            {
                pattern[i] = rotated[i & 3];
            }

            var keyVector = new Vector<byte>(pattern);
            Span<Vector<byte>> vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (int i = 0; i < vectors.Length; i++)
            {
                vectors[i] ^= keyVector;
            }

            done = vectors.Length * Vector<byte>.Count;
        }

        ulong keyWord = MemoryMarshal.Read<ulong>(rotated);
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(data[done..]);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] ^= keyWord;
        }

        done += words.Length * sizeof(ulong);
        for (int i = done; i < data.Length; i++)
        {
            data[i] ^= rotated[i & 3];
        }
    }

    /// <summary>4 bytes from a cryptographic random source, as RFC 6455 5.3 asks of clients.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(4);
}
