using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>
/// A server's close frame that breaks the rules, replayed from transcripts as the session records them, gets the pair
/// of words Autobahn|Testsuite's client gives: the behaviour from the events, the close from who started closing,
/// whether it was clean, the code as the client took it, and whether the client had to drop TCP.
/// </summary>
public class InvalidCloseScoringTests
{
    /// <summary>What the server puts in its close frame: each a shape real servers have sent.</summary>
    public static IEnumerable<TestCaseData> Shapes()
    {
        yield return Shape("a 1-octet payload", [0x03], dropsMidFrame: false);
        yield return Shape("126 octets of payload", [0x03, 0xe8, .. Enumerable.Repeat((byte)'x', 124)], dropsMidFrame: false);
        yield return Shape("an undefined code (a reason without a code: \"bye\" reads as 25209)", "bye"u8.ToArray(), dropsMidFrame: false, codeTaken: 1000);
        yield return Shape("a reserved code (1004)", ClosePayload.Build(1004, []), dropsMidFrame: false, codeTaken: 1000);
        yield return Shape("invalid UTF-8 in the reason", ClosePayload.Build(1000, [0xce, 0xba, 0xe1, 0xbd]), dropsMidFrame: false, codeTaken: 1000);
        yield return Shape("RSV bits on the close frame", ClosePayload.Build(1000, []), rsv: 4);
        yield return Shape("FIN=0 on the close frame", ClosePayload.Build(1000, []), fin: false);
    }

    private static TestCaseData Shape(string name, byte[] payload, bool dropsMidFrame = true, byte rsv = 0, bool fin = true, int? codeTaken = null) =>
        new TestCaseData(payload, rsv, fin, codeTaken).SetArgDisplayNames(name);

    private static readonly CaseDefinition SuiteClosesCleanly = Case([Ok(Text("Hello"))]);
    private static readonly CaseDefinition SuiteClosesWith1002 = Case([Ok()], new ExpectedClose(CloseInitiator.Suite, [1002], false));
    private static readonly CaseDefinition ServerMustFail = Case([Ok()], ServerFails(1002));

    private static TranscriptBuilder ServerSends(TranscriptBuilder t, byte[] payload, byte rsv, bool fin) =>
        t.Add(WireEntryKind.Received, new Frame(Opcodes.Close, payload, fin, rsv).Encode());

    private static string Pair(CaseDefinition c, TranscriptBuilder t)
    {
        var score = Scorer.Score(c, t.Entries);
        Assert.That(score.Violations, Is.Not.Empty, "the violation is reported");
        return $"{score.Behavior.Word()}/{score.BehaviorClose.Word()}";
    }

    [TestCaseSource(nameof(Shapes))]
    public void In_answer_to_the_suites_close_where_a_clean_close_is_required_it_is_UNCLEAN(byte[] payload, byte rsv, bool fin, int? codeTaken)
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()).ServerText("Hello").SuiteClose(1000);
        t = ServerSends(t, payload, rsv, fin).SuiteDropped("the suite failed the connection while closing").PeerClosed();
        Assert.That(Pair(SuiteClosesCleanly, t), Is.EqualTo("OK/UNCLEAN"));
    }

    [TestCaseSource(nameof(Shapes))]
    public void In_answer_to_the_suites_close_where_clean_is_not_required_it_is_FAILED_BY_CLIENT_or_WRONG_CODE(byte[] payload, byte rsv, bool fin, int? codeTaken)
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Close, [0x61]);
        t = ServerSends(t, payload, rsv, fin).SuiteDropped("the suite failed the connection while closing").PeerClosed();
        var score = Scorer.Score(SuiteClosesWith1002, t.Entries);
        // A code the client took as 1000 is not among the accepted ones; without one, the drop is what is left to judge.
        Assert.That(Pair(SuiteClosesWith1002, t), Is.EqualTo(codeTaken is null ? "OK/FAILED BY CLIENT" : "OK/WRONG CODE"), score.Reason);
        if (codeTaken is null) Assert.That(score.Reason, Does.Contain("the suite had to drop the TCP connection"));
    }

    [TestCaseSource(nameof(Shapes))]
    public void Starting_the_close_with_it_makes_the_suite_fail_the_connection_so_the_wrong_side_closed(byte[] payload, byte rsv, bool fin, int? codeTaken)
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [], rsv: 4);
        t = ServerSends(t, payload, rsv, fin).SuiteClose(1002).PeerClosed();
        var score = Scorer.Score(ServerMustFail, t.Entries);
        Assert.That(Pair(ServerMustFail, t), Is.EqualTo("OK/FAILED"), score.Reason);
        Assert.That(score.Reason, Does.Contain("the suite failed the connection"));
    }

    [Test]
    public void A_close_followed_by_data_counts_the_data_as_received()
    {
        var noAnswer = Case([Ok()]);
        var t = TranscriptBuilder.Opened().SuiteClose(1000).ServerClose(1000).ServerText("late").PeerClosed();
        var score = Scorer.Score(noAnswer, t.Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed), score.Reason);
        Assert.That(score.Reason, Does.Contain("\"late\""));
    }

    [Test]
    public void A_pong_after_the_servers_close_is_an_answer_it_should_not_have_given()
    {
        var noPong = Case([Ok()]);
        byte[] closeThenPing = [.. Frame.Client(Opcodes.Close, ClosePayload.Build(1000, [])).Encode(), .. Frame.Client(Opcodes.Ping, Array.Empty<byte>()).Encode()];
        var t = TranscriptBuilder.Opened().Add(WireEntryKind.Sent, closeThenPing)
            .ServerClose(1000).Server(Opcodes.Pong, []).PeerClosed();
        Assert.That(Scorer.Score(noPong, t.Entries).Behavior, Is.EqualTo(Verdict.Failed));
    }

    [Test]
    public void Nothing_after_the_suite_dropped_the_connection_counts()
    {
        var t = TranscriptBuilder.Opened().SuiteClose(1000);
        t = ServerSends(t, [0x03], 0, true).SuiteDropped("the suite failed the connection while closing").ServerText("after the drop");
        Assert.That(Scorer.Score(Case([Ok()]), t.Entries).Events, Is.Empty);
    }
}
