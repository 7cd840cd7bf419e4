using System.Text;

namespace Conformance.Protocol.Tests;

public class UpgradeResponseTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private const int MaxHeaderBytes = 8192;

    private static readonly string Accepting =
        "HTTP/1.1 101 Switching Protocols\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {Accept}\r\n" +
        "\r\n";

    [Test]
    public void A_101_response_followed_by_a_frame_is_parsed_and_the_frame_left_over()
    {
        byte[] headerBytes = Encoding.ASCII.GetBytes(Accepting);
        byte[] frame = new Frame(Opcodes.Text, "Hello"u8.ToArray()).Encode();

        ResponseParseStatus status = UpgradeResponse.TryParse(
            [.. headerBytes, .. frame], MaxHeaderBytes, out UpgradeResponse? response, out int consumed, out string? error);

        Assert.That(status, Is.EqualTo(ResponseParseStatus.Complete), error);
        Assert.That(consumed, Is.EqualTo(headerBytes.Length));
        Assert.That(response!.HttpVersion, Is.EqualTo("HTTP/1.1"));
        Assert.That(response.StatusCode, Is.EqualTo(101));
        Assert.That(response.ReasonPhrase, Is.EqualTo("Switching Protocols"));
        Assert.That(response.Headers, Has.Count.EqualTo(3));
        Assert.That(response.GetHeader("sec-websocket-accept"), Is.EqualTo(Accept));
        Assert.That(response.GetHeader("Sec-WebSocket-Protocol"), Is.Null);
        Assert.That(response.ValidateAcceptance(Key), Is.Null);
    }

    [Test]
    public void LF_only_line_ends_are_tolerated()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Accepting.Replace("\r\n", "\n"));
        Assert.That(Parse(bytes, out UpgradeResponse? response, out int consumed), Is.EqualTo(ResponseParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(bytes.Length));
        Assert.That(response!.ValidateAcceptance(Key), Is.Null);
    }

    [Test]
    public void Every_incomplete_prefix_needs_more_data()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Accepting);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.That(Parse(bytes[..length], out _, out _), Is.EqualTo(ResponseParseStatus.NeedMoreData), $"prefix of {length} bytes");
        }

        Assert.That(Parse(bytes, out _, out _), Is.EqualTo(ResponseParseStatus.Complete));
    }

    [Test]
    public void Headers_longer_than_the_limit_are_invalid()
    {
        string endless = "HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + new string('a', 300);
        ResponseParseStatus status = UpgradeResponse.TryParse(
            Encoding.ASCII.GetBytes(endless), 256, out _, out _, out string? error);
        Assert.That(status, Is.EqualTo(ResponseParseStatus.Invalid));
        Assert.That(error, Does.Contain("256"));

        byte[] complete = Encoding.ASCII.GetBytes(Accepting);
        Assert.That(UpgradeResponse.TryParse(complete, complete.Length, out _, out _, out _), Is.EqualTo(ResponseParseStatus.Complete));
        Assert.That(UpgradeResponse.TryParse(complete, complete.Length - 1, out _, out _, out _), Is.EqualTo(ResponseParseStatus.Invalid));
    }

    [TestCase("SSH-2.0-OpenSSH_9.6\r\n\r\n", "HTTP status line")]
    [TestCase("\x16\x03\x01", "HTTP status line")]
    [TestCase("HTTP/1.1 abc OK\r\n\r\n", "status line")]
    [TestCase("HTTP/1.1 1010 OK\r\n\r\n", "status line")]
    [TestCase("HTTP/1.1  101 OK\r\n\r\n", "status line")]
    [TestCase("HTTP/1.1\r\n\r\n", "status line")]
    [TestCase("HTTP/11 101 OK\r\n\r\n", "status line")]
    [TestCase("HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n", "no colon")]
    [TestCase("HTTP/1.1 101 OK\r\n: websocket\r\n\r\n", "empty name")]
    [TestCase("HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n", "header name")]
    [TestCase("HTTP/1.1 101 OK\r\n folded\r\n\r\n", "whitespace")]
    [TestCase("HTTP/1.1 101 OK\r\nX-Test: a\0b\r\n\r\n", "control character")]
    [TestCase("HTTP/1.1 101 OK\r\nX-Test: a\rb\r\n\r\n", "control character")]
    public void Malformed_responses_are_invalid_with_a_reason(string text, string expectedInError)
    {
        ResponseParseStatus status = UpgradeResponse.TryParse(
            Encoding.Latin1.GetBytes(text), MaxHeaderBytes, out UpgradeResponse? response, out _, out string? error);
        Assert.That(status, Is.EqualTo(ResponseParseStatus.Invalid));
        Assert.That(response, Is.Null);
        Assert.That(error, Does.Contain(expectedInError));
    }

    [Test]
    public void A_garbage_status_line_is_invalid_before_the_headers_end()
    {
        ResponseParseStatus status = UpgradeResponse.TryParse("HTTP/1.1 OK\r\nUpgr"u8, MaxHeaderBytes, out _, out _, out _);
        Assert.That(status, Is.EqualTo(ResponseParseStatus.Invalid));
    }

    [Test]
    public void Duplicate_headers_are_joined_and_folded_lines_continue_a_value()
    {
        string text =
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Connection: keep-alive\r\n" +
            "X-Long: first\r\n" +
            "\t second\r\n" +
            "connection:  Upgrade \r\n" +
            "\r\n";
        Assert.That(Parse(Encoding.ASCII.GetBytes(text), out UpgradeResponse? response, out _), Is.EqualTo(ResponseParseStatus.Complete));
        Assert.That(response!.GetHeader("CONNECTION"), Is.EqualTo("keep-alive, Upgrade"));
        Assert.That(response.GetHeader("x-long"), Is.EqualTo("first second"));
        Assert.That(response.Headers[2], Is.EqualTo(new KeyValuePair<string, string>("connection", "Upgrade")));
    }

    [Test]
    public void A_status_line_without_a_reason_phrase_is_accepted()
    {
        Assert.That(Parse("HTTP/1.1 101\r\n\r\n"u8.ToArray(), out UpgradeResponse? response, out _), Is.EqualTo(ResponseParseStatus.Complete));
        Assert.That(response!.StatusCode, Is.EqualTo(101));
        Assert.That(response.ReasonPhrase, Is.Empty);
    }

    [Test]
    public void Acceptance_checks_name_what_is_wrong()
    {
        Assert.That(Validate(Accepting), Is.Null);
        Assert.That(Validate(Accepting.Replace("Upgrade: websocket", "Upgrade: WebSocket")), Is.Null);
        Assert.That(Validate(Accepting.Replace("Connection: Upgrade", "Connection: keep-alive, upgrade")), Is.Null);

        Assert.That(Validate(Accepting.Replace("101 Switching Protocols", "200 OK")), Does.Contain("200 OK").And.Contain("101"));
        Assert.That(Validate(Accepting.Replace("Upgrade: websocket\r\n", "")), Does.Contain("no Upgrade header"));
        Assert.That(Validate(Accepting.Replace("Upgrade: websocket", "Upgrade: h2c")), Does.Contain("\"h2c\""));
        Assert.That(Validate(Accepting.Replace("Connection: Upgrade\r\n", "")), Does.Contain("no Connection header"));
        Assert.That(Validate(Accepting.Replace("Connection: Upgrade", "Connection: close")), Does.Contain("\"close\""));
        Assert.That(Validate(Accepting.Replace($"Sec-WebSocket-Accept: {Accept}\r\n", "")), Does.Contain("no Sec-WebSocket-Accept"));
        Assert.That(
            Validate(Accepting.Replace(Accept, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
            Does.Contain("AAAAAAAAAAAAAAAAAAAAAAAAAAA=").And.Contain(Accept));
    }

    [Test]
    public void Acceptance_problems_read_as_reasons_do_lower_case_without_a_final_full_stop()
    {
        var request = new UpgradeRequest("localhost", "/", Key);
        request.Extensions.Add("permessage-deflate");
        string withExtras(string extra) => Accepting.Replace("\r\n\r\n", $"\r\n{extra}\r\n\r\n");
        string?[] problems =
        [
            Validate(Accepting.Replace("101 Switching Protocols", "200 OK")),
            Validate(Accepting.Replace("Upgrade: websocket\r\n", "")),
            Validate(Accepting.Replace("Upgrade: websocket", "Upgrade: h2c")),
            Validate(Accepting.Replace("Connection: Upgrade\r\n", "")),
            Validate(Accepting.Replace("Connection: Upgrade", "Connection: close")),
            Validate(Accepting.Replace($"Sec-WebSocket-Accept: {Accept}\r\n", "")),
            Validate(Accepting.Replace(Accept, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")),
            ValidateAgainst(withExtras("Sec-WebSocket-Protocol: mqtt"), request),
            ValidateAgainst(withExtras("Sec-WebSocket-Extensions: permessage-deflate, "), request),
            ValidateAgainst(withExtras("Sec-WebSocket-Extensions: x-webkit"), request),
        ];
        Assert.That(problems, Has.All.Not.Null);
        // A header's name keeps its capitals; anything else starts in lower case.
        Assert.That(problems, Has.All.Match("^(Sec-WebSocket-|[a-z])").And.All.Not.EndWith("."));
    }

    [Test]
    public void Acceptance_against_a_request_also_checks_subprotocol_and_extensions()
    {
        var request = new UpgradeRequest("localhost", "/", Key);
        request.Subprotocols.Add("chat");
        request.Extensions.Add("permessage-deflate");

        string withExtras(string extra) => Accepting.Replace("\r\n\r\n", $"\r\n{extra}\r\n\r\n");
        Assert.That(ValidateAgainst(Accepting, request), Is.Null);
        Assert.That(ValidateAgainst(withExtras("Sec-WebSocket-Protocol: chat"), request), Is.Null);
        Assert.That(ValidateAgainst(withExtras("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover"), request), Is.Null);
        Assert.That(ValidateAgainst(withExtras("Sec-WebSocket-Protocol: mqtt"), request), Does.Contain("mqtt"));
        Assert.That(ValidateAgainst(withExtras("Sec-WebSocket-Extensions: x-webkit"), request), Does.Contain("x-webkit"));
    }

    private static ResponseParseStatus Parse(byte[] bytes, out UpgradeResponse? response, out int consumed) =>
        UpgradeResponse.TryParse(bytes, MaxHeaderBytes, out response, out consumed, out _);

    private static string? Validate(string text) => ParseComplete(text).ValidateAcceptance(Key);

    private static string? ValidateAgainst(string text, UpgradeRequest request) => ParseComplete(text).ValidateAcceptance(request);

    private static UpgradeResponse ParseComplete(string text)
    {
        ResponseParseStatus status = Parse(Encoding.ASCII.GetBytes(text), out UpgradeResponse? response, out _);
        Assert.That(status, Is.EqualTo(ResponseParseStatus.Complete));
        return response!;
    }
}
