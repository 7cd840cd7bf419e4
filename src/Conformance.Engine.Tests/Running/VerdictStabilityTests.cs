using System.Diagnostics;

namespace Conformance.Engine.Tests;

/// <summary>
/// A verdict belongs to the server, not to the run: a server that handles one connection at a time and a few tens of
/// megabytes a second gets, at the default settings and with every core busy, exactly the verdicts it gets one case at
/// a time.
/// </summary>
[NonParallelizable]
public class VerdictStabilityTests
{
    [Test]
    public async Task A_slow_single_threaded_server_gets_the_same_verdicts_at_the_defaults_as_one_case_at_a_time_on_a_busy_machine()
    {
        using var load = BusyLoops.OnEveryCore();
        await using var server = FaultyEchoServer.StartSlow();
        var cases = CatalogueRuns.Catalogue.Cases;
        var session = new SessionOptions { Target = server.Url };

        var clock = Stopwatch.StartNew();
        var atTheDefaults = await Runner.RunAsync(cases, new RunOptions { Session = session }, _ => { }, CancellationToken.None);
        var defaultsTook = clock.Elapsed;
        clock.Restart();
        var oneAtATime = await Runner.RunAsync(cases, new RunOptions { Session = session, Parallelism = 1 }, _ => { }, CancellationToken.None);
        var serialTook = clock.Elapsed;

        TestContext.Out.WriteLine($"{cases.Count} cases against a one-thread server at 30 MB/s, every core busy: "
            + $"{defaultsTook.TotalSeconds:0.0} s at the defaults (down to {atTheDefaults.LowestParallelism} at once, "
            + $"{atTheDefaults.Results.Count(r => r.FirstRun is not null)} run again alone), {serialTook.TotalSeconds:0.0} s one at a time "
            + $"({oneAtATime.Results.Count(r => r.FirstRun is not null)} run again alone)");
        foreach (var r in atTheDefaults.Results.Where(r => r.FirstRun is not null))
            TestContext.Out.WriteLine($"  {r.Id} ran again alone: the first time {r.RunAgainBecause}; then {Verdicts(r)}");
        Assert.That(atTheDefaults.Results, Has.Count.EqualTo(cases.Count));
        Assert.That(oneAtATime.Results, Has.Count.EqualTo(cases.Count));
        var serial = oneAtATime.Results.ToDictionary(r => r.Id);
        var differing = atTheDefaults.Results.Where(r => Verdicts(r) != Verdicts(serial[r.Id]))
            .Select(r => $"{r.Id}: {Verdicts(r)} at the defaults ({r.Reason}), {Verdicts(serial[r.Id])} one at a time ({serial[r.Id].Reason})").ToList();
        Assert.That(differing, Is.Empty);
        var wrong = atTheDefaults.Results.Where(r => !Conforming(r)).Select(r => $"{r.Id} {Verdicts(r)}: {r.Reason}").ToList();
        Assert.That(wrong, Is.Empty, "the slow server is a conforming one");
    }

    /// <summary>
    /// An echo held just past the case's timer, while the handshake and the close are answered at once: the shape a
    /// moment's stall of either side leaves in a transcript.
    /// </summary>
    [Test]
    public async Task A_server_that_stalls_once_before_an_echo_gets_the_verdicts_of_one_that_never_stalls()
    {
        await using var server = FaultyEchoServer.StartStalling(TimeSpan.FromMilliseconds(520), echoes: 3);
        var cases = CatalogueRuns.Catalogue.Cases.Where(c => c.Group is "6.5" or "6.22").ToList();

        var run = await Runner.RunAsync(cases, new RunOptions { Session = new SessionOptions { Target = server.Url } }, _ => { }, CancellationToken.None);

        var wrong = run.Results.Where(r => !Conforming(r)).Select(r => $"{r.Id} {Verdicts(r)}: {r.Reason}").ToList();
        Assert.That(wrong, Is.Empty, "its handshakes and closes were answered at once, and still the timers raced the stalled echoes");
        TestContext.Out.WriteLine($"{run.Results.Count(r => r.FirstRun is not null)} of the 3 cases whose echo stalled ran again alone");
    }

    private static string Verdicts(CaseResult r) => r.Verdicts.ToString();

    private static bool Conforming(CaseResult r) =>
        r.Behavior is Verdict.Ok or Verdict.Informational or Verdict.Unimplemented && r.BehaviorClose is CloseVerdict.Ok or CloseVerdict.Informational;
}
