using Conformance.Targets;

namespace Conformance.Engine.Tests;

/// <summary>
/// The whole catalogue against real, independently written servers. Each is known to pass nearly all of
/// Autobahn's cases; the deviations listed are explained beside them.
/// </summary>
[NonParallelizable]
public class RealServerTests
{
    [Test]
    public async Task The_embedded_Kestrel_server_conforms()
    {
        await using var server = await KestrelEchoServer.StartAsync();
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), KnownDeviations.Kestrel);
    }

    [Test]
    public async Task The_embedded_Kestrel_server_conforms_over_TLS()
    {
        await using var server = await KestrelEchoServer.StartAsync(tls: true);
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url, insecure: true), KnownDeviations.Kestrel);
    }

    [Test]
    public async Task Node_ws_conforms()
    {
        using var server = ExternalServer.Start("ws");
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), KnownDeviations.NodeWs);
    }

    [Test]
    public async Task Python_websockets_conforms()
    {
        using var server = ExternalServer.Start("websockets");
        CatalogueRuns.AssertConforming(await CatalogueRuns.RunAllAsync(server.Url), KnownDeviations.PythonWebsockets);
    }
}

internal static class KnownDeviations
{
    public static readonly IReadOnlyDictionary<string, string> Kestrel = new Dictionary<string, string>();
    public static readonly IReadOnlyDictionary<string, string> NodeWs = new Dictionary<string, string>();
    public static readonly IReadOnlyDictionary<string, string> PythonWebsockets = new Dictionary<string, string>();
}
