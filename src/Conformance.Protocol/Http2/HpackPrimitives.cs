namespace Conformance.Protocol.Http2;

/// <summary>
/// The integer (RFC 7541 5.1) and string (5.2) representations, with the Huffman code of Appendix B. Reading
/// is bounded for a hostile peer: integers above <see cref="LargestInteger"/> are errors, never an overflow,
/// and a string is never longer than the octets that hold it allow.
/// </summary>
public static class HpackPrimitives
{
    /// <summary>The largest integer read: no table index, size or string length this side accepts comes near it.</summary>
    public const int LargestInteger = int.MaxValue;

    // The Huffman code as a binary tree: node n has children _tree[2n] (bit 0) and _tree[2n+1] (bit 1);
    // a child below 0 is the leaf of symbol ~child, 0 is no child yet (the root is never a child).
    private static readonly int[] Tree = BuildTree();

    public static void WriteInteger(List<byte> destination, int value, int prefixBits, byte firstOctetFlags)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        int prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            destination.Add((byte)(firstOctetFlags | value));
            return;
        }
        destination.Add((byte)(firstOctetFlags | prefixMax));
        value -= prefixMax;
        while (value >= 0x80)
        {
            destination.Add((byte)(value & 0x7f | 0x80));
            value >>= 7;
        }
        destination.Add((byte)value);
    }

    /// <summary>Reads an integer whose prefix is the low <paramref name="prefixBits"/> bits of block[position]; null when it is cut short or too large.</summary>
    public static int? ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        if (position >= block.Length) return null;
        int prefixMax = (1 << prefixBits) - 1;
        long value = block[position++] & prefixMax;
        if (value < prefixMax) return (int)value;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= block.Length || shift > 28) return null;
            byte octet = block[position++];
            value += (long)(octet & 0x7f) << shift;
            if (value > LargestInteger) return null;
            if ((octet & 0x80) == 0) return (int)value;
        }
    }

    public static void WriteString(List<byte> destination, ReadOnlySpan<byte> value, bool huffman)
    {
        if (!huffman)
        {
            WriteInteger(destination, value.Length, 7, 0);
            foreach (var octet in value) destination.Add(octet);
            return;
        }
        var encoded = HuffmanEncode(value);
        WriteInteger(destination, encoded.Length, 7, 0x80);
        destination.AddRange(encoded);
    }

    /// <summary>Reads a string literal; the error names the rule broken, null when it was read.</summary>
    public static byte[]? ReadString(ReadOnlySpan<byte> block, ref int position, out string? error)
    {
        error = null;
        if (position >= block.Length)
        {
            error = "RFC 7541 5.2: a string literal is missing";
            return null;
        }
        bool huffman = (block[position] & 0x80) != 0;
        if (ReadInteger(block, ref position, 7) is not { } length || length > block.Length - position)
        {
            error = "RFC 7541 5.2: a string length is larger than what is left of the header block";
            return null;
        }
        var octets = block.Slice(position, length);
        position += length;
        if (!huffman) return octets.ToArray();
        var decoded = HuffmanDecode(octets, out error);
        return decoded;
    }

    public static byte[] HuffmanEncode(ReadOnlySpan<byte> value)
    {
        long bits = 0;
        foreach (var octet in value) bits += HpackTables.Huffman[octet].Length;
        var encoded = new byte[(bits + 7) / 8];
        ulong pending = 0;
        int pendingBits = 0, position = 0;
        foreach (var octet in value)
        {
            var (code, length) = HpackTables.Huffman[octet];
            pending = pending << length | code;
            pendingBits += length;
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                encoded[position++] = (byte)(pending >> pendingBits);
            }
        }
        if (pendingBits > 0) encoded[position] = (byte)(pending << (8 - pendingBits) | (0xffu >> pendingBits));
        return encoded;
    }

    /// <summary>Decodes Huffman-coded octets; null with the rule broken when padding is longer than 7 bits, not the EOS prefix, or EOS is coded (RFC 7541 5.2).</summary>
    public static byte[]? HuffmanDecode(ReadOnlySpan<byte> encoded, out string? error)
    {
        error = null;
        // Every code is at least 5 bits long.
        var decoded = new List<byte>(encoded.Length * 8 / 5);
        int node = 0, bitsSinceSymbol = 0;
        bool allOnesSinceSymbol = true;
        foreach (var octet in encoded)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                int one = octet >> bit & 1;
                int child = Tree[2 * node + one];
                bitsSinceSymbol++;
                allOnesSinceSymbol &= one == 1;
                if (child >= 0)
                {
                    node = child;
                    continue;
                }
                int symbol = ~child;
                if (symbol == 256)
                {
                    error = "RFC 7541 5.2: a Huffman-coded string contains the EOS symbol";
                    return null;
                }
                decoded.Add((byte)symbol);
                node = 0;
                bitsSinceSymbol = 0;
                allOnesSinceSymbol = true;
            }
        }
        if (bitsSinceSymbol > 7) error = "RFC 7541 5.2: Huffman padding longer than 7 bits";
        else if (!allOnesSinceSymbol) error = "RFC 7541 5.2: Huffman padding that is not the most significant bits of EOS";
        return error is null ? decoded.ToArray() : null;
    }

    private static int[] BuildTree()
    {
        var tree = new List<int> { 0, 0 };
        for (int symbol = 0; symbol < HpackTables.Huffman.Length; symbol++)
        {
            var (code, length) = HpackTables.Huffman[symbol];
            int node = 0;
            for (int bit = length - 1; bit > 0; bit--)
            {
                int slot = 2 * node + (int)(code >> bit & 1);
                if (tree[slot] == 0)
                {
                    tree[slot] = tree.Count / 2;
                    tree.Add(0);
                    tree.Add(0);
                }
                node = tree[slot];
            }
            tree[2 * node + (int)(code & 1)] = ~symbol;
        }
        return [.. tree];
    }
}
