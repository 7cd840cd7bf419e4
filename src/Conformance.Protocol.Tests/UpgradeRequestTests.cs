using System.Text;

namespace Conformance.Protocol.Tests;

public class UpgradeRequestTests
{
    [Test]
    public void A_minimal_request_has_the_headers_of_RFC_6455_4_1_in_order()
    {
        var request = new UpgradeRequest("example.com:9001", "/chat?x=1", "dGhlIHNhbXBsZSBub25jZQ==");
        Assert.That(Encoding.UTF8.GetString(request.ToBytes()), Is.EqualTo(
            "GET /chat?x=1 HTTP/1.1\r\n" +
            "Host: example.com:9001\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n"));
    }

    [Test]
    public void Optional_headers_are_sent_once_each_and_parse_back()
    {
        string key = HandshakeKeys.NewKey();
        var request = new UpgradeRequest("localhost", "/", key) { Origin = "http://localhost" };
        request.Subprotocols.Add("chat");
        request.Subprotocols.Add("superchat");
        request.Extensions.Add("permessage-deflate; client_max_window_bits");
        request.Extensions.Add("x-test");
        request.ExtraHeaders.Add(new("User-Agent", "conformance"));

        (string requestLine, List<(string Name, string Value)> headers) = Parse(request.ToBytes());

        Assert.That(requestLine, Is.EqualTo("GET / HTTP/1.1"));
        Assert.That(headers, Is.EqualTo(new List<(string, string)>
        {
            ("Host", "localhost"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", "13"),
            ("Origin", "http://localhost"),
            ("Sec-WebSocket-Protocol", "chat, superchat"),
            ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-test"),
            ("User-Agent", "conformance"),
        }));
    }

    [Test]
    public void Values_that_would_break_the_request_are_rejected()
    {
        var injected = new UpgradeRequest("localhost", "/", "k");
        injected.ExtraHeaders.Add(new("X-Test", "a\r\nEvil: 1"));
        Assert.That(injected.ToBytes, Throws.ArgumentException);

        var badName = new UpgradeRequest("localhost", "/", "k");
        badName.ExtraHeaders.Add(new("Bad Name", "v"));
        Assert.That(badName.ToBytes, Throws.ArgumentException);

        Assert.That(new UpgradeRequest("localhost", "/a b", "k").ToBytes, Throws.ArgumentException);
    }

    [Test]
    public void New_keys_are_base64_of_16_bytes()
    {
        string key = HandshakeKeys.NewKey();
        Assert.That(Convert.FromBase64String(key), Has.Length.EqualTo(16));
        Assert.That(HandshakeKeys.NewKey(), Is.Not.EqualTo(key));
    }

    /// <summary>A strict reader of the request: CRLF line ends, "Name: value" headers, a final blank line.</summary>
    private static (string RequestLine, List<(string Name, string Value)> Headers) Parse(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        Assert.That(text, Does.EndWith("\r\n\r\n"));
        string[] lines = text[..^4].Split("\r\n");
        Assert.That(lines, Has.None.Contains('\n').And.None.Contains('\r'));
        var headers = lines.Skip(1).Select(line =>
        {
            int colon = line.IndexOf(':');
            Assert.That(colon, Is.GreaterThan(0), line);
            return (line[..colon], line[(colon + 1)..].Trim());
        }).ToList();
        return (lines[0], headers);
    }
}
