using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

public class ScorerTests
{
    private static readonly CaseDefinition EchoHello = Case([Ok(Text("Hello"))]);
    private static readonly CaseDefinition InvalidFrame = Case([Ok()], ServerFails(1002));

    private static Score Score(CaseDefinition c, TranscriptBuilder t) => Scorer.Score(c, t.Entries);

    [Test]
    public void An_exact_echo_and_a_clean_close_started_by_the_suite_is_OK()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()).ServerText("Hello")
            .SuiteClose(1000).ServerClose(1000).PeerClosed();
        var score = Score(EchoHello, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(score.RemoteCloseCode, Is.EqualTo(1000));
    }

    [Test]
    public void An_echo_that_arrives_in_fragments_is_the_same_message()
    {
        var t = TranscriptBuilder.Opened().Server(Opcodes.Text, "Hel"u8.ToArray(), fin: false)
            .Server(Opcodes.Continuation, "lo"u8.ToArray()).SuiteClose(1000).ServerClose(1000).PeerClosed();
        Assert.That(Score(EchoHello, t).Behavior, Is.EqualTo(Verdict.Ok));
    }

    [Test]
    public void A_different_echo_is_FAILED_and_the_reason_shows_both()
    {
        var t = TranscriptBuilder.Opened().ServerText("Help").SuiteClose(1000).ServerClose(1000).PeerClosed();
        var score = Score(EchoHello, t);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("\"Hello\"").And.Contain("\"Help\""));
    }

    [Test]
    public void A_server_that_fails_the_connection_with_1002_is_OK_even_unclean()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4).ServerClose(1002).SuiteClose(1002).PeerClosed();
        var score = Score(InvalidFrame, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [Test]
    public void A_server_that_drops_TCP_without_a_close_frame_has_failed_the_connection()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4).PeerClosed();
        var score = Score(InvalidFrame, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [Test]
    public void A_server_that_ignores_a_violation_makes_the_close_FAILED_by_the_wrong_endpoint()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4).SuiteClose(1001).ServerClose(1001).PeerClosed();
        var score = Score(InvalidFrame, t);
        Assert.That(score.BehaviorClose, Is.EqualTo(CloseVerdict.Failed));
        Assert.That(score.Reason, Does.Contain("the suite had to close"));
    }

    [Test]
    public void The_wrong_endpoint_fails_the_behavior_too_when_the_case_says_so()
    {
        var utf8 = Case([Ok()], new ExpectedClose(CloseInitiator.Server, [1007], false, WrongInitiatorFailsBehavior: true));
        var t = TranscriptBuilder.Opened().SuiteClose(1001).ServerClose(1001).PeerClosed();
        Assert.That(Score(utf8, t).Behavior, Is.EqualTo(Verdict.Failed));
    }

    [Test]
    public void A_close_code_outside_the_accepted_ones_is_WRONG_CODE()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4).ServerClose(1011).SuiteClose(1011).PeerClosed();
        Assert.That(Score(InvalidFrame, t).BehaviorClose, Is.EqualTo(CloseVerdict.WrongCode));
    }

    [Test]
    public void Wrong_code_fails_the_behavior_when_the_case_says_so()
    {
        var close = Case([Ok()], ExpectedClose.NormalBySuite with { WrongCodeFailsBehavior = true });
        var t = TranscriptBuilder.Opened().SuiteClose(1000).ServerClose(1011).PeerClosed();
        var score = Score(close, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.WrongCode)));
    }

    [Test]
    public void A_close_frame_without_a_code_is_always_accepted()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4).ServerClose(null).SuiteClose(null).PeerClosed();
        Assert.That(Score(InvalidFrame, t).BehaviorClose, Is.EqualTo(CloseVerdict.Ok));
    }

    [Test]
    public void A_server_that_never_answers_the_close_frame_is_UNCLEAN_when_clean_is_required()
    {
        var t = TranscriptBuilder.Opened().ServerText("Hello").SuiteClose(1000).SuiteDropped("no answer to the close frame within 1 s");
        var score = Score(EchoHello, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Unclean)));
    }

    [Test]
    public void A_server_that_keeps_TCP_open_after_the_closing_handshake_is_FAILED_BY_CLIENT_when_clean_is_not_required()
    {
        var t = TranscriptBuilder.Opened().ServerClose(1002).SuiteClose(1002).SuiteDropped("the server did not close TCP");
        Assert.That(Score(InvalidFrame, t).BehaviorClose, Is.EqualTo(CloseVerdict.FailedByClient));
    }

    [Test]
    public void The_first_matching_list_gives_the_verdict()
    {
        var rsvAfterMessage = Case([Ok(Text("Hello")), NonStrict()], ServerFails(1002));
        var strict = TranscriptBuilder.Opened().ServerText("Hello").ServerClose(1002).SuiteClose(1002).PeerClosed();
        var lax = TranscriptBuilder.Opened().ServerClose(1002).SuiteClose(1002).PeerClosed();
        Assert.That(Score(rsvAfterMessage, strict).Behavior, Is.EqualTo(Verdict.Ok));
        Assert.That(Score(rsvAfterMessage, lax).Behavior, Is.EqualTo(Verdict.NonStrict));
    }

    [Test]
    public void Marks_count_only_while_the_connection_was_open()
    {
        var failFast = Case([Ok(ConversationEvent.MarkEvent("A")), NonStrict(ConversationEvent.MarkEvent("A"), ConversationEvent.MarkEvent("B"))],
            ServerFails(1007));
        var fast = TranscriptBuilder.Opened().Mark("A").ServerClose(1007).SuiteClose(1007).PeerClosed().Mark("B");
        var slow = TranscriptBuilder.Opened().Mark("A").Mark("B").ServerClose(1007).SuiteClose(1007).PeerClosed();
        Assert.That(Score(failFast, fast).Behavior, Is.EqualTo(Verdict.Ok));
        Assert.That(Score(failFast, slow).Behavior, Is.EqualTo(Verdict.NonStrict));
    }

    [Test]
    public void A_refused_upgrade_means_the_opening_handshake_was_never_completed()
    {
        var t = new TranscriptBuilder()
            .Add(WireEntryKind.Sent, new UpgradeRequest("h", "/", "dGhlIHNhbXBsZSBub25jZQ==").ToBytes())
            .Add(WireEntryKind.Received, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray())
            .PeerClosed();
        var score = Score(EchoHello, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.Failed)));
        Assert.That(score.Reason, Does.Contain("opening handshake was never completed").And.Contain("101"));
    }

    [Test]
    public void A_wrong_accept_key_means_the_opening_handshake_was_never_completed()
    {
        var t = new TranscriptBuilder()
            .Add(WireEntryKind.Sent, new UpgradeRequest("h", "/", "dGhlIHNhbXBsZSBub25jZQ==").ToBytes())
            .Add(WireEntryKind.Received, "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: xxxx\r\n\r\n"u8.ToArray());
        Assert.That(Score(EchoHello, t).BehaviorClose, Is.EqualTo(CloseVerdict.Failed));
    }

    [Test]
    public void A_masked_frame_from_the_server_is_a_violation()
    {
        var t = TranscriptBuilder.Opened().Add(WireEntryKind.Received, new Frame(Opcodes.Text, "Hello"u8.ToArray(), maskKey: [9, 9, 9, 9]).Encode())
            .SuiteClose(1000).ServerClose(1000).PeerClosed();
        var score = Score(EchoHello, t);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("MUST NOT mask"));
    }

    [Test]
    public void A_frame_split_across_reads_is_read_whole()
    {
        var frame = new Frame(Opcodes.Text, "Hello"u8.ToArray()).Encode();
        var t = TranscriptBuilder.Opened().Add(WireEntryKind.Received, frame[..3]).Add(WireEntryKind.Received, frame[3..])
            .SuiteClose(1000).ServerClose(1000).PeerClosed();
        Assert.That(Score(EchoHello, t).Behavior, Is.EqualTo(Verdict.Ok));
    }

    [Test]
    public void Informational_cases_are_INFORMATIONAL_whatever_happened()
    {
        var open = Case([Ok(Text("x"))], informational: true);
        var t = TranscriptBuilder.Opened().PeerClosed();
        var score = Score(open, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Informational, CloseVerdict.Informational)));
    }

    [Test]
    public void An_informational_case_keeps_the_rules_the_server_broke_in_its_reason()
    {
        var open = Case([Ok(Text("x"))], informational: true);
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, "x"u8.ToArray()).Server(Opcodes.Text, "x"u8.ToArray(), rsv: 4)
            .SuiteClose(1002).ServerClose(1002).PeerClosed();
        var score = Score(open, t);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Informational, CloseVerdict.Informational)));
        Assert.That(score.Violations, Is.Not.Empty);
        Assert.That(score.Reason, Does.StartWith("the RFC leaves this open")
            .And.Contain("the server broke the rules").And.Contain(score.Violations[0]));
    }

    [Test]
    public void A_case_cut_off_by_its_deadline_is_FAILED()
    {
        var t = TranscriptBuilder.Opened().Add(WireEntryKind.Deadline, text: "deadline").SuiteDropped("deadline");
        Assert.That(Score(EchoHello, t).Behavior, Is.EqualTo(Verdict.Failed));
    }

    [Test]
    public void An_echo_whose_length_is_not_minimally_encoded_is_FAILED()
    {
        var echo = new Frame(Opcodes.Text, "Hello"u8.ToArray(), lengthEncoding: LengthEncoding.Extended64).Encode();
        var t = TranscriptBuilder.Opened().Add(WireEntryKind.Received, echo).SuiteClose(1000).ServerClose(1000).PeerClosed();
        var score = Score(EchoHello, t);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("minimal number of bytes"));
    }

    [TestCase(false, "Sec-WebSocket-Protocol: chat", "subprotocol \"chat\"")]
    [TestCase(false, "Sec-WebSocket-Extensions: permessage-deflate", "extension \"permessage-deflate\"")]
    [TestCase(true, "Sec-WebSocket-Protocol: chat", null)]
    public void A_subprotocol_or_extension_the_suite_did_not_offer_fails_the_opening_handshake(bool offered, string header, string? problem)
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        var request = new UpgradeRequest("127.0.0.1:9001", "/", key);
        if (offered) request.Subprotocols.Add("chat");
        var t = new TranscriptBuilder().Add(WireEntryKind.Sent, request.ToBytes())
            .Add(WireEntryKind.Received, System.Text.Encoding.ASCII.GetBytes(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n{header}\r\n\r\n"))
            .ServerText("Hello").SuiteClose(1000).ServerClose(1000).PeerClosed();
        var score = Score(EchoHello, t);
        if (problem is null)
        {
            Assert.That(score.Behavior, Is.EqualTo(Verdict.Ok), score.Reason);
            return;
        }

        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.Failed)));
        Assert.That(score.Reason, Does.Contain("opening handshake was never completed").And.Contain(problem));
    }
}
