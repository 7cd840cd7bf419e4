namespace Conformance.Engine.Tests;

/// <summary>Servers that get the opening handshake wrong on purpose: the case written for each fault catches it.</summary>
public class HandshakeFaultTests
{
    private static async Task<Results.CaseResult> Run(FaultyHandshakeServer server, string id)
    {
        var @case = CatalogueRuns.Catalogue.Cases.Single(c => c.Id == id);
        var options = new RunOptions { Session = new SessionOptions { Target = server.Url } };
        var run = Runner.RunCaseAsync(@case, options, CancellationToken.None);
        Assert.That(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(90))), Is.SameAs(run), "the case ended");
        return (await run)!;
    }

    private static string Verdicts(Results.CaseResult r) => r.Verdicts.ToString();

    [Test]
    public async Task A_wrong_accept_key_fails_the_valid_request_case()
    {
        await using var server = new FaultyHandshakeServer(head => FaultyHandshakeServer.Switching(head, accept: "d3JvbmcgYWNjZXB0IGtleSE="));
        var result = await Run(server, "0.1.1");
        Assert.That(Verdicts(result), Is.EqualTo("FAILED/FAILED"));
        Assert.That(result.Reason, Does.Contain("Sec-WebSocket-Accept"));
    }

    [TestCase("0.4.1")]
    [TestCase("0.4.4")]
    public async Task A_subprotocol_the_request_did_not_offer_is_caught(string id)
    {
        await using var server = new FaultyHandshakeServer(head => FaultyHandshakeServer.Switching(head, "Sec-WebSocket-Protocol: chat\r\n"));
        var result = await Run(server, id);
        Assert.That(Verdicts(result), Is.EqualTo("FAILED/FAILED"));
        Assert.That(result.Reason, Does.Contain("subprotocol \"chat\""));
    }

    [Test]
    public async Task An_extension_the_request_did_not_offer_is_caught()
    {
        await using var server = new FaultyHandshakeServer(head => FaultyHandshakeServer.Switching(head, "Sec-WebSocket-Extensions: x-bogus\r\n"));
        Assert.That(Verdicts(await Run(server, "0.5.2")), Is.EqualTo("FAILED/FAILED"));
    }

    [Test]
    public async Task Upgrading_any_version_is_caught()
    {
        await using var server = new FaultyHandshakeServer(head => FaultyHandshakeServer.Switching(head));
        var result = await Run(server, "0.3.3");
        Assert.That(Verdicts(result), Is.EqualTo("FAILED/FAILED"));
        Assert.That(result.Reason, Does.Contain("upgraded a request it should have refused"));
        Assert.That(Verdicts(await Run(server, "0.3.7")), Is.EqualTo("NON-STRICT/OK"), "version 8 is a draft a server may also speak");
    }

    [Test]
    public async Task A_success_status_instead_of_an_error_is_caught_and_a_5xx_is_NON_STRICT()
    {
        await using var ok = new FaultyHandshakeServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"u8.ToArray());
        Assert.That(Verdicts(await Run(ok, "0.2.2")), Is.EqualTo("FAILED/OK"));
        await using var error = new FaultyHandshakeServer(_ => "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        Assert.That(Verdicts(await Run(error, "0.2.4")), Is.EqualTo("NON-STRICT/OK"));
    }

    [Test]
    public async Task A_refusal_without_the_supported_versions_is_caught()
    {
        await using var server = new FaultyHandshakeServer(_ => "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var result = await Run(server, "0.3.1");
        Assert.That(Verdicts(result), Is.EqualTo("FAILED/OK"));
        Assert.That(result.Reason, Does.Contain("Sec-WebSocket-Version"));
    }

    [Test]
    public async Task A_server_that_stops_serving_after_a_malformed_line_fails_the_robustness_case()
    {
        await using var server = new FaultyHandshakeServer(head => head.Contains("X-Conformance-No-Colon\r\n") ? null : FaultyHandshakeServer.Switching(head));
        var result = await Run(server, "0.7.1");
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed));
        Assert.That(result.Reason, Does.Contain("a normal connection failed"));
    }
}
