using System.Text;

namespace Conformance.Protocol.Tests;

/// <summary>The examples of RFC 6455 sections 5.7 and 1.3, byte for byte.</summary>
public class Rfc6455ExampleTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("Hello");
    private static readonly byte[] ExampleKey = [0x37, 0xfa, 0x21, 0x3d];

    [Test]
    public void Single_frame_unmasked_text() =>
        AssertEncodesAndDecodes(new Frame(Opcodes.Text, Hello), "81 05 48 65 6c 6c 6f");

    [Test]
    public void Single_frame_masked_text() =>
        AssertEncodesAndDecodes(new Frame(Opcodes.Text, Hello, maskKey: ExampleKey), "81 85 37 fa 21 3d 7f 9f 4d 51 58");

    [Test]
    public void Fragmented_unmasked_text()
    {
        AssertEncodesAndDecodes(new Frame(Opcodes.Text, Hello[..3], fin: false), "01 03 48 65 6c");
        AssertEncodesAndDecodes(new Frame(Opcodes.Continuation, Hello[3..]), "80 02 6c 6f");
    }

    [Test]
    public void Unmasked_ping() =>
        AssertEncodesAndDecodes(new Frame(Opcodes.Ping, Hello), "89 05 48 65 6c 6c 6f");

    [Test]
    public void Masked_pong() =>
        AssertEncodesAndDecodes(new Frame(Opcodes.Pong, Hello, maskKey: ExampleKey), "8a 85 37 fa 21 3d 7f 9f 4d 51 58");

    [Test]
    public void Binary_256_bytes_uses_a_16_bit_length()
    {
        var payload = new byte[256];
        byte[] encoded = new Frame(Opcodes.Binary, payload).Encode();
        Assert.That(encoded[..4], Is.EqualTo(PropertyCheck.Hex("82 7E 01 00")));
        Assert.That(encoded, Has.Length.EqualTo(4 + 256));
        AssertDecodes(encoded, new Frame(Opcodes.Binary, payload));
    }

    [Test]
    public void Binary_64_KiB_uses_a_64_bit_length()
    {
        var payload = new byte[65536];
        byte[] encoded = new Frame(Opcodes.Binary, payload).Encode();
        Assert.That(encoded[..10], Is.EqualTo(PropertyCheck.Hex("82 7F 00 00 00 00 00 01 00 00")));
        Assert.That(encoded, Has.Length.EqualTo(10 + 65536));
        AssertDecodes(encoded, new Frame(Opcodes.Binary, payload));
    }

    [Test]
    public void Accept_key_of_section_1_3() =>
        Assert.That(HandshakeKeys.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="), Is.EqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

    private static void AssertEncodesAndDecodes(Frame frame, string expectedHex)
    {
        byte[] expected = PropertyCheck.Hex(expectedHex);
        Assert.That(frame.Encode(), Is.EqualTo(expected));
        Assert.That(frame.EncodedLength, Is.EqualTo(expected.Length));
        AssertDecodes(expected, frame);
    }

    private static void AssertDecodes(byte[] encoded, Frame expected)
    {
        var decoder = new FrameDecoder();
        decoder.Append(encoded);
        Assert.That(decoder.TryRead(out DecodedFrame? decoded), Is.EqualTo(DecodeStatus.Frame));
        Assert.That(decoded!.Header.Fin, Is.EqualTo(expected.Fin));
        Assert.That(decoded.Header.Opcode, Is.EqualTo(expected.Opcode));
        Assert.That(decoded.Header.Masked, Is.EqualTo(expected.MaskKey is not null));
        Assert.That(decoded.Payload, Is.EqualTo(expected.Payload.ToArray()));
        Assert.That(decoder.TryRead(out _), Is.EqualTo(DecodeStatus.NeedMoreData));
    }
}
