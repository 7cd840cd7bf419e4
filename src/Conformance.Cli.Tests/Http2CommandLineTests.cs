using System.Text.Json.Nodes;

namespace Conformance.Cli.Tests;

/// <summary>--http2: the cases over HTTP/2 against the embedded Kestrel (h2c), the HTTP/1.1 handshake cases left out once, with a reason.</summary>
public class Http2CommandLineTests : WithScratchFolder
{
    [Test]
    public void Only_HTTP_1_1_handshake_cases_over_HTTP_2_is_one_line_and_exit_2() =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("--http2", "--cases", "0.*", "--out", Scratch), "http2: no selected case applies over HTTP/2");

    [Test]
    public void The_config_key_takes_only_true_or_false() =>
        CommandLineBadInputTests.AssertOneLineUsageError(
            Cli.Run(TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["CONFORMANCE_HTTP2"] = "yes" }, "--cases", "1.1.1", "--out", Scratch), "http2");

    [Test]
    public void A_run_over_HTTP_2_says_which_cases_it_left_out_and_records_the_HTTP_2_frames()
    {
        var run = Cli.Run("--http2", "--cases", "0.1.1,1.1.1,7.1.1", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.Errors, Does.Contain("1 case(s) of the HTTP/1.1 opening handshake do not apply over HTTP/2").And.Contain("over HTTP/2 (h2c)"));
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(Scratch, "results.json")))!;
        var cases = results["runs"]![0]!["cases"]!.AsArray();
        Assert.That(cases.Select(c => (string)c!["id"]!), Is.EquivalentTo(new[] { "1.1.1", "7.1.1" }));
        Assert.That(cases.Select(c => (string)c!["behaviorClose"]!), Is.All.EqualTo("OK"));
        var first = Convert.FromBase64String((string)cases[0]!["transcript"]!.AsArray().First(e => (string)e!["kind"]! == "Sent")!["data"]!);
        Assert.That(first.AsSpan().StartsWith("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8), "the transcript starts with the HTTP/2 connection preface");
        var page = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Directory.GetFiles(Path.Combine(Scratch, "cases"), "*7_1_1.html").Single()));
        Assert.That(page, Does.Contain("HEADERS · stream 1 · END_HEADERS").And.Contain(":protocol: websocket").And.Contain("DATA · stream 1 · END_STREAM"));
    }

    [Test]
    public void Only_extended_CONNECT_cases_without_HTTP_2_is_one_line_and_exit_2() =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("list", "--cases", "E.*"), "are played over HTTP/2 only: add --http2");

    [Test]
    public void Extended_CONNECT_cases_named_in_an_HTTP_1_1_run_are_left_out_with_a_line()
    {
        var run = Cli.Run("list", "--cases", "E.2.5,1.1.1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.Errors, Does.Contain("1 selected case(s) test extended CONNECT (RFC 8441) and are played over HTTP/2 only (--http2); left out"));
        Assert.That(run.Output, Does.Contain("1.1.1").And.Not.Contain("E.2.5"));
    }

    [Test]
    public void An_extended_CONNECT_case_over_HTTP_2_sends_its_own_header_list_and_is_judged_by_the_refusal()
    {
        var run = Cli.Run("--http2", "--cases", "E.1.1,E.2.5", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(Scratch, "results.json")))!["runs"]![0]!["cases"]!.AsArray();
        Assert.That(cases.Select(c => $"{c!["id"]} {c["behavior"]}"), Is.EquivalentTo(new[] { "E.1.1 OK", "E.2.5 OK" }));
        Assert.That((string)cases.Single(c => (string)c!["id"]! == "E.2.5")!["reason"]!, Does.Contain("GOAWAY PROTOCOL_ERROR"));
        var page = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Directory.GetFiles(Path.Combine(Scratch, "cases"), "*E_2_5.html").Single()));
        Assert.That(page, Does.Contain("connection: Upgrade").And.Contain("GOAWAY"));
    }

    [Test]
    public void The_embedded_server_over_TLS_serves_HTTP_2_by_ALPN_and_cases_can_share_its_connections()
    {
        var run = Cli.Run("--tls", "--http2", "--http2-streams", "16", "--cases", "1.1.*,E.1.1", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.Errors, Does.Contain("against wss://127.0.0.1:").And.Contain("over HTTP/2 (TLS, ALPN h2)"));
        var cases = JsonNode.Parse(File.ReadAllText(Path.Combine(Scratch, "results.json")))!["runs"]![0]!["cases"]!.AsArray();
        Assert.That(cases.Select(c => (string)c!["behavior"]!), Is.All.EqualTo("OK"));
        string FirstKind(string id) => (string)cases.Single(c => (string)c!["id"]! == id)!["transcript"]![0]!["kind"]!;
        Assert.That(FirstKind("1.1.1"), Is.EqualTo("SharedHttp2Stream"), "the light cases are streams of shared connections");
        Assert.That(FirstKind("E.1.1"), Is.EqualTo("Sent"), "a case of RFC 8441 itself opens its own connection");
    }

    [Test]
    public void The_embedded_server_s_TLS_with_a_target_is_one_line_and_exit_2() =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("--tls", "--target", "ws://127.0.0.1:1/", "--out", Scratch), "tls");

    [Test]
    public void Streams_per_connection_out_of_range_is_one_line_and_exit_2() =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("--http2", "--http2-streams", "0", "--out", Scratch), "--http2-streams");
}
