using Conformance.Engine.Expectations;

namespace Conformance.Engine.Tests;

/// <summary>
/// The whole catalogue against real, independently written servers. Each is known to pass nearly all of
/// Autobahn's cases; what each does not pass, and why, is in its expectations file under
/// suites/expectations, and nothing may be worse than that.
/// </summary>
[NonParallelizable]
public class RealServerTests
{
    private static ExpectationSet Expected(string server) =>
        ExpectationSet.Read(Path.Combine(RepositoryPaths.Root, "suites", "expectations", server + ".json"));

    [Test]
    public async Task The_embedded_Kestrel_server_conforms()
    {
        await using var server = await KestrelEchoServer.StartAsync();
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), Expected("kestrel-embedded"));
    }

    [Test]
    public async Task The_embedded_Kestrel_server_conforms_over_TLS()
    {
        await using var server = await KestrelEchoServer.StartAsync(tls: true);
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url, insecure: true), Expected("kestrel-embedded"));
    }

    [Test]
    public async Task Node_ws_conforms()
    {
        using var server = ExternalServer.Start("ws");
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), Expected("node-ws"));
    }

    [Test]
    public async Task Python_websockets_conforms()
    {
        using var server = ExternalServer.Start("websockets");
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), Expected("python-websockets"));
    }
}
