using System.Diagnostics;

namespace Conformance.Engine.Tests;

/// <summary>
/// The suite checked against a server whose faults are known: no case fails the fault-free server, and each fault
/// changes the verdict of exactly the cases the fault table names.
/// </summary>
[NonParallelizable]
public class FaultDetectionTests
{
    /// <summary>With permessage-deflate, every case is OK (or INFORMATIONAL) against the fault-free server.</summary>
    [Test]
    public async Task The_fault_free_server_passes_every_case()
    {
        var results = await CatalogueRuns.AgainstTheFaultFreeServer();
        Assert.That(results.Where(r => CatalogueRuns.Cases.First(c => c.Id == r.Id).DeflateOffers is not null && r.Behavior != Verdict.Ok)
            .Select(r => $"{r.Id} {r.Verdicts}: {r.Reason}"), Is.Empty, "the cases that need permessage-deflate ran");
        CatalogueRuns.AssertConforming(results, Expectations.ExpectationSet.None);
    }

    /// <summary>Without permessage-deflate, the cases that need it are UNIMPLEMENTED, never FAILED.</summary>
    [Test]
    public async Task Without_deflate_the_cases_needing_it_are_unimplemented()
    {
        await using var server = FaultyEchoServer.Start();
        var needDeflate = CatalogueRuns.Cases.Where(c => c.DeflateOffers is not null).ToList();
        Assert.That(needDeflate, Has.Count.GreaterThan(50));
        var outcome = await Runner.RunAsync(needDeflate, new RunOptions { Session = new SessionOptions { Target = server.Url } }, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results.Where(r => r.Verdicts != new VerdictPair(Verdict.Unimplemented, CloseVerdict.Ok)).Select(r => $"{r.Id} {r.Verdicts}: {r.Reason}"),
            Is.Empty);
        Assert.That(outcome.Results[0].Reason, Does.StartWith("the server accepted none of the permessage-deflate offers"));
    }

    [Test]
    public void Every_fault_is_in_the_table_and_caught_by_a_case()
    {
        Assert.That(Enum.GetValues<ServerFault>().Except(FaultTable.Catches.Keys), Is.Empty, "faults missing from the table");
        var uncaught = FaultTable.Catches.Where(c => c.Value.Caught.Count == 0).ToList();
        uncaught.ForEach(c => TestContext.Out.WriteLine($"{c.Key}: {c.Value.Note}"));
        Assert.That(uncaught.Where(c => c.Value.Note?.StartsWith("Not caught:", StringComparison.Ordinal) != true).Select(c => c.Key),
            Is.Empty, "faults no case catches, without the reason");
    }

    [Test]
    public async Task Each_fault_changes_exactly_the_verdicts_the_table_names()
    {
        var mismatches = new List<string>();
        var matrix = new List<string>();
        var total = Stopwatch.StartNew();
        foreach (var (fault, expected) in FaultTable.Catches.OrderBy(c => c.Key))
        {
            var cases = CatalogueRuns.Catalogue.Select(expected.Run, []);
            var watch = Stopwatch.StartNew();
            var results = await RunAsync(fault, expected, cases);
            var caught = results.Where(r => Verdicts(r) != FaultTable.ConformingVerdict(Case(r))).ToList();
            matrix.Add($"{fault,-34} {watch.Elapsed.TotalSeconds,5:F1} s {caught.Count,3}/{cases.Count,-3} {Compact(caught, cases)}");
            foreach (var r in results)
            {
                var want = expected.VerdictFor(Case(r));
                if (Verdicts(r) != want) mismatches.Add($"{fault}: {r.Id} got {Verdicts(r)}, the table says {want} ({r.Reason})");
            }
        }

        TestContext.Out.WriteLine($"Detection matrix (fault, run time, cases that changed verdict / cases run, their verdicts), {total.Elapsed.TotalSeconds:F0} s:");
        matrix.ForEach(TestContext.Out.WriteLine);
        mismatches.ForEach(m => TestContext.Out.WriteLine($"mismatch: {m}"));
        Assert.That(mismatches, Is.Empty);
    }

    private static async Task<IReadOnlyList<CaseResult>> RunAsync(ServerFault fault, FaultCatch expected, IReadOnlyList<CaseDefinition> cases)
    {
        var results = expected.OneServerPerCase
            ? (await Task.WhenAll(cases.Select(c => RunOnServerAsync(fault, [c])))).SelectMany(r => r).ToList()
            : await RunOnServerAsync(fault, cases);
        Assert.That(results, Has.Count.EqualTo(cases.Count), $"every case ran against {fault}");
        return results;
    }

    private static async Task<IReadOnlyList<CaseResult>> RunOnServerAsync(ServerFault fault, IReadOnlyList<CaseDefinition> cases)
    {
        await using var server = FaultyEchoServer.Start(fault, deflate: true);
        var options = new RunOptions { Session = new SessionOptions { Target = server.Url }, Parallelism = 32 };
        return (await Runner.RunAsync(cases, options, _ => { }, CancellationToken.None)).Results;
    }

    private static string Verdicts(CaseResult r) => r.Verdicts.ToString();

    private static CaseDefinition Case(CaseResult r) => CatalogueRuns.Catalogue.Cases.First(c => c.Id == r.Id);

    /// <summary>The changed verdicts grouped, with "x.*" where every case run of a group changed alike.</summary>
    private static string Compact(IReadOnlyList<CaseResult> caught, IReadOnlyList<CaseDefinition> run) =>
        string.Join("; ", caught.GroupBy(Verdicts).Select(g =>
        {
            var ids = g.Select(r => r.Id).ToHashSet();
            var parts = new List<string>();
            foreach (var parent in g.Select(r => Parent(r.Id)).Distinct())
            {
                var all = run.Where(c => Parent(c.Id) == parent).Select(c => c.Id).ToList();
                if (all.Count > 1 && all.All(ids.Contains)) parts.Add($"{parent}.*");
                else parts.AddRange(all.Where(ids.Contains));
            }
            return $"[\"{g.Key}\"] = \"{string.Join(' ', parts)}\"";
        }));

    private static string Parent(string id) => id[..id.LastIndexOf('.')];
}
