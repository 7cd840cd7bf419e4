using Conformance.Engine.Expectations;

namespace Conformance.Engine.Tests;

/// <summary>
/// Runs the catalogue of suites/ against a target, in process: every case, except that of categories 12 and 13 only
/// the four smallest message sizes of each group run (48 of 216; `./run.sh` runs them all), which keeps the slow
/// servers' compression out of the test run's time.
/// </summary>
internal static class CatalogueRuns
{
    public static Catalogue Catalogue { get; } = Engine.Cases.Catalogue.Load(RepositoryPaths.Suites);

    public static IReadOnlyList<CaseDefinition> Cases { get; } =
        Catalogue.Cases.Where(c => c.Category is not ("12" or "13") || c.RoundTripOctets <= 1024 * 1000).ToList();

    private static readonly Lazy<Task<IReadOnlyList<CaseResult>>> FaultFreeRun = new(async () =>
    {
        await using var server = Targets.FaultyEchoServer.Start(deflate: true);
        return await RunAllAsync(server.Url);
    });

    /// <summary>Every case against the fault-free <see cref="Targets.FaultyEchoServer"/> with permessage-deflate, run once for the tests that read it.</summary>
    public static Task<IReadOnlyList<CaseResult>> AgainstTheFaultFreeServer() => FaultFreeRun.Value;

    public static async Task<IReadOnlyList<CaseResult>> RunAllAsync(Uri target, bool insecure = false)
    {
        var options = new RunOptions
        {
            Session = new SessionOptions { Target = target, AcceptUntrustedCertificate = insecure },
            Parallelism = 16,
        };
        var outcome = await Runner.RunAsync(Cases, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(Cases.Count), "every case ran");
        return outcome.Results;
    }

    /// <summary>No case may be worse than its expectation; cases better than expected are written out.</summary>
    public static void AssertConforming(IReadOnlyList<CaseResult> results, ExpectationSet expectations)
    {
        var compared = ExpectationComparer.Compare(results, expectations);
        foreach (var c in compared.Where(c => c.Comparison == Comparison.UnexpectedPass))
            TestContext.Out.WriteLine($"better than expected: {c.Result.Id} {c.Verdicts} (expected {c.Expected})");
        var regressions = compared.Where(c => c.Fails)
            .Select(c => $"{c.Result.Id} {c.Verdicts}, expected {c.Expected}: {c.Result.Reason}").ToList();
        Assert.That(regressions, Is.Empty);
    }
}
