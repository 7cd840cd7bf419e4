namespace Conformance.Protocol.Tests;

/// <summary>A client's opening request as the server reads it (RFC 6455 4.2.1 and 4.2.2).</summary>
public class OpeningRequestHeadTests
{
    private const string Valid = "GET /runCase?case=1&agent=a HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13";

    [Test]
    public void A_valid_request_is_upgraded_with_the_accept_key_of_RFC_6455s_example()
    {
        var request = OpeningRequestHead.Parse(Valid);
        Assert.That(request.Problem(), Is.Null);
        Assert.That(request.Refusal(), Is.Null);
        Assert.That(request.Target, Is.EqualTo("/runCase?case=1&agent=a"));
        Assert.That(request.SwitchingProtocols(), Does.StartWith("HTTP/1.1 101 ").And.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    }

    [TestCase("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", "426 ")]
    [TestCase("Upgrade: websocket", "Upgrade: h2c", "400 ")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Key: c2hvcnQ=", "400 ")]
    [TestCase("HTTP/1.1", "HTTP/1.0", "400 ")]
    public void A_request_a_server_must_not_upgrade_is_refused(string field, string broken, string status)
    {
        var request = OpeningRequestHead.Parse(Valid.Replace(field, broken));
        Assert.That(request.Problem(), Does.Contain("RFC 6455 4.2.1"));
        Assert.That(request.Refusal(), Does.StartWith("HTTP/1.1 " + status));
    }
}
