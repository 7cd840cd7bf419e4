using System.Diagnostics;
using System.Text.Json.Nodes;
using Conformance.Engine.Clients;
using Conformance.Engine.Expectations;

namespace Conformance.Engine.Tests;

/// <summary>
/// The suite as a server for real, independently written clients, each running Autobahn's driver loop unchanged
/// (getCaseCount, runCase for each case with every message echoed, updateReports) through every case played against
/// clients (categories 1 to 7, 9, 10, 12, 13, D, H and R) but the larger compression series (<see cref="ClientRuns.Light"/>): every case gets a verdict, no
/// case is worse than the client's expectations file (suites/expectations/*-client.json), and index.json reads like
/// the one Autobahn's fuzzingserver writes.
/// </summary>
[NonParallelizable]
public class RealClientTests
{
    private static readonly string[] Verdicts = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"];
    private static readonly string[] CloseVerdicts = ["OK", "FAILED", "WRONG CODE", "UNCLEAN", "FAILED BY CLIENT", "INFORMATIONAL"];

    private static ExpectationSet Expected(string client) =>
        ExpectationSet.Read(Path.Combine(RepositoryPaths.Root, "suites", "expectations", client + ".json"));

    [Test]
    public async Task Python_websockets_client_conforms()
    {
        var cases = ClientRuns.Light;
        var clock = Stopwatch.StartNew();
        var (results, index) = await ClientRuns.ServeAsync(cases, url => ExternalServer.DriveAsync("websockets", url, "websockets", TimeSpan.FromMinutes(10)));
        TestContext.Out.WriteLine($"{cases.Count} cases in {clock.Elapsed.TotalSeconds:0.0} s");
        AssertEveryCase(cases, "websockets", results, index);
        CatalogueRuns.AssertConforming(results["websockets"], Expected("python-websockets-client"));
    }

    [Test]
    public async Task Node_ws_client_conforms()
    {
        var cases = ClientRuns.Light;
        var (results, index) = await ClientRuns.ServeAsync(cases, url => ExternalServer.DriveAsync("ws", url, "ws", TimeSpan.FromMinutes(10)));
        AssertEveryCase(cases, "ws", results, index);
        CatalogueRuns.AssertConforming(results["ws"], Expected("node-ws-client"));
    }

    [Test]
    public async Task Dotnet_ClientWebSocket_conforms()
    {
        var cases = ClientRuns.Light;
        var (results, index) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.ClientWebSocketAsync(url, "dotnet"));
        AssertEveryCase(cases, "dotnet", results, index);
        CatalogueRuns.AssertConforming(results["dotnet"], Expected("dotnet-clientwebsocket-client"));
    }

    /// <summary>
    /// wss://: the three clients run categories 1 and H over TLS against a certificate made for the run, which each
    /// trusts as given (Python and node by its PEM file, as `conformance clients --tls` writes it), with the same
    /// verdicts as over TCP.
    /// </summary>
    [Test]
    public async Task The_three_clients_run_over_TLS_trusting_a_certificate_made_for_the_run()
    {
        var cases = ClientRuns.Categories("1", "H");
        using var certificate = ServerCertificate.SelfSigned([System.Net.IPAddress.Loopback]);
        var pem = Path.Combine(Path.GetTempPath(), $"conformance-clients-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pem, ServerCertificate.Pem(certificate));
        try
        {
            var drivers = new (string Agent, string Expectations, Func<Uri, Task> Drive)[]
            {
                ("websockets", "python-websockets-client", url => ExternalServer.DriveAsync("websockets", url, "websockets", TimeSpan.FromMinutes(2), pem)),
                ("ws", "node-ws-client", url => ExternalServer.DriveAsync("ws", url, "ws", TimeSpan.FromMinutes(2), pem)),
                ("dotnet", "dotnet-clientwebsocket-client", url => ClientDrivers.ClientWebSocketAsync(url, "dotnet", certificate)),
            };
            foreach (var (agent, expectations, drive) in drivers)
            {
                Uri? served = null;
                var (results, index) = await ClientRuns.ServeAsync(cases, url => drive(served = url), certificate);
                Assert.That(served!.Scheme, Is.EqualTo("wss"));
                AssertEveryCase(cases, agent, results, index);
                Assert.That(results[agent][0].Transcript.Select(e => e.Text), Has.Some.StartsWith("TLS "), agent);
                CatalogueRuns.AssertConforming(results[agent], Expected(expectations));
            }
        }
        finally
        {
            File.Delete(pem);
        }
    }

    /// <summary>Every case has a result, and index.json is Autobahn's: agent, then case id, then its verdicts in Autobahn's words.</summary>
    private static void AssertEveryCase(IReadOnlyList<CaseDefinition> cases, string agent, IReadOnlyDictionary<string, IReadOnlyList<CaseResult>> results,
        JsonObject index)
    {
        Assert.That(results.Keys, Is.EquivalentTo(new[] { agent }));
        Assert.That(results[agent].Select(r => r.Id), Is.EqualTo(cases.Select(c => c.Id)), "every case, in order, has a verdict");
        Assert.That(index.Select(a => a.Key), Is.EqualTo(new[] { agent }));
        var byCase = index[agent]!.AsObject();
        Assert.That(byCase.Select(c => c.Key), Is.EquivalentTo(cases.Select(c => c.Id)));
        foreach (var (id, entry) in byCase)
        {
            var fields = entry!.AsObject();
            Assert.That(fields.Select(f => f.Key), Is.SupersetOf(new[] { "behavior", "behaviorClose", "duration", "remoteCloseCode", "reportfile" }), id);
            Assert.That(Verdicts, Does.Contain((string)fields["behavior"]!), id);
            Assert.That(CloseVerdicts, Does.Contain((string)fields["behaviorClose"]!), id);
        }
    }
}
