namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// Every case of RFC 8441 itself (category E, played over HTTP/2 only, so out of reach of the HTTP/1.1
/// <see cref="FaultyEchoServer"/> and of <see cref="MutationScoreTests"/>) can fail: an HTTP/2 server written on Python's
/// h2 (src/Conformance.Targets/external/h2-fault-server.py) with one fault makes each non-OK, but those listed with
/// their reason.
/// </summary>
[NonParallelizable]
public class Http2FaultTests
{
    /// <summary>The extended CONNECT cases no fault fails, each with the reason.</summary>
    private static readonly Dictionary<string, string> NoFaultFails = new()
    {
        ["E.3.1"] = "INFORMATIONAL by definition: RFC 8441 5 says sec-websocket-key is not processed, not that a request carrying one must be refused",
    };

    private static readonly IReadOnlyList<CaseDefinition> OnlyOverHttp2 = CatalogueRuns.Catalogue.All.Where(c => c.OnlyOverHttp2).ToList();

    private static async Task<IReadOnlyList<CaseResult>> RunAsync(string fault)
    {
        ExternalServer.RequireInstalled("h2");
        using var server = ExternalServer.Start(fault);
        var options = new RunOptions { Session = new SessionOptions { Target = server.Url, Http2 = true }, Parallelism = 16 };
        var outcome = await Runner.RunAsync(OnlyOverHttp2, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(OnlyOverHttp2.Count), "every case ran");
        return outcome.Results;
    }

    [Test]
    public async Task Every_extended_CONNECT_case_is_failed_by_some_fault_but_those_listed_with_their_reason()
    {
        var failing = OnlyOverHttp2.ToDictionary(c => c.Id, _ => new List<string>());
        foreach (var fault in new[] { "h2-accept-all", "h2-refuse-all" })
        {
            foreach (var result in await RunAsync(fault))
            {
                TestContext.Out.WriteLine($"{fault,-14} {result.Id,-6} {result.Verdicts}: {result.Reason}");
                if (result.Behavior is not (Verdict.Ok or Verdict.Informational)) failing[result.Id].Add(fault);
            }
        }
        Assert.That(OnlyOverHttp2.Select(c => c.Category).Distinct(), Is.EqualTo(new[] { "E" }));
        Assert.That(failing.Where(f => f.Value.Count == 0).Select(f => f.Key), Is.EquivalentTo(NoFaultFails.Keys),
            "the extended CONNECT cases no fault fails, against the list of those that cannot be failed");
        Assert.That(failing.Where(f => f.Key.StartsWith("E.2.", StringComparison.Ordinal) && !f.Value.Contains("h2-accept-all")).Select(f => f.Key), Is.Empty,
            "a server that opens every request fails each request it must refuse");
        Assert.That(failing.Where(f => f.Key.StartsWith("E.1.", StringComparison.Ordinal) && !f.Value.Contains("h2-refuse-all")).Select(f => f.Key), Is.Empty,
            "a server that refuses every request fails each valid one");
    }
}
