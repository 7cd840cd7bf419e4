namespace Conformance.Engine.Tests;

/// <summary>
/// The catalogue's mutation score: the cases some fault of <see cref="FaultyEchoServer"/> makes non-OK, out of all cases.
/// It is read from <see cref="FaultTable"/>, which <see cref="FaultDetectionTests"/> holds to real runs, so a case counts
/// only where the table names a verdict for it among the cases its fault runs.
/// </summary>
public class MutationScoreTests
{
    /// <summary>The cases no fault fails, each with the reason.</summary>
    private static readonly Dictionary<string, string> NoFaultFails = new()
    {
        ["7.1.6"] = "INFORMATIONAL by definition: RFC 6455 5.5.1 lets a server finish sending a message before its close or not, so whatever the server does is reported, not judged",
        ["7.13.1"] = "INFORMATIONAL by definition: RFC 6455 7.4 defines no close code above 4999 and leaves the answer to one undefined",
        ["7.13.2"] = "INFORMATIONAL by definition: RFC 6455 7.4 defines no close code above 4999 and leaves the answer to one undefined",
    };

    [Test]
    public void Every_case_is_failed_by_some_fault_but_those_listed_with_their_reason()
    {
        var failing = FaultTable.FaultsFailing(CatalogueRuns.Catalogue);
        var caught = failing.Count(f => f.Value.Count > 0);
        TestContext.Out.WriteLine($"Mutation score: {caught} of {failing.Count} cases are failed by some fault ({100.0 * caught / failing.Count:F1} %).");
        foreach (var category in CatalogueRuns.Catalogue.Cases.GroupBy(c => c.Category))
            TestContext.Out.WriteLine($"  category {category.Key,-2} {category.Count(c => failing[c.Id].Count > 0),3}/{category.Count()}");
        var uncaught = failing.Where(f => f.Value.Count == 0).Select(f => f.Key).ToList();
        TestContext.Out.WriteLine("No fault fails:");
        uncaught.ForEach(id => TestContext.Out.WriteLine($"  {id}: {NoFaultFails.GetValueOrDefault(id, "(no reason given)")}"));

        Assert.That(uncaught, Is.EquivalentTo(NoFaultFails.Keys), "the cases no fault fails, against the list of those that cannot be failed");
    }

    /// <summary>
    /// The score counts the cases played against servers over HTTP/1.1, the transport of the fault server; the cases
    /// played over HTTP/2 only (category E) are proved failable by HTTP/2 faults in <see cref="Http2.Http2FaultTests"/>.
    /// </summary>
    [Test]
    public void The_cases_the_score_leaves_out_are_those_played_over_HTTP_2_only()
    {
        var leftOut = CatalogueRuns.Catalogue.All.Where(c => c.AgainstServers).Except(CatalogueRuns.Catalogue.Cases).ToList();
        Assert.That(leftOut, Is.Not.Empty);
        Assert.That(leftOut.Where(c => !c.OnlyOverHttp2).Select(c => c.Id), Is.Empty, "cases played against servers that the score leaves out");
    }

    [Test]
    public void Each_case_the_table_says_a_fault_fails_is_one_the_fault_runs()
    {
        var unproven = new List<string>();
        foreach (var (fault, expected) in FaultTable.Catches)
        {
            var run = CatalogueRuns.Catalogue.Select(expected.Run, []);
            foreach (var pattern in expected.Caught.Values.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (!run.Any(c => Cases.CasePattern.Matches(pattern, c.Id))) unproven.Add($"{fault}: {pattern}");
            }
        }
        Assert.That(unproven, Is.Empty, "verdicts the table names for cases their fault does not run");
    }
}
