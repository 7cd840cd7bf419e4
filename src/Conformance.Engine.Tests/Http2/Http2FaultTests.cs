namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// Every case of RFC 8441 itself (category E, played over HTTP/2 only, so out of reach of the HTTP/1.1
/// <see cref="FaultyEchoServer"/> and of <see cref="MutationScoreTests"/>) can fail: an HTTP/2 server written on Python's
/// h2 (src/Conformance.Targets/external/h2-fault-server.py) with one fault makes each non-OK, but those listed with
/// their reason; the cases that end, reset or open streams each have a fault of a WebSocket echo on that server that
/// breaks exactly what they check.
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

    /// <summary>
    /// The faults of a WebSocket echo in how it treats the streams' ends, and the cases each must make non-OK (the
    /// cases that end, reset or open streams: E.4, E.5); a server that accepts or refuses every request is no
    /// WebSocket echo, and fails those for other reasons.
    /// </summary>
    private static readonly Dictionary<string, string[]> StreamFaults = new()
    {
        ["h2-end-stream-ignored"] = ["E.4.1"],
        ["h2-reset-answered"] = ["E.4.2", "E.5.2"],
        ["h2-streams-crossed"] = ["E.5.1", "E.5.2"],
        ["h2-reset-ends-all"] = ["E.5.2"],
        ["h2-goaway-on-end"] = ["E.4.1", "E.4.2"],
    };

    private static async Task<IReadOnlyList<CaseResult>> RunAsync(string fault, IReadOnlyList<CaseDefinition> cases)
    {
        ExternalServer.RequireInstalled("h2");
        using var server = ExternalServer.Start(fault);
        var options = new RunOptions { Session = new SessionOptions { Target = server.Url, Http2 = true }, Parallelism = 16 };
        var outcome = await Runner.RunAsync(cases, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(cases.Count), "every case ran");
        return outcome.Results;
    }

    [Test]
    public async Task Every_extended_CONNECT_case_is_failed_by_some_fault_but_those_listed_with_their_reason()
    {
        var failing = OnlyOverHttp2.ToDictionary(c => c.Id, _ => new List<string>());
        IReadOnlyList<CaseDefinition> streamCases = OnlyOverHttp2.Where(c => c.ActsOnHttp2Streams).ToList();
        var runs = new List<(string Fault, IReadOnlyList<CaseDefinition> Cases)> { ("h2-accept-all", OnlyOverHttp2), ("h2-refuse-all", OnlyOverHttp2) };
        runs.AddRange(StreamFaults.Keys.Select(f => (f, streamCases)));
        foreach (var (fault, cases) in runs)
        {
            foreach (var result in await RunAsync(fault, cases))
            {
                TestContext.Out.WriteLine($"{fault,-21} {result.Id,-6} {result.Verdicts}: {result.Reason}");
                if (result.Fails || result.Behavior is not (Verdict.Ok or Verdict.Informational)) failing[result.Id].Add(fault);
            }
        }
        foreach (var (fault, cases) in StreamFaults)
            Assert.That(cases.Where(id => !failing[id].Contains(fault)), Is.Empty, $"{fault} makes each of {string.Join(", ", cases)} non-OK");
        Assert.That(streamCases.Select(c => c.Id), Is.EquivalentTo(StreamFaults.Values.SelectMany(ids => ids).Distinct()), "every case that acts on streams has a fault of its own");
        Assert.That(OnlyOverHttp2.Select(c => c.Category).Distinct(), Is.EqualTo(new[] { "E" }));
        Assert.That(failing.Where(f => f.Value.Count == 0).Select(f => f.Key), Is.EquivalentTo(NoFaultFails.Keys),
            "the extended CONNECT cases no fault fails, against the list of those that cannot be failed");
        Assert.That(failing.Where(f => f.Key.StartsWith("E.2.", StringComparison.Ordinal) && !f.Value.Contains("h2-accept-all")).Select(f => f.Key), Is.Empty,
            "a server that opens every request fails each request it must refuse");
        Assert.That(failing.Where(f => f.Key.StartsWith("E.1.", StringComparison.Ordinal) && !f.Value.Contains("h2-refuse-all")).Select(f => f.Key), Is.Empty,
            "a server that refuses every request fails each valid one");
    }
}
