using Conformance.Protocol.Http2;
using FsCheck.Fluent;
using static Conformance.Protocol.Tests.PropertyCheck;

namespace Conformance.Protocol.Tests.Http2;

public class HpackTests
{
    private static HeaderField[] Fields(params string[] nameValues) =>
        Enumerable.Range(0, nameValues.Length / 2).Select(i => new HeaderField(nameValues[2 * i], nameValues[2 * i + 1])).ToArray();

    private static readonly HeaderField[] FirstRequest = Fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com");
    private static readonly HeaderField[] SecondRequest = [.. FirstRequest, new("cache-control", "no-cache")];
    private static readonly HeaderField[] ThirdRequest = Fields(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com", "custom-key", "custom-value");

    [TestCase("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65", TestName = "RFC 7541 C.3: requests without Huffman")]
    [TestCase("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", TestName = "RFC 7541 C.4: requests with Huffman")]
    public void The_RFC_examples_decode_with_one_dynamic_table(string first, string second, string third)
    {
        var decoder = new HpackDecoder();
        Assert.That(decoder.Decode(Hex(first)).Fields, Is.EqualTo(FirstRequest));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(57));
        Assert.That(decoder.Decode(Hex(second)).Fields, Is.EqualTo(SecondRequest));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(110));
        Assert.That(decoder.Decode(Hex(third)).Fields, Is.EqualTo(ThirdRequest));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(164));
        Assert.That(decoder.DynamicTableNewestFirst.Select(f => f.Name), Is.EqualTo(new[] { "custom-key", "cache-control", ":authority" }));
    }

    [Test]
    public void Entries_are_evicted_oldest_first_and_a_size_update_to_zero_empties_the_table()
    {
        var decoder = new HpackDecoder(settingsHeaderTableSize: 100);
        var block = new HpackBlockBuilder().TableSizeUpdate(100)
            .Literal(HpackLiteral.IncrementalIndexing, 0, "aaaa", "1111") // 40 octets
            .Literal(HpackLiteral.IncrementalIndexing, 0, "bbbb", "2222")
            .Literal(HpackLiteral.IncrementalIndexing, 0, "cccc", "3333") // evicts aaaa
            .Indexed(62).Indexed(63).ToArray();
        Assert.That(decoder.Decode(block).Fields![^2..], Is.EqualTo(Fields("cccc", "3333", "bbbb", "2222")));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(80));
        Assert.That(decoder.Decode(new HpackBlockBuilder().TableSizeUpdate(0).ToArray()).Error, Is.Null);
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(0));
        Assert.That(decoder.Decode(new HpackBlockBuilder().Indexed(62).ToArray()).Error?.Section, Is.EqualTo("RFC 7541 6.1"));
    }

    [Test]
    public void An_entry_larger_than_the_table_empties_it_and_is_not_added()
    {
        var decoder = new HpackDecoder(settingsHeaderTableSize: 64);
        var block = new HpackBlockBuilder().Literal(HpackLiteral.IncrementalIndexing, 0, "a", "b")
            .Literal(HpackLiteral.IncrementalIndexing, 0, "long-name", new string('x', 40)).ToArray();
        Assert.That(decoder.Decode(block).Fields, Has.Count.EqualTo(2));
        Assert.That(decoder.DynamicTableSize, Is.EqualTo(0));
    }

    [TestCase("80", "RFC 7541 6.1", TestName = "index 0")]
    [TestCase("be", "RFC 7541 6.1", TestName = "an index past the static table with an empty dynamic table")]
    [TestCase("ff ff ff ff ff 0f", "RFC 7541 6.1", TestName = "an index past 2^31 (no overflow)")]
    [TestCase("ff 80 80 80 80 80 80 80 01", "RFC 7541 6.1", TestName = "an integer with too many continuation octets")]
    [TestCase("ff", "RFC 7541 6.1", TestName = "an integer cut short")]
    [TestCase("3f e2 1f", "RFC 7541 6.3", TestName = "a size update above the announced 4096")]
    [TestCase("82 20", "RFC 7541 4.2", TestName = "a size update after a field")]
    [TestCase("00 05 61 62", "RFC 7541 5.2", TestName = "a string longer than the block")]
    [TestCase("0f 2f 01 61 01 61", "RFC 7541 6.2", TestName = "a name index not in the table")]
    [TestCase("00 81 18 01 61", "RFC 7541 5.2", TestName = "Huffman padding of zeros")]
    [TestCase("00 82 ff ff 01 61", "RFC 7541 5.2", TestName = "Huffman padding of 8 bits or more")]
    [TestCase("00 84 ff ff ff ff 01 61", "RFC 7541 5.2", TestName = "the EOS symbol in a Huffman string")]
    [TestCase("00", "RFC 7541 5.2", TestName = "a literal without its name")]
    public void A_malformed_block_is_a_compression_error_naming_its_rule(string block, string section)
    {
        var (fields, error) = new HpackDecoder().Decode(Hex(block));
        Assert.That(fields, Is.Null);
        Assert.That(error!.Code, Is.EqualTo(Http2ErrorCode.CompressionError));
        Assert.That(error.Section, Is.EqualTo(section), error.ToString());
    }

    [Test]
    public void A_header_list_over_the_limit_is_an_error_whatever_the_block_length()
    {
        // One 40-octet field indexed into the table, then referred to 100 times in 100 octets.
        var builder = new HpackBlockBuilder().Literal(HpackLiteral.IncrementalIndexing, 0, "name", "value-value-value-value");
        for (int i = 0; i < 100; i++) builder.Indexed(62);
        var (fields, error) = new HpackDecoder(maxHeaderListSize: 2000).Decode(builder.ToArray());
        Assert.That(fields, Is.Null);
        Assert.That(error!.Section, Is.EqualTo("RFC 9113 10.5.1"));
    }

    [Test]
    public void The_builder_indexes_what_the_static_table_holds_and_writes_the_rest_as_literals()
    {
        var block = HpackBlockBuilder.Encode(Fields(":method", "GET", ":method", "CONNECT", "x-y", "z"));
        Assert.That(Convert.ToHexString(block), Is.EqualTo("82" + "0207434F4E4E454354" + "0003782D7901" + "7A"));
    }

    [Test]
    public void Integers_round_trip_with_every_prefix() =>
        Holds(Gen.Zip(Gen.Choose(1, 8), Gen.Choose(0, int.MaxValue)), t =>
        {
            var (prefix, value) = t;
            var octets = new List<byte>();
            HpackPrimitives.WriteInteger(octets, value, prefix, 0);
            int position = 0;
            return HpackPrimitives.ReadInteger(octets.ToArray(), ref position, prefix) == value && position == octets.Count;
        }, maxTest: 500);

    [Test]
    public void Strings_round_trip_with_and_without_Huffman() =>
        Holds(Gen.Zip(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => new Octets(b)), Gen.Elements(false, true)), t =>
        {
            var (value, huffman) = (t.Item1.Value, t.Item2);
            var octets = new List<byte>();
            HpackPrimitives.WriteString(octets, value, huffman);
            int position = 0;
            var read = HpackPrimitives.ReadString(octets.ToArray(), ref position, out var error);
            return error is null && read!.AsSpan().SequenceEqual(value) && position == octets.Count;
        }, maxTest: 500);

    /// <summary>Octets that print as hex in a counterexample.</summary>
    internal sealed record Octets(byte[] Value)
    {
        public override string ToString() => Convert.ToHexString(Value);
    }

    [Test]
    public void Header_lists_round_trip_through_the_builder_and_the_decoder()
    {
        var names = Gen.Elements(":method", ":path", "content-type", "x-custom", "sec-websocket-protocol", "");
        var values = Gen.Elements("GET", "/", "text/plain", "", "\u00ff\u0000\u0080", "CONNECT", "websocket");
        var field = Gen.Zip(names, values).Select(t => new HeaderField(t.Item1, t.Item2));
        Holds(Gen.Zip(Gen.ListOf(field), Gen.Elements(false, true)), t =>
            new HpackDecoder().Decode(HpackBlockBuilder.Encode(t.Item1, t.Item2)).Fields!.SequenceEqual(t.Item1), maxTest: 300);
    }
}
