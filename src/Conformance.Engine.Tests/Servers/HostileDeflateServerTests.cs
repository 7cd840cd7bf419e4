namespace Conformance.Engine.Tests;

/// <summary>Hostile servers that speak permessage-deflate: the verdict names the rule of RFC 7692 they broke.</summary>
public class HostileDeflateServerTests
{
    private static async Task<CaseResult> RunAgainst(HostileServer hostile, string caseId)
    {
        await using var server = hostile.Start();
        var @case = CatalogueRuns.Catalogue.Cases.Single(c => c.Id == caseId);
        var run = Runner.RunCaseAsync(@case, new RunOptions { Session = new SessionOptions { Target = hostile.Url(server) } }, CancellationToken.None);
        Assert.That(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))), Is.SameAs(run), "the case ended");
        return (await run)!;
    }

    [TestCase("12.1.1", "continuation")]
    [TestCase("D.2.6", "pong")]
    public async Task RSV1_on_a_frame_other_than_a_message_s_first_is_FAILED_citing_RFC_7692_6_1(string id, string frame)
    {
        var result = await RunAgainst(HostileDeflateServers.Rsv1OnEverything, id);
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.Reason, Does.Contain($"RSV1 on a {frame} frame (RFC 7692 6.1"));
    }

    [Test]
    public async Task An_echo_reaching_back_beyond_the_agreed_window_does_not_decompress()
    {
        var result = await RunAgainst(HostileDeflateServers.WindowLargerThanAgreed, "12.1.1");
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.Reason, Does.Contain("does not decompress with the agreed parameters (server window 8 bits"));
    }

    [Test]
    public async Task A_decompression_bomb_for_an_answer_is_FAILED_and_the_case_ends()
    {
        var result = await RunAgainst(HostileDeflateServers.DecompressionBomb, "D.2.2");
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), result.Reason);
        TestContext.Out.WriteLine(result.Reason);
    }
}
