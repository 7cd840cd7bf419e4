using System.Text;

namespace Conformance.Protocol.Http2;

/// <summary>A header field as octets: each char of Name and Value is one octet (Latin-1), so nothing a peer sends is lost or replaced.</summary>
public readonly record struct HeaderField(string Name, string Value)
{
    /// <summary>The size RFC 7541 4.1 gives an entry, which SETTINGS_MAX_HEADER_LIST_SIZE counts as well.</summary>
    public int Size => Name.Length + Value.Length + 32;

    public override string ToString() => $"{Name}: {Value}";
}

/// <summary>
/// Decodes header blocks (RFC 7541) with the connection's dynamic table. The peer is untrusted: the table holds
/// at most the size this side announced (SETTINGS_HEADER_TABLE_SIZE), a block's header list at most
/// <see cref="MaxHeaderListSize"/>, and every malformed block is an error naming its rule, never an exception.
/// After an error the table is out of step with the peer's, so the connection must end (RFC 9113 4.3).
/// </summary>
public sealed class HpackDecoder
{
    private readonly List<HeaderField> _dynamic = []; // oldest first
    private int _dynamicSize;
    private int _maxDynamicSize;

    /// <summary>SETTINGS_HEADER_TABLE_SIZE until a side announces otherwise (RFC 9113 6.5.2).</summary>
    public const int DefaultHeaderTableSize = 4096;

    public HpackDecoder(int settingsHeaderTableSize = DefaultHeaderTableSize, int maxHeaderListSize = 64 * 1024)
    {
        SettingsHeaderTableSize = settingsHeaderTableSize;
        _maxDynamicSize = settingsHeaderTableSize;
        MaxHeaderListSize = maxHeaderListSize;
    }

    /// <summary>The limit this side announced: a size update above it is an error (RFC 7541 6.3).</summary>
    public int SettingsHeaderTableSize { get; }

    public int MaxHeaderListSize { get; }

    public int DynamicTableSize => _dynamicSize;

    public IReadOnlyList<HeaderField> DynamicTableNewestFirst => Enumerable.Reverse(_dynamic).ToList();

    public (List<HeaderField>? Fields, Http2Error? Error) Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        long listSize = 0;
        int position = 0;
        bool fieldSeen = false;
        while (position < block.Length)
        {
            byte first = block[position];
            string? error;
            HeaderField? field;
            if ((first & 0x80) != 0) field = Indexed(block, ref position, out error);
            else if ((first & 0xe0) == 0x20)
            {
                error = fieldSeen ? "RFC 7541 4.2: a dynamic table size update after the first header field" : SizeUpdate(block, ref position);
                field = null;
            }
            else field = Literal(block, ref position, indexing: (first & 0xc0) == 0x40, out error);
            if (error is not null) return (null, CompressionError(error));
            if (field is not { } f) continue;
            fieldSeen = true;
            listSize += f.Size;
            if (listSize > MaxHeaderListSize)
                return (null, new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 10.5.1", $"a header list larger than this side's limit of {MaxHeaderListSize} octets"));
            fields.Add(f);
        }
        return (fields, null);
    }

    /// <summary>The error of a rule given as "RFC 7541 section: reason".</summary>
    private static Http2Error CompressionError(string rule)
    {
        int colon = rule.IndexOf(':');
        return new Http2Error(Http2ErrorCode.CompressionError, rule[..colon], rule[(colon + 2)..]);
    }

    private HeaderField? Indexed(ReadOnlySpan<byte> block, ref int position, out string? error)
    {
        error = null;
        var index = HpackPrimitives.ReadInteger(block, ref position, 7);
        var field = index is { } i ? At(i) : null;
        if (field is null) error = $"RFC 7541 6.1: index {index?.ToString() ?? "(too large or cut short)"} is not in the static or dynamic table";
        return field;
    }

    private HeaderField? Literal(ReadOnlySpan<byte> block, ref int position, bool indexing, out string? error)
    {
        int prefixBits = indexing ? 6 : 4;
        var nameIndex = HpackPrimitives.ReadInteger(block, ref position, prefixBits);
        if (nameIndex is not { } n)
        {
            error = "RFC 7541 6.2: a name index too large or cut short";
            return null;
        }
        string name;
        if (n == 0)
        {
            if (HpackPrimitives.ReadString(block, ref position, out error) is not { } nameOctets) return null;
            name = Encoding.Latin1.GetString(nameOctets);
        }
        else if (At(n) is { } indexed) name = indexed.Name;
        else
        {
            error = $"RFC 7541 6.2: name index {n} is not in the static or dynamic table";
            return null;
        }
        if (HpackPrimitives.ReadString(block, ref position, out error) is not { } valueOctets) return null;
        var field = new HeaderField(name, Encoding.Latin1.GetString(valueOctets));
        if (indexing) Insert(field);
        return field;
    }

    private string? SizeUpdate(ReadOnlySpan<byte> block, ref int position)
    {
        var size = HpackPrimitives.ReadInteger(block, ref position, 5);
        if (size is not { } s || s > SettingsHeaderTableSize)
            return $"RFC 7541 6.3: a dynamic table size update to {size?.ToString() ?? "(too large)"} above the announced {SettingsHeaderTableSize}";
        _maxDynamicSize = s;
        Evict(0);
        return null;
    }

    private HeaderField? At(int index)
    {
        if (index >= 1 && index <= HpackTables.Static.Length)
        {
            var (name, value) = HpackTables.Static[index - 1];
            return new HeaderField(name, value);
        }
        int dynamicIndex = index - HpackTables.Static.Length;
        return dynamicIndex >= 1 && dynamicIndex <= _dynamic.Count ? _dynamic[^dynamicIndex] : null;
    }

    /// <summary>RFC 7541 4.4: evict until the entry fits; an entry larger than the table empties it and is not added.</summary>
    private void Insert(HeaderField field)
    {
        Evict(field.Size);
        if (field.Size > _maxDynamicSize) return;
        _dynamic.Add(field);
        _dynamicSize += field.Size;
    }

    private void Evict(int room)
    {
        int evicted = 0;
        while (evicted < _dynamic.Count && _dynamicSize + room > _maxDynamicSize)
            _dynamicSize -= _dynamic[evicted++].Size;
        _dynamic.RemoveRange(0, evicted);
    }
}
