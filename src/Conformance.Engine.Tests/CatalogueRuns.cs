using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Tests;

/// <summary>Runs the whole catalogue of suites/ against a target, in process.</summary>
internal static class CatalogueRuns
{
    public static Catalogue Catalogue { get; } = Cases.Catalogue.Load(RepositoryPaths.Suites);

    public static async Task<IReadOnlyList<CaseResult>> RunAllAsync(Uri target, bool insecure = false)
    {
        var options = new RunOptions
        {
            Session = new SessionOptions { Target = target, AcceptUntrustedCertificate = insecure },
            Parallelism = 16,
        };
        var outcome = await Runner.RunAsync(Catalogue.Cases, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(Catalogue.Cases.Count), "every case ran");
        return outcome.Results;
    }

    /// <summary>No case may be worse than its expectation; cases better than expected are written out.</summary>
    public static void AssertConforming(IReadOnlyList<CaseResult> results, ExpectationSet expectations)
    {
        var compared = ExpectationComparer.Compare(results, expectations);
        foreach (var c in compared.Where(c => c.Comparison == Comparison.UnexpectedPass))
            TestContext.Out.WriteLine($"better than expected: {c.Result.Id} {c.Verdicts} (expected {c.Expected})");
        var regressions = compared.Where(c => c.Comparison == Comparison.Regression)
            .Select(c => $"{c.Result.Id} {c.Verdicts}, expected {c.Expected}: {c.Result.Reason}").ToList();
        Assert.That(regressions, Is.Empty);
    }
}
