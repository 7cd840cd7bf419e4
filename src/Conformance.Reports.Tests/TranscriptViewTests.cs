using Conformance.Engine.Results;
using Conformance.Engine.Wire;

namespace Conformance.Reports.Tests;

public class TranscriptViewTests
{
    [Test]
    public void Heads_and_frames_are_decoded_in_order_and_unmasked()
    {
        var rows = TranscriptView.Rows(HostileResults.Case().Transcript);
        Assert.That(rows.Select(r => (r.Direction, r.Kind)), Is.EqualTo(new[]
        {
            ("→ suite", "HTTP request"), ("← server", "HTTP response"), ("→ suite", "frame"), ("← server", "frame"),
            ("← server", "frame"), ("→ suite", "frame"), ("·", "server closed"),
        }));
        Assert.That(rows[2].Header, Is.EqualTo("ping · FIN · mask 01020304 · 5 octets"));
        Assert.That(rows[2].Payload, Is.EqualTo("\"hello\""), "the suite's masked payload is shown unmasked");
        Assert.That(rows[4].Payload, Does.StartWith("code 1000"));
        Assert.That(rows[4].Payload, Does.Contain("3c 73 63"), "a reason that is not valid UTF-8 is shown in hex");
    }

    [Test]
    public void A_folded_direction_shows_the_frame_header_and_what_was_left_out()
    {
        var frame = new Conformance.Protocol.Frame(Conformance.Protocol.Opcodes.Binary, new byte[100_000], maskKey: [0, 0, 0, 0]).Encode();
        var request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        var stored = TranscriptEntry.Store([
            new(1, Conformance.Engine.Wire.WireEntryKind.Sent, request),
            new(2, Conformance.Engine.Wire.WireEntryKind.Sent, frame),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows[1].Kind, Is.EqualTo("frame"));
        Assert.That(rows[1].Header, Does.Contain("binary · FIN · mask 00000000 · 100000 octets"));
        Assert.That(rows[1].Folded, Does.Contain("not stored"));
        Assert.That(rows[1].Payload, Does.Contain("more octets"), "a long payload is folded");
    }

    [Test]
    public void Compressed_messages_are_shown_decompressed_with_the_agreed_parameters()
    {
        using var client = new Conformance.Protocol.Deflate.MessageDeflater();
        var first = client.Compress("a message, a message, a message"u8);
        var second = client.Compress("a message, a message, a message"u8);
        var stored = TranscriptEntry.Store([
            new(1, Conformance.Engine.Wire.WireEntryKind.Sent, "GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"u8.ToArray()),
            new(2, Conformance.Engine.Wire.WireEntryKind.Received, "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"u8.ToArray()),
            new(3, Conformance.Engine.Wire.WireEntryKind.Sent, new Conformance.Protocol.Frame(Conformance.Protocol.Opcodes.Text, first, rsv: 4, maskKey: [9, 8, 7, 6]).Encode()),
            new(4, Conformance.Engine.Wire.WireEntryKind.Sent, new Conformance.Protocol.Frame(Conformance.Protocol.Opcodes.Text, second, rsv: 4, maskKey: [1, 2, 3, 4]).Encode()),
            new(5, Conformance.Engine.Wire.WireEntryKind.Received, new Conformance.Protocol.Frame(Conformance.Protocol.Opcodes.Text, new byte[] { 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00 }, rsv: 4).Encode()),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows[2].Header, Does.Contain("RSV=4"));
        Assert.That(rows[2].Payload, Does.EndWith("decompressed, 31 octets: \"a message, a message, a message\""));
        Assert.That(rows[3].Payload, Does.EndWith("decompressed, 31 octets: \"a message, a message, a message\""), "with context takeover");
        Assert.That(rows[4].Payload, Does.EndWith("decompressed, 5 octets: \"Hello\""));
    }
}
