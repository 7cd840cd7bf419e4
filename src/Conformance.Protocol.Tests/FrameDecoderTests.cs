namespace Conformance.Protocol.Tests;

public class FrameDecoderTests
{
    private const long AllowedAllocation = 16 * 1024;

    [TestCase("82 7F 7F FF FF FF FF FF FF FF", 9223372036854775807L)]
    [TestCase("82 7F 00 00 01 00 00 00 00 00", 1099511627776L)]
    [TestCase("82 FF 00 00 01 00 00 00 00 00 01 02 03 04", 1099511627776L)]
    public void A_header_announcing_more_than_the_limit_is_an_error_without_allocating(string headerHex, long announced)
    {
        byte[] header = PropertyCheck.Hex(headerHex);
        DecodeOnce(header); // warm up, so the measurement below sees no one-time costs

        long before = GC.GetAllocatedBytesForCurrentThread();
        (DecodeStatus status, FrameDecoder decoder) = DecodeOnce(header);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(status, Is.EqualTo(DecodeStatus.Error));
        Assert.That(allocated, Is.LessThan(AllowedAllocation));
        Assert.That(decoder.Error, Does.Contain(announced.ToString()).And.Contain(decoder.MaxPayloadLength.ToString()));
        Assert.That(decoder.ErrorKind, Is.EqualTo(DecodeErrorKind.PayloadOverLimit));
    }

    [Test]
    public void A_huge_announced_length_within_the_limit_allocates_only_for_bytes_that_arrived()
    {
        var decoder = new FrameDecoder(maxPayloadLength: Array.MaxLength - 14);
        long before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Append(PropertyCheck.Hex("82 7F 00 00 00 00 40 00 00 00 01 02 03"));
        DecodeStatus status = decoder.TryRead(out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(status, Is.EqualTo(DecodeStatus.NeedMoreData));
        Assert.That(allocated, Is.LessThan(AllowedAllocation));
        Assert.That(decoder.BufferedBytes, Is.EqualTo(13));
    }

    [Test]
    public void A_payload_exactly_at_the_limit_is_accepted_and_one_more_byte_is_not()
    {
        var atLimit = new FrameDecoder(maxPayloadLength: 10);
        atLimit.Append(new Frame(Opcodes.Binary, new byte[10]).Encode());
        Assert.That(atLimit.TryRead(out DecodedFrame? frame), Is.EqualTo(DecodeStatus.Frame));
        Assert.That(frame!.Payload, Has.Length.EqualTo(10));
        Assert.That(atLimit.ErrorKind, Is.Null);

        var overLimit = new FrameDecoder(maxPayloadLength: 10);
        overLimit.Append(new Frame(Opcodes.Binary, new byte[11]).Encode());
        Assert.That(overLimit.TryRead(out _), Is.EqualTo(DecodeStatus.Error));
        Assert.That(overLimit.ErrorKind, Is.EqualTo(DecodeErrorKind.PayloadOverLimit));
    }

    [Test]
    public void After_an_error_every_call_is_an_error()
    {
        var decoder = new FrameDecoder();
        decoder.Append(PropertyCheck.Hex("81 7F 80 00 00 00 00 00 00 00"));
        Assert.That(decoder.TryRead(out _), Is.EqualTo(DecodeStatus.Error));
        Assert.That(decoder.Error, Does.Contain("most significant bit"));
        Assert.That(decoder.ErrorKind, Is.EqualTo(DecodeErrorKind.InvalidHeader));

        decoder.Append(new Frame(Opcodes.Text, new byte[3]).Encode());
        Assert.That(decoder.TryRead(out DecodedFrame? frame), Is.EqualTo(DecodeStatus.Error));
        Assert.That(frame, Is.Null);
        Assert.That(decoder.TryRead(out _), Is.EqualTo(DecodeStatus.Error));
        Assert.That(decoder.BufferedBytes, Is.EqualTo(15));
        Assert.That(decoder.ConsumedBytes, Is.Zero);
    }

    [Test]
    public void Offsets_and_counters_follow_the_stream()
    {
        byte[] first = new Frame(Opcodes.Text, new byte[3]).Encode();
        byte[] second = new Frame(Opcodes.Ping, new byte[2], maskKey: [9, 9, 9, 9]).Encode();
        var decoder = new FrameDecoder();
        decoder.Append([.. first, .. second[..3]]);

        Assert.That(decoder.TryRead(out DecodedFrame? one), Is.EqualTo(DecodeStatus.Frame));
        Assert.That(one!.StreamOffset, Is.Zero);
        Assert.That(decoder.ConsumedBytes, Is.EqualTo(first.Length));
        Assert.That(decoder.BufferedBytes, Is.EqualTo(3));
        Assert.That(decoder.TryRead(out _), Is.EqualTo(DecodeStatus.NeedMoreData));

        decoder.Append(second[3..]);
        Assert.That(decoder.TryRead(out DecodedFrame? two), Is.EqualTo(DecodeStatus.Frame));
        Assert.That(two!.StreamOffset, Is.EqualTo(first.Length));
        Assert.That(two.Payload, Is.EqualTo(new byte[2]));
        Assert.That(decoder.ConsumedBytes, Is.EqualTo(first.Length + second.Length));
        Assert.That(decoder.BufferedBytes, Is.Zero);
    }

    [Test]
    public void An_invalid_limit_is_rejected()
    {
        Assert.That(() => new FrameDecoder(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new FrameDecoder(long.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static (DecodeStatus, FrameDecoder) DecodeOnce(byte[] bytes)
    {
        var decoder = new FrameDecoder();
        decoder.Append(bytes);
        return (decoder.TryRead(out _), decoder);
    }
}
