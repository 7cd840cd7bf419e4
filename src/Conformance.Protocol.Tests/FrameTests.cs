namespace Conformance.Protocol.Tests;

public class FrameTests
{
    [Test]
    public void First_byte_packs_fin_rsv_and_opcode_like_the_wire()
    {
        byte[] encoded = new Frame(0xB, ReadOnlyMemory<byte>.Empty, fin: false, rsv: 5).Encode();
        Assert.That(encoded, Is.EqualTo(new byte[] { 0x5B, 0x00 }));
    }

    [TestCase(LengthEncoding.Minimal, 5, "81 05")]
    [TestCase(LengthEncoding.Extended16, 5, "81 7E 00 05")]
    [TestCase(LengthEncoding.Extended64, 5, "81 7F 00 00 00 00 00 00 00 05")]
    [TestCase(LengthEncoding.Extended64, 300, "81 7F 00 00 00 00 00 00 01 2C")]
    [TestCase(LengthEncoding.Minimal, 125, "81 7D")]
    [TestCase(LengthEncoding.Minimal, 126, "81 7E 00 7E")]
    [TestCase(LengthEncoding.Minimal, 65535, "81 7E FF FF")]
    [TestCase(LengthEncoding.Minimal, 65536, "81 7F 00 00 00 00 00 01 00 00")]
    public void Length_encodings_write_the_requested_form(LengthEncoding encoding, int length, string expectedHeaderHex)
    {
        byte[] expectedHeader = PropertyCheck.Hex(expectedHeaderHex);
        var frame = new Frame(Opcodes.Text, new byte[length], lengthEncoding: encoding);
        byte[] encoded = frame.Encode();
        Assert.That(encoded[..expectedHeader.Length], Is.EqualTo(expectedHeader));
        Assert.That(frame.HeaderLength, Is.EqualTo(expectedHeader.Length));
        Assert.That(frame.EncodedLength, Is.EqualTo(expectedHeader.Length + length));
    }

    [Test]
    public void A_mask_key_that_is_not_4_bytes_is_rejected()
    {
        Assert.That(() => new Frame(Opcodes.Text, default, maskKey: new byte[3]), Throws.ArgumentException);
        Assert.That(() => new Frame(Opcodes.Text, default, maskKey: new byte[5]), Throws.ArgumentException);
    }

    [Test]
    public void Values_that_do_not_fit_their_fields_are_rejected()
    {
        Assert.That(() => new Frame(16, default), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Frame(Opcodes.Text, default, rsv: 8), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(
            () => new Frame(Opcodes.Binary, new byte[65536], lengthEncoding: LengthEncoding.Extended16),
            Throws.ArgumentException);
    }

    [Test]
    public void Protocol_violations_can_be_encoded_on_purpose()
    {
        // A fragmented ping with 200 bytes of payload and a reserved opcode are both illegal, and both encodable.
        Assert.That(new Frame(Opcodes.Ping, new byte[200], fin: false).Encode()[..4], Is.EqualTo(PropertyCheck.Hex("09 7E 00 C8")));
        Assert.That(new Frame(3, default, rsv: 7).Encode(), Is.EqualTo(PropertyCheck.Hex("F3 00")));
    }

    [Test]
    public void EncodeTo_a_destination_too_small_throws()
    {
        var frame = new Frame(Opcodes.Text, new byte[10]);
        Assert.That(() => frame.EncodeTo(new byte[11]), Throws.ArgumentException);
        Assert.That(frame.EncodeTo(new byte[12]), Is.EqualTo(12));
    }

    [Test]
    public void The_mask_key_is_copied_so_later_changes_to_the_array_do_not_leak_in()
    {
        byte[] key = [1, 2, 3, 4];
        var frame = new Frame(Opcodes.Text, new byte[4], maskKey: key);
        key[0] = 99;
        Assert.That(frame.Encode(), Is.EqualTo(PropertyCheck.Hex("81 84 01 02 03 04 01 02 03 04")));
    }

    [Test]
    public void Client_frames_are_masked_with_a_fresh_key()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => Frame.Client(Opcodes.Text, new byte[3]).MaskKey).ToList();
        Assert.That(keys, Has.All.Not.Null.And.Length.EqualTo(4));
        Assert.That(keys.Select(k => Convert.ToHexString(k!)).Distinct().Count(), Is.GreaterThan(1));

        Frame frame = Frame.Client(Opcodes.Close, new byte[] { 3, 232 }, fin: false, rsv: 4);
        Assert.That(frame.Encode()[0], Is.EqualTo(0x48));
        Assert.That(frame.Encode()[1], Is.EqualTo(0x82));
    }

    [Test]
    public void Opcode_names_and_classes()
    {
        Assert.That(Enumerable.Range(0, 16).Select(o => Opcodes.Name((byte)o)), Is.EqualTo(new[]
        {
            "continuation", "text", "binary", "reserved-3", "reserved-4", "reserved-5", "reserved-6", "reserved-7",
            "close", "ping", "pong", "reserved-11", "reserved-12", "reserved-13", "reserved-14", "reserved-15",
        }));
        Assert.That(Enumerable.Range(0, 16).Where(o => Opcodes.IsControl((byte)o)), Is.EqualTo(Enumerable.Range(8, 8)));
        Assert.That(
            Enumerable.Range(0, 16).Where(o => Opcodes.IsReserved((byte)o)),
            Is.EqualTo(new[] { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 }));
    }
}
