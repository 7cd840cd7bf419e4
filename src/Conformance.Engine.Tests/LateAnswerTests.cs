using System.Net.Sockets;
using Conformance.Engine.Cases;
using Conformance.Engine.Running;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;
using Conformance.Protocol;
using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>
/// A verdict that the case's timer decided while the server was only slow: found on recorded transcripts, and run
/// again alone against a server that answers late the first time only.
/// </summary>
public class LateAnswerTests
{
    private static readonly CaseDefinition EchoHello = Case([Ok(Text("Hello"))]);
    private static readonly CaseDefinition InvalidUtf8 = Case([Ok()], ServerFails(1007));

    private static string? Late(CaseDefinition c, TranscriptBuilder t) => LateAnswer.Find(c, t.Entries, Scorer.Score(c, t.Entries));

    private static TranscriptBuilder TimerFired(TranscriptBuilder t) =>
        t.Add(WireEntryKind.TimerFired, text: "timer: 500 ms passed; the suite fails the connection (close 1001)").SuiteClose(1001);

    [Test]
    public void An_echo_that_came_after_the_timer_is_a_late_answer()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, "Hello"u8.ToArray())).ServerText("Hello").ServerClose(1001).PeerClosed();
        Assert.That(Late(EchoHello, t), Does.Contain("before the expected answer arrived"));
    }

    [Test]
    public void The_right_close_code_after_the_timer_is_a_late_answer()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf])).ServerClose(1007).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Does.Contain("failed the connection with 1007"));
    }

    [Test]
    public void A_server_that_echoed_invalid_text_did_not_answer_late_but_wrongly()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf]))
            .Server(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf]).ServerClose(1007).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Is.Null);
    }

    [Test]
    public void A_server_that_only_echoed_the_suites_close_did_not_answer_late()
    {
        var t = TimerFired(TranscriptBuilder.Opened().Suite(Opcodes.Text, [0xf7, 0xbf, 0xbf, 0xbf])).ServerClose(1001).PeerClosed();
        Assert.That(Late(InvalidUtf8, t), Is.Null);
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
        Assert.That($"{result.Behavior}/{result.BehaviorClose}", Is.EqualTo("OK/OK"), result.Reason);
        Assert.That(result.Reason, Does.Contain("run a second time, alone: the first time, the 500 ms timer ran out"));
        Assert.That(result.RunAgainBecause, Is.Not.Null);
        Assert.That(connections, Is.EqualTo(2));
    }

    [Test]
    public async Task A_server_that_is_wrong_rather_than_late_is_not_run_again()
    {
        var connections = 0;
        await using var server = EchoServer(() => { Interlocked.Increment(ref connections); return TimeSpan.Zero; }, validates: false);
        var result = await RunAsync("6.10.1", server.Url);
        Assert.That(result.Behavior, Is.EqualTo("FAILED"), result.Reason);
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
