using System.Text;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Scoring;
using Conformance.Engine.Wire;
using Conformance.Protocol;

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

    [Test]
    public void What_the_server_sent_that_cannot_be_decoded_is_shown_by_its_first_octets_and_the_rest_as_read()
    {
        var request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        byte[] impossible = [0x82, 0x7F, 0xFF, 0, 0, 0, 0, 0, 0, 1, 0x41];
        var stored = TranscriptEntry.Store([
            new(1, WireEntryKind.Sent, request),
            new(2, WireEntryKind.Received, [.. "HTTP/1.1 101 Switching Protocols\r\n\r\n"u8, .. new Frame(Opcodes.Text, "ok"u8.ToArray()).Encode(), .. impossible]),
            new(3, WireEntryKind.Received, "after"u8.ToArray()),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows.Select(r => r.Kind), Is.EqualTo(new[] { "HTTP request", "HTTP response", "frame", "undecodable", "read" }));
        Assert.That(rows[3].Header, Does.Contain("most significant bit"));
        Assert.That(rows[3].Payload, Does.StartWith("82 7f ff"));
        Assert.That(rows[4].Payload, Is.EqualTo("\"after\""));
    }

    [Test]
    public void An_answer_other_than_101_is_followed_by_its_body_not_by_frames()
    {
        var stored = TranscriptEntry.Store([
            new(1, WireEntryKind.Sent, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()),
            new(2, WireEntryKind.Received, [.. "HTTP/1.1 400 Bad Request\nContent-Length: 3\n\r\n"u8, 0x81, 0x01, 0x41]),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows.Select(r => r.Kind), Is.EqualTo(new[] { "HTTP request", "HTTP response", "read" }));
        Assert.That(rows[1].Header, Is.EqualTo("HTTP/1.1 400 Bad Request"));
        Assert.That(rows[2].Header, Is.EqualTo("3 octets"));
    }

    [Test]
    public void A_head_or_frame_cut_short_at_the_end_is_shown_as_it_is()
    {
        var stored = TranscriptEntry.Store([
            new(1, WireEntryKind.Sent, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()),
            new(2, WireEntryKind.Sent, new Frame(Opcodes.Text, "hello"u8.ToArray(), maskKey: [1, 2, 3, 4]).Encode()[..5]),
            new(3, WireEntryKind.Received, "HTTP/1.1 101 Switching"u8.ToArray()),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows.Select(r => (r.Kind, r.Header)), Is.EqualTo(new[]
        {
            ("HTTP request", "GET / HTTP/1.1"), ("incomplete frame", "5 octets"), ("incomplete head", "22 octets"),
        }));
    }

    [Test]
    public void Serving_a_client_the_client_s_request_and_frames_are_read_from_the_client()
    {
        var stored = TranscriptEntry.Store([
            new(1, WireEntryKind.Received, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n"u8.ToArray()),
            new(2, WireEntryKind.Sent, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"u8.ToArray()),
            new(3, WireEntryKind.Sent, new Frame(Opcodes.Text, "hello"u8.ToArray()).Encode()),
            new(4, WireEntryKind.Received, new Frame(Opcodes.Text, "hello"u8.ToArray(), maskKey: [1, 2, 3, 4]).Encode()),
            new(5, WireEntryKind.PeerClosed, null),
        ]);
        var rows = TranscriptView.Rows(stored);
        Assert.That(rows.Select(r => (r.Direction, r.Kind)), Is.EqualTo(new[]
        {
            ("← client", "HTTP request"), ("→ suite", "HTTP response"), ("→ suite", "frame"), ("← client", "frame"), ("·", "client closed"),
        }));
        Assert.That(rows[3].Header, Does.Contain("mask 01020304"));
        Assert.That(rows[3].Payload, Is.EqualTo("\"hello\""));
    }
}

public class CasePageSizeTests : WithScratchFolder
{
    /// <summary>A thousands-message echo series, every octet of it stored, as the round-trip cases of categories 9 and 12 leave one.</summary>
    private static CaseResult Series(int messages)
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        var entries = new List<WireEntry>();
        long t = 0;
        void Add(WireEntryKind kind, byte[]? bytes = null, string? text = null) => entries.Add(new WireEntry(t += 100, kind, bytes, text));
        Add(WireEntryKind.Sent, new UpgradeRequest("127.0.0.1:9001", "/", key).ToBytes());
        Add(WireEntryKind.Received, Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n\r\n"));
        for (var i = 0; i < messages; i++)
        {
            var message = Encoding.ASCII.GetBytes($"message {i:0000}");
            Add(WireEntryKind.Sent, new Frame(Opcodes.Text, message, maskKey: [1, 2, 3, 4]).Encode());
            Add(WireEntryKind.Received, new Frame(Opcodes.Text, message).Encode());
        }
        Add(WireEntryKind.Sent, new Frame(Opcodes.Close, ClosePayload.Build(1000, []), maskKey: [5, 6, 7, 8]).Encode());
        Add(WireEntryKind.Received, new Frame(Opcodes.Close, ClosePayload.Build(1000, [])).Encode());
        Add(WireEntryKind.PeerClosed, text: "the server closed the TCP connection");
        var @case = new CaseDefinition
        {
            Id = "9.9.9", Title = "A series", Category = "9", CategoryTitle = "Limits", Group = "9.9", GroupTitle = "Series",
            Rfc = ["RFC6455 5.6"], Requirement = "r", Expectation = "every message echoed",
            Steps = [new SendFramesStep([new FrameSpec(Opcodes.Text, "message"u8.ToArray())], null)],
            Outcomes = [new ExpectedOutcome(Verdict.Ok, [])], Close = ExpectedClose.NormalBySuite, End = EndTimer.Default, SourceFile = "test",
        };
        return CaseResult.From(@case, new Transcript(DateTimeOffset.UtcNow, entries), Scorer.Score(@case, entries));
    }

    private static long StoredOctets(CaseResult result) => result.Transcript.Sum(e => e.Data is null ? 0 : Convert.FromBase64String(e.Data).Length);

    [Test]
    public void A_long_series_gets_a_page_in_proportion_to_its_stored_octets_saying_what_it_leaves_out()
    {
        var result = Series(3000);
        ReportWriter.Write(Scratch, HostileResults.Document(HostileResults.Run("agent", result)));
        var page = File.ReadAllText(Path.Combine(Scratch, ReportModel.PageName("agent", result.Id)));

        const int pageWithoutTranscript = 8 * 1024;
        Assert.That(page.Length, Is.LessThan(pageWithoutTranscript + TranscriptView.ShownCharactersAllowance + TranscriptView.ShownCharactersPerStoredOctet * StoredOctets(result)));
        Assert.That(page, Does.Contain("HTTP/1.1 101 Switching Protocols").And.Contain("&quot;message 0000&quot;"), "the opening handshake and the first frames");
        Assert.That(page, Does.Contain("&quot;message 2999&quot;").And.Contain("code 1000"), "the last frames and the closing handshake");
        Assert.That(page, Does.Match(@"<tr class=""not-shown"">.*\d+ rows \(\d+ of the suite&#39;s, \d+ of the server&#39;s\) from [\d.]+ ms to [\d.]+ ms are not shown, to keep this page in proportion to the \d+ octets the transcript stores; results.json holds them."));
    }

    [Test]
    public void A_short_conversation_is_shown_whole()
    {
        var result = Series(20);
        Assert.That(TranscriptView.PageRows(result.Transcript), Is.EqualTo(TranscriptView.Rows(result.Transcript)));
    }
}
