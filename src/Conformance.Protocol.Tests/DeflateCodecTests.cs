using System.IO.Compression;
using Conformance.Protocol.Deflate;
using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

public class DeflateCodecTests
{
    private static readonly Gen<int> WindowBits = Gen.Choose(8, 15);

    /// <summary>Messages that compress well (repeats of a short phrase) and messages that do not (random octets).</summary>
    private static readonly Gen<byte[]> Message =
        from kind in Gen.Choose(0, 2)
        from length in Gen.Frequency((4, Gen.Choose(0, 300)), (2, Gen.Choose(300, 40_000)), (1, Gen.Choose(40_000, 150_000)))
        from seed in Gen.Choose(0, int.MaxValue)
        select kind switch
        {
            0 => PropertyCheck.Bytes(seed, length),
            1 => Enumerable.Range(0, length).Select(i => (byte)"the quick brown fox "[(i + seed % 7) % 20]).ToArray(),
            _ => Enumerable.Range(0, length).Select(i => (byte)(new Random(seed + i / 64).Next(4) + 'a')).ToArray(),
        };

    [Test]
    public void Decompressing_a_compressed_message_gives_it_back_for_any_window_and_context_takeover() =>
        PropertyCheck.Holds(
            from bits in WindowBits
            from takeover in ArbMap.Default.GeneratorFor<bool>()
            from level in Gen.Elements(1, 6, 9)
            from messages in Gen.ListOf(Message, 0).SelectMany(_ => Gen.Choose(1, 8)).SelectMany(n => Gen.ListOf(Message, n))
            select (bits, takeover, level, messages),
            t =>
            {
                using var deflater = new MessageDeflater(t.bits, t.takeover, t.level);
                using var inflater = new MessageInflater(t.bits, t.takeover);
                foreach (var message in t.messages)
                {
                    var compressed = deflater.Compress(message);
                    var back = inflater.Decompress(compressed, out var error);
                    if (error is not null || !back!.AsSpan().SequenceEqual(message)) return false;
                }
                return true;
            }, maxTest: 60);

    [Test]
    public void Context_takeover_makes_a_repeated_message_cheaper_and_its_absence_does_not()
    {
        var message = "{\"id\": 1, \"name\": \"a record that repeats\", \"tags\": [\"x\", \"y\"]}"u8.ToArray();
        using var keeping = new MessageDeflater(15, contextTakeover: true);
        using var forgetting = new MessageDeflater(15, contextTakeover: false);
        var first = keeping.Compress(message);
        var second = keeping.Compress(message);
        Assert.That(second, Has.Length.LessThan(first.Length / 2));
        Assert.That(forgetting.Compress(message), Is.EqualTo(forgetting.Compress(message)));
    }

    [Test]
    public void A_message_compressed_with_context_takeover_cannot_be_read_by_an_inflater_that_forgets()
    {
        var message = "hello hello hello, a message long enough to be found again"u8.ToArray();
        using var deflater = new MessageDeflater(15, contextTakeover: true);
        using var inflater = new MessageInflater(15, contextTakeover: false);
        Assert.That(inflater.Decompress(deflater.Compress(message), out _), Is.EqualTo(message));
        Assert.That(inflater.Decompress(deflater.Compress(message), out var error), Is.Null);
        Assert.That(error, Does.Contain("invalid distance"));
    }

    [Test]
    public void The_flush_tail_is_removed_and_the_RFC_example_decodes()
    {
        // RFC 7692 7.2.3.1: "Hello" compressed is c2 48 cd c9 c9 07 00 (shown without the tail).
        using var inflater = new MessageInflater();
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f2 48 cd c9 c9 07 00"), out _), Is.EqualTo("Hello"u8.ToArray()));
        using var deflater = new MessageDeflater();
        var compressed = deflater.Compress("Hello"u8);
        Assert.That(compressed.AsSpan().EndsWith(new byte[] { 0, 0, 0xff, 0xff }), Is.False);
    }

    [Test]
    public void RFC_7692_examples_with_context_takeover_and_a_final_block_decode()
    {
        using var inflater = new MessageInflater();
        // 7.2.3.2: the second "Hello" refers back to the first.
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f2 48 cd c9 c9 07 00"), out _), Is.EqualTo("Hello"u8.ToArray()));
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f2 00 11 00 00"), out _), Is.EqualTo("Hello"u8.ToArray()));
        // 7.2.3.4: a message ended by a block with BFINAL set; the window is kept for the next message.
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f3 48 cd c9 c9 07 00"), out var error), Is.EqualTo("Hello"u8.ToArray()), error);
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f2 00 11 00 00"), out error), Is.EqualTo("Hello"u8.ToArray()), error);
        // The same with the empty stored block's header after the final block, as the RFC shows it.
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f3 48 cd c9 c9 07 00 00"), out error), Is.EqualTo("Hello"u8.ToArray()), error);
        Assert.That(inflater.Decompress(PropertyCheck.Hex("f2 00 11 00 00"), out error), Is.EqualTo("Hello"u8.ToArray()), error);
    }

    [Test]
    public void Data_compressed_by_dotnet_decodes_and_ours_inflates_in_dotnet()
    {
        var message = Enumerable.Range(0, 50_000).Select(i => (byte)(i % 251 % 17 + 'a')).ToArray();
        var theirs = new MemoryStream();
        using (var deflate = new DeflateStream(theirs, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(message);
        using var inflater = new MessageInflater();
        Assert.That(inflater.Decompress(theirs.ToArray(), out var error), Is.EqualTo(message), error);

        using var deflater = new MessageDeflater();
        var ours = new MemoryStream([.. deflater.Compress(message), 0, 0, 0xff, 0xff, 0x03, 0x00]);
        using var reading = new DeflateStream(ours, CompressionMode.Decompress);
        var back = new MemoryStream();
        reading.CopyTo(back);
        Assert.That(back.ToArray(), Is.EqualTo(message));
    }

    [Test]
    public void Garbage_and_bombs_give_an_error_not_an_exception()
    {
        using var inflater = new MessageInflater(maxMessageBytes: 1_000_000);
        Assert.That(inflater.Decompress([0xff, 0xff, 0xff], out var error), Is.Null);
        Assert.That(error, Does.StartWith("the DEFLATE data is invalid"));
        Assert.That(inflater.ErrorKind, Is.EqualTo(InflateErrorKind.InvalidData));

        using var deflater = new MessageDeflater(level: 9);
        var bomb = deflater.Compress(new byte[10_000_000]);
        using var limited = new MessageInflater(maxMessageBytes: 1_000_000);
        Assert.That(limited.Decompress(bomb, out error), Is.Null);
        Assert.That(error, Does.Contain("more than 1000000 octets"));
        Assert.That(limited.ErrorKind, Is.EqualTo(InflateErrorKind.MessageOverLimit));
    }

    [Test]
    public void An_empty_message_round_trips()
    {
        using var deflater = new MessageDeflater();
        using var inflater = new MessageInflater();
        for (var i = 0; i < 3; i++) Assert.That(inflater.Decompress(deflater.Compress([]), out _), Is.Empty);
    }
}
