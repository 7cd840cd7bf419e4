namespace Conformance.Protocol.Tests;

public class FrameHeaderParserTests
{
    [TestCase("81 85 37 FA 21 3D")]
    [TestCase("82 7E 01 00")]
    [TestCase("82 FF 00 00 00 00 00 01 00 00 01 02 03 04")]
    public void Every_proper_prefix_of_a_header_needs_more_data(string headerHex)
    {
        byte[] header = PropertyCheck.Hex(headerHex);
        for (int length = 0; length < header.Length; length++)
        {
            Assert.That(FrameHeaderParser.TryParse(header.AsSpan(0, length), out _, out _), Is.EqualTo(HeaderParseStatus.NeedMoreData));
        }

        Assert.That(FrameHeaderParser.TryParse(header, out FrameHeader parsed, out string? error), Is.EqualTo(HeaderParseStatus.Complete));
        Assert.That(parsed.HeaderLength, Is.EqualTo(header.Length));
        Assert.That(error, Is.Null);
    }

    [Test]
    public void Fields_are_read_from_the_wire()
    {
        FrameHeaderParser.TryParse(PropertyCheck.Hex("3A FE 00 7D 01 02 03 04"), out FrameHeader header, out _);
        Assert.That(header, Is.EqualTo(new FrameHeader(
            Fin: false, Rsv: 3, Opcode: 10, Masked: true, MaskKey: 0x01020304, PayloadLength: 125, HeaderLength: 8,
            MinimalLengthEncoding: false)));
        Assert.That(header.LengthEncoding, Is.EqualTo(LengthEncoding.Extended16));
        Assert.That(header.GetMaskKeyBytes(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    [TestCase("81 7E 00 7D", false)]
    [TestCase("81 7E 00 7E", true)]
    [TestCase("81 7F 00 00 00 00 00 00 FF FF", false)]
    [TestCase("81 7F 00 00 00 00 00 01 00 00", true)]
    [TestCase("81 7F 00 00 00 00 00 00 00 00", false)]
    public void Non_minimal_lengths_are_reported(string headerHex, bool minimal)
    {
        Assert.That(FrameHeaderParser.TryParse(PropertyCheck.Hex(headerHex), out FrameHeader header, out _), Is.EqualTo(HeaderParseStatus.Complete));
        Assert.That(header.MinimalLengthEncoding, Is.EqualTo(minimal));
    }

    [Test]
    public void A_64_bit_length_with_its_most_significant_bit_set_is_invalid()
    {
        byte[] header = PropertyCheck.Hex("82 7F 80 00 00 00 00 00 00 00");
        Assert.That(FrameHeaderParser.TryParse(header, out _, out string? error), Is.EqualTo(HeaderParseStatus.Invalid));
        Assert.That(error, Does.Contain("most significant bit"));
    }

    [Test]
    public void The_largest_legal_64_bit_length_parses()
    {
        byte[] header = PropertyCheck.Hex("82 7F 7F FF FF FF FF FF FF FF");
        Assert.That(FrameHeaderParser.TryParse(header, out FrameHeader parsed, out _), Is.EqualTo(HeaderParseStatus.Complete));
        Assert.That(parsed.PayloadLength, Is.EqualTo((ulong)long.MaxValue));
    }
}
