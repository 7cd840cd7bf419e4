using System.Net.Sockets;
using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>
/// A verdict other than OK that one of the suite's timers decided: found on recorded transcripts, and confirmed by
/// running the case again alone, against a server that answers late the first time only.
/// </summary>
public class ConfirmedAloneTests
{
    private static readonly CaseDefinition EchoHello = Case([Ok(Text("Hello"))]);
    private static readonly CaseDefinition InvalidUtf8 = Case([Ok()], ServerFails(1007));

    private static string? Late(CaseDefinition c, TranscriptBuilder t) => Scorer.Score(c, t.Entries).DecidedByTimer;

    private static TranscriptBuilder TimerFired(TranscriptBuilder t) =>
        t.Add(WireEntryKind.TimerFired, text: "timer: 500 ms passed; the suite fails the connection (close 1001)").SuiteClose(1001);

    [Test]
    public void An_echo_that_came_after_the_timer_leaves_the_verdict_to_the_timer()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray())).ServerText("Hello").ServerClose(1001).PeerClosed();
        Assert.That(Late(EchoHello, t), Does.Contain("500 ms passed"));
    }

    [Test]
    public void The_right_close_code_after_the_timer_leaves_the_verdict_to_the_timer()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf])).ServerClose(1007).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Is.Not.Null);
    }

    [Test]
    public void A_server_that_never_answered_before_the_timer_is_confirmed_whatever_came_after()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf])).ServerClose(1001).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Is.Not.Null, "the server may have been too busy to fail the connection in time");
    }

    [Test]
    public void A_server_that_echoed_invalid_text_before_the_timer_decided_the_verdict_itself()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf]).Server(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf]);
        t = TimerFired(t).ServerClose(1001).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Is.Null);
    }

    [Test]
    public void A_wrong_echo_before_the_timer_decided_the_verdict_itself()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()).ServerText("Help")).ServerClose(1001).PeerClosed();
        Assert.That(Scorer.Score(EchoHello, t.Entries).Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(Late(EchoHello, t), Is.Null);
    }

    [Test]
    public void A_violation_is_the_servers_whatever_the_timers_did()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()))
            .Server(Opcodes.Text, "Hello"u8.ToArray(), rsv: 2).ServerClose(1001).PeerClosed();
        Assert.That(Late(EchoHello, t), Is.Null);
    }

    [Test]
    public void A_mark_is_a_timer_too()
    {
        var failFast = Case([Ok(ConversationEvent.MarkEvent("A")), NonStrict(ConversationEvent.MarkEvent("A"), ConversationEvent.MarkEvent("B"))],
            ServerFails(1007));
        var t = TranscriptBuilder.Opened().Mark("A").Mark("B").ServerClose(1007).SuiteClose(1007).PeerClosed();
        Assert.That(Scorer.Score(failFast, t.Entries).Behavior, Is.EqualTo(Verdict.NonStrict));
        Assert.That(Late(failFast, t), Does.Contain("mark A"));
    }

    [Test]
    public void A_wrong_close_code_without_the_timer_is_the_servers_own()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()).ServerText("Hello")
            .SuiteClose(1000).ServerClose(1001).PeerClosed();
        Assert.That(Scorer.Score(EchoHello, t.Entries).BehaviorClose, Is.EqualTo(CloseVerdict.WrongCode));
        Assert.That(Late(EchoHello, t), Is.Null);
    }

    [Test]
    public void An_OK_case_is_not_run_again()
    {
        var t = TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray()).ServerText("Hello")
            .SuiteClose(1000).ServerClose(1000).PeerClosed();
        Assert.That(Late(EchoHello, t), Is.Null);
    }

    [TestCase("6.9.2")]
    [TestCase("6.10.1")]
    public async Task A_case_the_server_answered_late_the_first_time_is_run_again_alone_and_counts_the_second_time(string id)
    {
        var connections = 0;
        await using var server = EchoServer(() => Interlocked.Increment(ref connections) == 1 ? TimeSpan.FromMilliseconds(900) : TimeSpan.Zero, validates: true);
        var result = await RunAsync(id, server.Url);
        Assert.That(result.Verdicts.ToString(), Is.EqualTo("OK/OK"), result.Reason);
        Assert.That(result.Reason, Does.Contain("run a second time, alone, because the first time its verdict"));
        Assert.That(result.RunAgainBecause, Does.Contain("500 ms passed"));
        Assert.That(result.FirstRun, Is.Not.Null, "the first run is kept");
        Assert.That((result.FirstRun!.Behavior, result.FirstRun.BehaviorClose), Is.Not.EqualTo((Verdict.Ok, CloseVerdict.Ok)));
        Assert.That(result.FirstRun.Transcript.Any(e => e.Kind == WireEntryKind.TimerFired), "the first run's transcript shows the timer");
        Assert.That(connections, Is.EqualTo(2));
    }

    [Test]
    public async Task A_server_that_is_wrong_rather_than_late_is_not_run_again()
    {
        var connections = 0;
        await using var server = EchoServer(() => { Interlocked.Increment(ref connections); return TimeSpan.Zero; }, validates: false);
        var result = await RunAsync("6.10.1", server.Url);
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), result.Reason);
        Assert.That(result.Reason, Does.Not.Contain("second time"));
        Assert.That(connections, Is.EqualTo(1));
    }

    private static async Task<Results.CaseResult> RunAsync(string id, Uri target)
    {
        var @case = CatalogueRuns.Catalogue.Cases.Single(c => c.Id == id);
        var options = new RunOptions { Session = new SessionOptions { Target = target } };
        return (await Runner.RunCaseAsync(@case, options, CancellationToken.None))!;
    }

    /// <summary>Echoes each message after a delay chosen per connection, answers a close with its code, and (when it validates) fails invalid text with 1007.</summary>
    private static ScriptedServer EchoServer(Func<TimeSpan> delayForThisConnection, bool validates) => new(async (stream, key, cancel) =>
    {
        var delay = delayForThisConnection();
        await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
        var decoder = new FrameDecoder();
        var buffer = new byte[4096];
        var closeSent = false;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancel);
            if (read == 0) return;
            decoder.Append(buffer.AsSpan(0, read));
            while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
            {
                if (frame!.Header.Opcode == Opcodes.Close)
                {
                    if (!closeSent) await stream.WriteAsync(new Frame(Opcodes.Close, frame.Payload).Encode(), cancel);
                    return;
                }
                await Task.Delay(delay, cancel);
                var answer = validates && frame.Header.Opcode == Opcodes.Text && !Utf8Validator.IsValid(frame.Payload)
                    ? new Frame(Opcodes.Close, ClosePayload.Build(CloseCodes.InvalidPayload, []))
                    : new Frame(frame.Header.Opcode, frame.Payload);
                await stream.WriteAsync(answer.Encode(), cancel);
                closeSent |= answer.Opcode == Opcodes.Close;
            }
        }
    });
}
