using System.Text;

namespace Conformance.Protocol.Http2;

/// <summary>
/// Writes a header block field by field (RFC 7541 section 6) without ever adding to the peer's dynamic table, so
/// the block means the same whatever came before. Each representation can be written on its own, including
/// ones a conforming encoder never writes (an index 0, a size update in the middle).
/// </summary>
public sealed class HpackBlockBuilder
{
    private readonly List<byte> _block = [];

    /// <summary>
    /// The header list in the most usual form: a field in the static table by its index, a name there by its
    /// index with a literal value, anything else as literals; never indexed into the peer's table.
    /// </summary>
    public static byte[] Encode(IEnumerable<HeaderField> fields, bool huffman = false)
    {
        var builder = new HpackBlockBuilder();
        foreach (var field in fields) builder.Field(field, huffman);
        return builder.ToArray();
    }

    public HpackBlockBuilder Field(HeaderField field, bool huffman = false)
    {
        int nameIndex = 0;
        for (int i = 0; i < HpackTables.Static.Length; i++)
        {
            if (HpackTables.Static[i].Name != field.Name) continue;
            if (HpackTables.Static[i].Value == field.Value) return Indexed(i + 1);
            if (nameIndex == 0) nameIndex = i + 1;
        }
        return Literal(HpackLiteral.WithoutIndexing, nameIndex, nameIndex == 0 ? field.Name : null, field.Value, huffman);
    }

    public HpackBlockBuilder Indexed(int index)
    {
        HpackPrimitives.WriteInteger(_block, index, 7, 0x80);
        return this;
    }

    /// <param name="nameIndex">the table index of the name, or 0 with a literal <paramref name="name"/></param>
    public HpackBlockBuilder Literal(HpackLiteral kind, int nameIndex, string? name, string value, bool huffman = false)
    {
        var (prefixBits, flags) = kind switch
        {
            HpackLiteral.IncrementalIndexing => (6, (byte)0x40),
            HpackLiteral.NeverIndexed => (4, (byte)0x10),
            _ => (4, (byte)0x00),
        };
        HpackPrimitives.WriteInteger(_block, nameIndex, prefixBits, flags);
        if (nameIndex == 0) HpackPrimitives.WriteString(_block, Encoding.Latin1.GetBytes(name ?? ""), huffman);
        HpackPrimitives.WriteString(_block, Encoding.Latin1.GetBytes(value), huffman);
        return this;
    }

    public HpackBlockBuilder TableSizeUpdate(int size)
    {
        HpackPrimitives.WriteInteger(_block, size, 5, 0x20);
        return this;
    }

    public HpackBlockBuilder Raw(ReadOnlySpan<byte> octets)
    {
        foreach (var octet in octets) _block.Add(octet);
        return this;
    }

    public byte[] ToArray() => [.. _block];
}

/// <summary>The three literal representations of RFC 7541 6.2.</summary>
public enum HpackLiteral
{
    IncrementalIndexing,
    WithoutIndexing,
    NeverIndexed,
}
