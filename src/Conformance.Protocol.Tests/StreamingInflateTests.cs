using System.Buffers;
using Conformance.Protocol.Deflate;
using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

/// <summary>A compressed message fed a fragment at a time: the same octets as decompressed whole, within the limit.</summary>
public class StreamingInflateTests
{
    [Test]
    public void A_message_fed_in_fragments_decompresses_to_what_the_whole_does() =>
        PropertyCheck.Holds(
            from bits in Gen.Choose(8, 15)
            from takeover in ArbMap.Default.GeneratorFor<bool>()
            from length in Gen.Choose(0, 200_000)
            from seed in Gen.Choose(0, int.MaxValue)
            from cut in Gen.Choose(1, 5000)
            select (bits, takeover, length, seed, cut),
            t =>
            {
                var messages = Enumerable.Range(0, 3)
                    .Select(m => Enumerable.Range(0, t.length).Select(i => (byte)(new Random(t.seed + m + i / 50).Next(6) + 'a')).ToArray()).ToList();
                using var deflater = new MessageDeflater(t.bits, t.takeover);
                using var whole = new MessageInflater(t.bits, t.takeover);
                using var pieces = new MessageInflater(t.bits, t.takeover);
                foreach (var message in messages)
                {
                    var compressed = deflater.Compress(message);
                    var expected = whole.Decompress(compressed, out var error);
                    if (expected is null || !expected.AsSpan().SequenceEqual(message)) return false;
                    var got = new ArrayBufferWriter<byte>();
                    pieces.BeginMessage();
                    foreach (var fragment in compressed.Chunk(t.cut))
                        if (pieces.Feed(fragment, o => got.Write(o)) is not null) return false;
                    if (pieces.EndMessage(o => got.Write(o)) is not null || !got.WrittenSpan.SequenceEqual(message)) return false;
                }
                return true;
            });

    [Test]
    public void A_decompression_bomb_stops_at_the_limit_without_holding_it()
    {
        using var deflater = new MessageDeflater(15, contextTakeover: false, level: 9);
        var bomb = deflater.Compress(new byte[64 * 1024 * 1024]);
        using var inflater = new MessageInflater(15, contextTakeover: false, maxMessageBytes: 16 * 1024 * 1024);
        long taken = 0;
        inflater.BeginMessage();
        var error = inflater.Feed(bomb, o => taken += o.Length) ?? inflater.EndMessage(o => taken += o.Length);
        Assert.That(bomb.Length, Is.LessThan(128 * 1024), "a thousand to one");
        Assert.That(error, Does.Contain("more than 16777216 octets"));
        Assert.That(inflater.ErrorKind, Is.EqualTo(InflateErrorKind.MessageOverLimit));
        Assert.That(taken, Is.LessThanOrEqualTo(16 * 1024 * 1024));
    }
}
