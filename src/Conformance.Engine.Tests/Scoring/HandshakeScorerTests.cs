using System.Text;
using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>Scoring of the opening handshake (category 0) on recorded transcripts.</summary>
public class HandshakeScorerTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string RightAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static CaseDefinition Expecting(HandshakeExpectation handshake, bool informational = false) =>
        Case([Ok()], informational: informational) with { Handshake = handshake };

    private static readonly CaseDefinition MustUpgrade = Expecting(new HandshakeExpectation { Upgrade = true });
    private static readonly CaseDefinition MustRefuse = Expecting(new HandshakeExpectation { Upgrade = false });

    private static TranscriptBuilder Request(string extraHeaders = "") => new TranscriptBuilder().Add(WireEntryKind.Sent, Encoding.ASCII.GetBytes(
        $"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n"));

    private static TranscriptBuilder Answer(TranscriptBuilder t, string head) => t.Add(WireEntryKind.Received, Encoding.ASCII.GetBytes(head + "\r\n"));

    private static string Switching(string extraHeaders = "", string accept = RightAccept) =>
        $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extraHeaders}";

    private static Score Score(CaseDefinition c, TranscriptBuilder t) => Scorer.Score(c, t.Entries);

    private static TranscriptBuilder Closed(TranscriptBuilder t) => t.SuiteClose(1000).ServerClose(1000).PeerClosed();

    [Test]
    public void A_valid_101_to_a_valid_request_goes_on_to_the_steps()
    {
        var score = Score(MustUpgrade, Closed(Answer(Request(), Switching())));
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [TestCase("", "xxxx", "Sec-WebSocket-Accept")]
    [TestCase("Sec-WebSocket-Protocol: chat\r\n", RightAccept, "subprotocol \"chat\", but the client offered none")]
    [TestCase("Sec-WebSocket-Extensions: x-bogus\r\n", RightAccept, "extension \"x-bogus\"")]
    public void A_101_that_a_conforming_client_would_fail_is_FAILED(string extra, string accept, string reason)
    {
        var score = Score(MustUpgrade, Closed(Answer(Request(), Switching(extra, accept))));
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.Failed)));
        Assert.That(score.Reason, Does.Contain(reason));
    }

    [Test]
    public void A_subprotocol_offered_in_either_of_two_header_fields_may_be_chosen()
    {
        var t = Closed(Answer(Request("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: superchat\r\n"), Switching("Sec-WebSocket-Protocol: superchat\r\n")));
        Assert.That(Score(MustUpgrade, t).Behavior, Is.EqualTo(Verdict.Ok));
    }

    [Test]
    public void Missing_Upgrade_or_Connection_in_the_101_is_FAILED()
    {
        var t = Answer(Request(), $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {RightAccept}\r\n");
        Assert.That(Score(MustUpgrade, t).Behavior, Is.EqualTo(Verdict.Failed));
    }

    [Test]
    public void A_refusal_of_a_valid_request_is_FAILED()
    {
        var score = Score(MustUpgrade, Answer(Request(), "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n").PeerClosed());
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(score.Reason, Does.Contain("instead of 101"));
    }

    [TestCase("HTTP/1.1 400 Bad Request\r\n", "OK", "OK")]
    [TestCase("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n", "OK", "OK")]
    [TestCase("HTTP/1.1 500 Internal Server Error\r\n", "NON-STRICT", "OK")]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", "FAILED", "OK")]
    [TestCase("HTTP/1.1 302 Found\r\nLocation: /\r\n", "FAILED", "OK")]
    public void A_request_that_must_be_refused_is_judged_by_the_status(string head, string behavior, string close)
    {
        var score = Score(MustRefuse, Answer(Request(), head).PeerClosed());
        Assert.That((score.Behavior.Word(), score.BehaviorClose.Word()), Is.EqualTo((behavior, close)), score.Reason);
    }

    [Test]
    public void Upgrading_a_request_that_must_be_refused_is_FAILED_or_the_case_s_own_verdict()
    {
        var t = Answer(Request(), Switching()).SuiteDropped("the server's answer is complete");
        Assert.That(Score(MustRefuse, t).Behavior, Is.EqualTo(Verdict.Failed));
        var draft = Expecting(new HandshakeExpectation { Upgrade = false, IfUpgraded = Verdict.NonStrict });
        Assert.That(Score(draft, t).Behavior, Is.EqualTo(Verdict.NonStrict));
    }

    [Test]
    public void A_specific_status_other_than_the_expected_one_is_NON_STRICT()
    {
        var exact = Expecting(new HandshakeExpectation { Upgrade = false, Status = "400" });
        Assert.That(Score(exact, Answer(Request(), "HTTP/1.1 403 Forbidden\r\n")).Behavior, Is.EqualTo(Verdict.NonStrict));
        Assert.That(Score(exact, Answer(Request(), "HTTP/1.1 400 Bad Request\r\n")).Behavior, Is.EqualTo(Verdict.Ok));
    }

    [TestCase("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n", "OK")]
    [TestCase("HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13, 8\r\n", "OK")]
    [TestCase("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Version: 13\r\n", "OK")]
    [TestCase("HTTP/1.1 426 Upgrade Required\r\n", "FAILED")]
    [TestCase("HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 8\r\n", "FAILED")]
    public void An_unsupported_version_must_be_refused_with_the_versions_the_server_speaks(string head, string behavior)
    {
        var version = Expecting(new HandshakeExpectation { Upgrade = false, VersionHeader = true });
        Assert.That(Score(version, Answer(Request(), head)).Behavior.Word(), Is.EqualTo(behavior));
    }

    [Test]
    public void No_answer_is_NON_STRICT_and_the_close_INFORMATIONAL()
    {
        var garbage = Score(MustRefuse, Request().Add(WireEntryKind.Received, "SSH-2.0\r\n"u8.ToArray()).PeerClosed());
        Assert.That(garbage.Reason, Does.Contain("not a valid HTTP response"));
        var closed = Score(MustRefuse, Request().PeerClosed());
        Assert.That((closed.Behavior, closed.BehaviorClose), Is.EqualTo((Verdict.NonStrict, CloseVerdict.Informational)));
        Assert.That(closed.Reason, Does.Contain("the server sent nothing; the server closed the connection"));
        var silent = Score(MustRefuse, Request().Add(WireEntryKind.Note, text: "no complete answer within 5 s").SuiteDropped("the answer window passed"));
        Assert.That((silent.Behavior, silent.BehaviorClose), Is.EqualTo((Verdict.NonStrict, CloseVerdict.Informational)));
    }

    [Test]
    public void When_either_answer_is_allowed_a_refusal_and_an_upgrade_are_OK_but_a_broken_101_is_not()
    {
        var either = Expecting(new HandshakeExpectation { Upgrade = null });
        Assert.That(Score(either, Answer(Request(), "HTTP/1.1 400 Bad Request\r\n")).Behavior, Is.EqualTo(Verdict.Ok));
        Assert.That(Score(either, Answer(Request(), Switching())).Behavior, Is.EqualTo(Verdict.Ok));
        Assert.That(Score(either, Answer(Request(), Switching(accept: "xxxx"))).Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(Score(either, Answer(Request(), "HTTP/1.1 200 OK\r\n")).Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(Score(either, Request().PeerClosed()).Behavior, Is.EqualTo(Verdict.NonStrict));
    }

    [Test]
    public void An_informational_case_is_FAILED_when_a_normal_connection_no_longer_opens()
    {
        var robust = Expecting(new HandshakeExpectation { Recheck = true }, informational: true);
        var answered = Answer(Request(), "HTTP/1.1 431 Request Header Fields Too Large\r\n");
        var survived = Score(robust, answered.Add(WireEntryKind.RecheckPassed, text: "afterwards, a normal connection opened"));
        Assert.That((survived.Behavior, survived.BehaviorClose), Is.EqualTo((Verdict.Informational, CloseVerdict.Informational)));
        var crashed = Score(robust, Answer(Request(), "HTTP/1.1 431 Request Header Fields Too Large\r\n")
            .Add(WireEntryKind.RecheckFailed, text: "afterwards, a normal connection failed: could not connect"));
        Assert.That(crashed.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(crashed.Reason, Does.Contain("could not connect"));
    }

    [Test]
    public void An_informational_case_that_must_not_be_upgraded_is_FAILED_when_it_is()
    {
        var unfinished = Expecting(new HandshakeExpectation { Upgrade = false, Recheck = true }, informational: true);
        Assert.That(Score(unfinished, Request().Add(WireEntryKind.Note, text: "no complete answer within 5 s")).Behavior, Is.EqualTo(Verdict.Informational));
        Assert.That(Score(unfinished, Answer(Request(), Switching())).Behavior, Is.EqualTo(Verdict.Failed));
    }

    [Test]
    public void An_echo_in_the_same_read_as_the_101_counts_and_a_request_with_bare_LF_lines_is_read()
    {
        var pipelined = Case([Ok(Text("Hello"))]) with { Handshake = new HandshakeExpectation { Upgrade = true } };
        var echo = new Frame(Opcodes.Text, "Hello"u8.ToArray()).Encode();
        var t = new TranscriptBuilder()
            .Add(WireEntryKind.Sent, Encoding.ASCII.GetBytes($"GET / HTTP/1.1\nHost: h\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Key: {Key}\nSec-WebSocket-Version: 13\n\n"))
            .Add(WireEntryKind.Received, [.. Encoding.ASCII.GetBytes(Switching() + "\r\n"), .. echo]);
        var score = Score(pipelined, Closed(t));
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }
}
