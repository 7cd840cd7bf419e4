using Conformance.Engine.Expectations;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// The catalogue over HTTP/2 (RFC 8441) against real servers: the embedded Kestrel (ASP.NET Core serves WebSockets
/// over HTTP/2) and hypercorn, each over h2c and over TLS with ALPN h2. What each does not pass, and why, is in its
/// expectations file for HTTP/2 under suites/expectations. The cases that move a mebibyte or more are left to
/// `./run.sh --http2`, to keep the test run short. The extended CONNECT cases of RFC 8441 itself (category E) run here too.
/// Over h2c the Kestrel run shares connections among the cases (each a stream), to hold both uses of connections to the
/// same expectations.
/// </summary>
[NonParallelizable]
public class Http2RealServerTests
{
    private static readonly IReadOnlyList<CaseDefinition> Selection =
        CatalogueRuns.Cases.Concat(CatalogueRuns.Catalogue.OverHttp2.Where(c => c.OnlyOverHttp2))
            .Where(c => c.AppliesOverHttp2 && !c.IsBulk && c.Category is not ("D" or "R")).ToList();

    private static ExpectationSet Expected(string server) =>
        ExpectationSet.Read(Path.Combine(RepositoryPaths.Root, "suites", "expectations", server + ".json"));

    private static async Task<IReadOnlyList<CaseResult>> RunAsync(int port, bool tls, int streams)
    {
        var options = new RunOptions
        {
            Session = new SessionOptions { Target = new Uri($"{(tls ? "wss" : "ws")}://127.0.0.1:{port}/"), AcceptUntrustedCertificate = tls, Http2 = true },
            Parallelism = 16,
            Http2StreamsPerConnection = streams,
        };
        var outcome = await Runner.RunAsync(Selection, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(Selection.Count), "every case ran");
        return outcome.Results;
    }

    [Test]
    public void The_selection_leaves_out_only_the_HTTP_1_1_handshake_and_the_bulk_cases()
    {
        Assert.That(Selection.Select(c => c.Category).Distinct(), Is.EquivalentTo(new[] { "1", "2", "3", "4", "5", "6", "7", "9", "10", "12", "13", "E" }));
        Assert.That(CatalogueRuns.Catalogue.Cases.Where(c => !c.AppliesOverHttp2).Select(c => c.Category).Distinct(), Is.EqualTo(new[] { "0" }));
    }

    [TestCase("kestrel", "kestrel-embedded-http2", 16)]
    [TestCase("kestrel-tls", "kestrel-embedded-http2", 1)]
    [TestCase("hypercorn", "hypercorn-http2", 1)]
    [TestCase("hypercorn-tls", "hypercorn-http2", 1)]
    public async Task The_server_conforms_over_HTTP_2(string server, string expectations, int streamsPerConnection)
    {
        await using var target = await Http2Target.StartAsync(server);
        CatalogueRuns.AssertConforming(await RunAsync(target.Port, server.EndsWith("-tls", StringComparison.Ordinal), streamsPerConnection), Expected(expectations));
    }
}
