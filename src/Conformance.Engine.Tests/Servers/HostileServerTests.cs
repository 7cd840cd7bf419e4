namespace Conformance.Engine.Tests;

/// <summary>Servers that lie, flood or stall: each case still ends, on time, with a verdict that says what happened.</summary>
public class HostileServerTests
{
    private static CaseDefinition Ping => CatalogueRuns.Catalogue.Cases.Single(c => c.Id == "2.2");

    /// <summary>Runs the case at the default settings, or with a receive limit of its own.</summary>
    private static async Task<Results.CaseResult> RunAgainst(ScriptedServer server, CaseDefinition @case, long? maxReceivedBytes = null)
    {
        var session = new SessionOptions { Target = server.Url };
        var options = new RunOptions { Session = maxReceivedBytes is { } limit ? session with { MaxReceivedBytes = limit } : session };
        var run = Runner.RunCaseAsync(@case, options, CancellationToken.None);
        Assert.That(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))), Is.SameAs(run), "the case ended");
        return (await run)!;
    }

    [Test]
    public async Task A_frame_announcing_2_to_the_63_octets_is_reported_not_allocated()
    {
        await using var server = new ScriptedServer(async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            await stream.WriteAsync(new byte[] { 0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, cancel);
            await Task.Delay(Timeout.Infinite, cancel);
        });
        var result = await RunAgainst(server, Ping);
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.Reason, Does.Contain("undecodable frame"));
    }

    [Test]
    public async Task A_server_that_floods_is_cut_off_at_the_receive_limit()
    {
        await using var server = new ScriptedServer(async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            var pong = new Frame(Opcodes.Pong, new byte[125]).Encode();
            var burst = Enumerable.Repeat(pong, 500).SelectMany(b => b).ToArray();
            while (true) await stream.WriteAsync(burst, cancel);
        });
        // A limit the flood passes before the case's timers end it, which at the default of 256 MiB they do first.
        var result = await RunAgainst(server, Ping, maxReceivedBytes: 8 * 1024 * 1024);
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.Transcript.Any(e => e.Kind == WireEntryKind.ClosedBySuite && e.Text!.Contains("more than")), Is.True);
    }

    [Test]
    public async Task A_server_that_answers_and_then_stalls_is_judged_by_the_timers()
    {
        await using var server = new ScriptedServer(async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            await Task.Delay(Timeout.Infinite, cancel);
        });
        var result = await RunAgainst(server, Ping);
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.BehaviorClose, Is.EqualTo(CloseVerdict.Unclean));
        Assert.That(result.DurationMs, Is.LessThan(5000));
    }

    [Test]
    public async Task A_server_that_never_ends_its_answer_fails_the_opening_handshake()
    {
        await using var server = new ScriptedServer(async (stream, key, cancel) =>
        {
            await stream.WriteAsync("HTTP/1.1 101 Switching Protocols\r\n"u8.ToArray(), cancel);
            while (true)
            {
                await stream.WriteAsync("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"u8.ToArray(), cancel);
                await Task.Delay(1, cancel);
            }
        });
        var result = await RunAgainst(server, Ping);
        Assert.That((result.Behavior, result.BehaviorClose), Is.EqualTo((Verdict.Failed, CloseVerdict.Failed)));
        Assert.That(result.Reason, Does.Contain("opening handshake was never completed"));
    }

    [Test]
    public async Task Html_in_a_close_reason_is_kept_as_data()
    {
        await using var server = new ScriptedServer(async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            await stream.WriteAsync(new Frame(Opcodes.Close, ClosePayload.Build(1002, "<script>alert(1)</script>"u8)).Encode(), cancel);
        });
        var result = await RunAgainst(server, Ping);
        Assert.That(result.RemoteCloseReason, Is.EqualTo("<script>alert(1)</script>"));
        Assert.That(result.BehaviorClose, Is.EqualTo(CloseVerdict.Failed));
    }
}
