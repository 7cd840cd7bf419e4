using Conformance.Protocol.Deflate;
using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>The scorer on recorded permessage-deflate conversations: what it decompresses, what it refuses.</summary>
public class DeflateScoringTests
{
    private const string Offer = "permessage-deflate; client_max_window_bits";
    private static readonly CaseDefinition EchoTwice = Case([Ok(Text("Hello, Hello, Hello"), Text("Hello, Hello, Hello"))]) with { DeflateOffers = [Offer] };

    private static byte[] Compressed(MessageDeflater deflater, string text) => deflater.Compress(System.Text.Encoding.UTF8.GetBytes(text));

    private static TranscriptBuilder Closed(TranscriptBuilder t) => t.SuiteClose(1000).ServerClose(1000).PeerClosed();

    [Test]
    public void Compressed_echoes_are_decompressed_with_context_takeover_and_compared()
    {
        using var server = new MessageDeflater(15, contextTakeover: true);
        var t = TranscriptBuilder.Opened(Offer, "permessage-deflate")
            .Server(Opcodes.Text, Compressed(server, "Hello, Hello, Hello"), rsv: 4)
            .Server(Opcodes.Text, Compressed(server, "Hello, Hello, Hello"), rsv: 4);
        var score = Scorer.Score(EchoTwice, Closed(t).Entries);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [Test]
    public void A_second_message_that_needs_the_window_the_server_promised_to_drop_is_FAILED()
    {
        using var server = new MessageDeflater(15, contextTakeover: true);
        var t = TranscriptBuilder.Opened(Offer + "; server_no_context_takeover", "permessage-deflate; server_no_context_takeover")
            .Server(Opcodes.Text, Compressed(server, "Hello, Hello, Hello"), rsv: 4)
            .Server(Opcodes.Text, Compressed(server, "Hello, Hello, Hello"), rsv: 4);
        var score = Scorer.Score(EchoTwice with { DeflateOffers = [Offer + "; server_no_context_takeover"] }, Closed(t).Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("does not decompress with the agreed parameters").And.Contain("RFC 7692 7.2.2"));
    }

    [Test]
    public void RSV1_on_a_continuation_frame_is_FAILED()
    {
        using var server = new MessageDeflater();
        var whole = Compressed(server, "Hello, Hello, Hello");
        var t = TranscriptBuilder.Opened(Offer, "permessage-deflate")
            .Server(Opcodes.Text, whole[..2], fin: false, rsv: 4).Server(Opcodes.Continuation, whole[2..], rsv: 4);
        var score = Scorer.Score(EchoTwice, Closed(t).Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("RSV1 on a continuation frame"));
    }

    [Test]
    public void RSV1_without_the_extension_is_FAILED()
    {
        var t = TranscriptBuilder.Opened(Offer, null).Server(Opcodes.Text, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], rsv: 4);
        var score = Scorer.Score(Case([Ok(Text("Hello"))]), Closed(t).Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("without a negotiated extension"));
    }

    [Test]
    public void An_answer_with_client_max_window_bits_that_was_not_offered_fails_the_handshake()
    {
        var t = TranscriptBuilder.Opened("permessage-deflate", "permessage-deflate; client_max_window_bits=10");
        var score = Scorer.Score(EchoTwice with { DeflateOffers = ["permessage-deflate"] }, Closed(t).Entries);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.Failed)));
        Assert.That(score.Reason, Does.Contain("MUST NOT include it"));
    }

    [Test]
    public void A_server_that_accepts_no_offer_makes_the_case_UNIMPLEMENTED_and_its_normal_close_OK()
    {
        var t = TranscriptBuilder.Opened(Offer, null);
        var score = Scorer.Score(EchoTwice with { Close = ServerFails(1002) }, Closed(t).Entries);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Unimplemented, CloseVerdict.Ok)), score.Reason);
        Assert.That(score.Reason, Does.StartWith("the server accepted none of the permessage-deflate offers"));
    }

    [Test]
    public void A_long_series_names_the_first_message_that_differs()
    {
        var corpus = Corpus.Find("json")!;
        var series = Case([new ExpectedOutcome(Verdict.Ok, new MessageSeriesEvents(new CorpusSlices(corpus, 16), 3, false))]);
        var t = TranscriptBuilder.Opened().Server(Opcodes.Text, corpus.Slice(0, 16).ToArray()).ServerText("not the slice").Server(Opcodes.Text, corpus.Slice(2, 16).ToArray());
        var score = Scorer.Score(series, Closed(t).Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("event 2 of 3 is the first that differs"));
    }
}
