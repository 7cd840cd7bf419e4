using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>One direction read as it travelled: the same head and frames however its octets were cut into reads.</summary>
public class DirectionReaderTests
{
    private static readonly byte[] Head = Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

    [Test]
    public void A_direction_cut_anywhere_reads_as_the_same_head_and_frames()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var frames = Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomFrame(random)).ToList();
            byte[] octets = [.. Head, .. frames.SelectMany(f => f.Encode())];
            var whole = Read(octets, [octets.Length]);
            var cuts = new List<int>();
            for (var left = octets.Length; left > 0;)
            {
                var piece = Math.Min(left, random.Next(0, 40));
                cuts.Add(piece);
                left -= piece;
            }
            Assert.That(Read(octets, cuts), Is.EqualTo(whole), $"round {round}");
            Assert.That(whole, Has.Count.EqualTo(frames.Count + 1));
            Assert.That(whole[0], Is.EqualTo($"head {Head.Length}"));
        }
    }

    [Test]
    public void What_cannot_be_decoded_is_kept_by_its_first_octets_and_nothing_after_it_is_read()
    {
        byte[] bad = [0x82, 0x7E, 0x10, 0x00, .. new byte[200]];
        var reader = new DirectionReader(1024, DirectionReader.LongestResponseHead);
        reader.Append([.. Head, .. new Frame(Opcodes.Text, "ok"u8.ToArray()).Encode(), .. bad]);
        Assert.That(reader.TryRead(out _), Is.EqualTo(DirectionStatus.Head));
        Assert.That(reader.TryRead(out var frame), Is.EqualTo(DirectionStatus.Frame));
        Assert.That(frame!.Payload, Is.EqualTo("ok"u8.ToArray()));
        Assert.That(reader.TryRead(out _), Is.EqualTo(DirectionStatus.Undecodable));
        Assert.That(reader.Error, Does.Contain("more than the limit"));
        Assert.That(reader.OctetsAtError, Is.EqualTo(bad[..FrameDecoder.OctetsKeptAtError]));
        reader.Append(new Frame(Opcodes.Text, "later"u8.ToArray()).Encode());
        Assert.That(reader.TryRead(out _), Is.EqualTo(DirectionStatus.Undecodable));
    }

    [Test]
    public void A_head_without_an_end_is_undecodable_past_its_limit_and_not_held()
    {
        var reader = new DirectionReader(1024, 100);
        reader.Append(Encoding.ASCII.GetBytes("HTTP/1.1 101 OK\r\n" + new string('x', 90)));
        Assert.That(reader.TryRead(out _), Is.EqualTo(DirectionStatus.Undecodable));
        Assert.That(reader.Error, Does.Contain("100 octets"));
        Assert.That(reader.Pending.Length, Is.Zero);
    }

    private static List<string> Read(byte[] octets, List<int> cuts)
    {
        var reader = new DirectionReader(FrameDecoder.LargestPayloadLength, DirectionReader.LongestResponseHead);
        var read = new List<string>();
        var at = 0;
        foreach (var cut in cuts)
        {
            reader.Append(octets.AsSpan(at, cut));
            at += cut;
            while (true)
            {
                var status = reader.TryRead(out var frame);
                if (status == DirectionStatus.NeedMoreData) break;
                Assert.That(status, Is.Not.EqualTo(DirectionStatus.Undecodable), reader.Error);
                read.Add(status == DirectionStatus.Head ? $"head {reader.Head!.Length}"
                    : $"{frame!.Header.Opcode} {frame.Header.Fin} {frame.StreamOffset} {Convert.ToHexString(frame.Payload)}");
            }
        }
        Assert.That(reader.Pending.Length, Is.Zero);
        return read;
    }

    private static Frame RandomFrame(Random random)
    {
        var opcode = new[] { Opcodes.Text, Opcodes.Binary, Opcodes.Continuation, Opcodes.Ping }[random.Next(4)];
        var payload = new byte[random.Next(4) == 0 && opcode != Opcodes.Ping ? random.Next(126, 70_000) : random.Next(0, 20)];
        random.NextBytes(payload);
        return random.Next(2) == 0 ? new Frame(opcode, payload) : Frame.Client(opcode, payload);
    }
}
