using Conformance.Engine.Cases;
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

    /// <summary>Every case must get the verdicts of a conforming server, or one of the alternatives allowed for it.</summary>
    public static void AssertConforming(IReadOnlyList<CaseResult> results, IReadOnlyDictionary<string, string[]> allowed)
    {
        var unexpected = results
            .Where(r => !IsConforming(r) && !(allowed.TryGetValue(r.Id, out var verdicts) && verdicts.Contains($"{r.Behavior}/{r.BehaviorClose}")))
            .Select(r => $"{r.Id} {r.Behavior}/{r.BehaviorClose}: {r.Reason}")
            .ToList();
        Assert.That(unexpected, Is.Empty);
    }

    private static bool IsConforming(CaseResult r) =>
        (r.Behavior, r.BehaviorClose) is ("OK", "OK") or ("INFORMATIONAL", "INFORMATIONAL");
}
