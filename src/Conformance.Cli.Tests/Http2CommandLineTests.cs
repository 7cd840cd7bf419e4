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
}
