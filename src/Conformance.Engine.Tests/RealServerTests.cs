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

/// <summary>Verdicts besides OK/OK that a conforming server may get on a case, with the reason.</summary>
internal static class KnownDeviations
{
    /// <summary>
    /// The valid message comes just before the invalid frame. A server that reads ahead and fails the connection
    /// before its echo of the valid message has gone out never sends the echo: Autobahn calls that NON-STRICT, and
    /// ASP.NET Core's own Autobahn runs accept it for these ten cases. Which one happens is a race inside the server.
    /// </summary>
    private static readonly string[] FailsBeforeEcho = ["3.2", "3.3", "3.4", "4.1.3", "4.1.4", "4.1.5", "4.2.3", "4.2.4", "4.2.5", "5.15"];

    /// <summary>
    /// In 6.4.3 and 6.4.4 the invalid octet arrives in the middle of one frame. A server that validates UTF-8 frame
    /// by frame (.NET, Python websockets) fails only once the frame is whole: NON-STRICT, as ASP.NET Core's own
    /// Autobahn runs expect of Kestrel.
    /// </summary>
    private static readonly string[] ValidatesWholeFrames = ["6.4.3", "6.4.4"];

    /// <summary>node ws validates the UTF-8 of a fragmented message only once the message is whole.</summary>
    private static readonly string[] ValidatesWholeMessages = ["6.4.1", "6.4.2", "6.4.3", "6.4.4"];

    /// <summary>
    /// node ws (8.23 and later) refuses a message of more than 16384 fragments by default (its maxFragments option)
    /// and closes with 1008; 9.3.1 and 9.4.1 send 65536 fragments of 64 octets. RFC 6455 10.4 lets a server protect
    /// its limits, so this is the library's choice, and FAILED is what Autobahn reports too.
    /// </summary>
    private static readonly string[] OverWsFragmentLimit = ["9.3.1", "9.4.1"];

    /// <summary>
    /// A request with a Sec-WebSocket-Version other than 13 is refused with 400 and no Sec-WebSocket-Version header,
    /// which RFC 6455 4.2.2 requires. In ASP.NET Core such a request is not a WebSocket request at all and the
    /// embedded echo application answers it (400); Python websockets 10.4 answers "400 Bad Request" with a text body.
    /// </summary>
    private static readonly string[] RefusesVersionWithoutListingVersions = ["0.3.1", "0.3.2", "0.3.3", "0.3.4", "0.3.5", "0.3.6", "0.3.7", "0.3.8", "0.3.9"];

    /// <summary>Kestrel and node ws upgrade an HTTP/1.0 request; RFC 6455 4.2.1 asks for HTTP/1.1 or higher.</summary>
    private static readonly string[] UpgradesHttp10 = ["0.2.17"];

    /// <summary>
    /// ASP.NET Core upgrades a request with two Sec-WebSocket-Version header fields (13 and 8) as long as one of
    /// them is 13; RFC 6455 11.3.5 says the field MUST NOT appear more than once.
    /// </summary>
    private static readonly string[] AcceptsTwoVersionFields = ["0.2.20"];

    /// <summary>node ws and Python websockets upgrade a request without a Host header field (RFC 6455 4.2.1, item 2).</summary>
    private static readonly string[] UpgradesWithoutHost = ["0.2.1"];

    /// <summary>node ws also speaks the draft version 8 (hybi-08) and upgrades it: NON-STRICT by the case.</summary>
    private static readonly string[] SpeaksDraft8 = ["0.3.7"];

    private static IEnumerable<KeyValuePair<string, string[]>> Allow(string[] ids, params string[] verdicts) =>
        ids.Select(id => KeyValuePair.Create(id, verdicts));

    private static IReadOnlyDictionary<string, string[]> Merge(params IEnumerable<KeyValuePair<string, string[]>>[] parts) =>
        parts.SelectMany(p => p).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).Distinct().ToArray());

    public static readonly IReadOnlyDictionary<string, string[]> Kestrel = Merge(
        Allow(FailsBeforeEcho, "OK/OK", "NON-STRICT/OK"), Allow(ValidatesWholeFrames, "NON-STRICT/OK"),
        Allow(RefusesVersionWithoutListingVersions, "FAILED/OK"), Allow(UpgradesHttp10, "FAILED/FAILED"),
        Allow(AcceptsTwoVersionFields, "FAILED/FAILED"));
    public static readonly IReadOnlyDictionary<string, string[]> NodeWs = Merge(
        Allow(FailsBeforeEcho, "OK/OK", "NON-STRICT/OK"), Allow(ValidatesWholeMessages, "NON-STRICT/OK"),
        Allow(OverWsFragmentLimit, "FAILED/FAILED"), Allow(UpgradesHttp10, "FAILED/FAILED"),
        Allow(UpgradesWithoutHost, "FAILED/FAILED"), Allow(SpeaksDraft8, "NON-STRICT/OK"));
    public static readonly IReadOnlyDictionary<string, string[]> PythonWebsockets = Merge(
        Allow(FailsBeforeEcho, "OK/OK", "NON-STRICT/OK"), Allow(ValidatesWholeFrames, "NON-STRICT/OK"),
        Allow(RefusesVersionWithoutListingVersions, "FAILED/OK"), Allow(UpgradesWithoutHost, "FAILED/FAILED"));
}
