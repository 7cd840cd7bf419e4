using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Conformance.Cli.Tests;

public class CommandLineTests : WithScratchFolder
{
    [Test]
    public void Help_explains_the_flags_and_exit_codes()
    {
        var run = Cli.Run("--help");
        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Output, Does.Contain("--target").And.Contain("--cases").And.Contain("Exit codes"));
    }

    [Test]
    public void Bench_times_the_selection_and_writes_its_figures()
    {
        var run = Cli.Run("bench", "--cases", "1.1.*,9.7.1", "--rounds", "1", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.Output, Does.Contain("all 9 case(s)").And.Contain("loopback TCP").And.Contain("9 Limits/Performance"));
        using var bench = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "bench.json")));
        Assert.That(bench.RootElement.GetProperty("cases").GetInt32(), Is.EqualTo(9));
        Assert.That(bench.RootElement.GetProperty("loopbackMegabytesPerSecond").GetDouble(), Is.GreaterThan(0));
        Assert.That(bench.RootElement.GetProperty("categories").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void Bench_rejects_a_bad_round_count()
    {
        var run = Cli.Run("bench", "--rounds", "0", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo("conformance: --rounds: 0 is not a whole number from 1 to 100"));
    }

    [Test]
    public void An_unknown_flag_is_bad_usage()
    {
        var run = Cli.Run("--bogus");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors, Does.Contain("--bogus"));
    }

    [Test]
    public void A_URL_that_is_not_a_WebSocket_URL_is_one_clear_line()
    {
        var run = Cli.Run("--target", "http://127.0.0.1:1/", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo("conformance: target (command line): \"http://127.0.0.1:1/\" is not a ws:// or wss:// URL (for example ws://127.0.0.1:9001/)"));
    }

    [Test]
    public void A_bad_value_names_the_flag_or_the_setting_and_where_it_came_from()
    {
        var flag = Cli.Run("--parallel", "lots", "--out", Scratch);
        Assert.That(flag.ExitCode, Is.EqualTo(2));
        Assert.That(flag.Errors.Trim(), Is.EqualTo("conformance: --parallel: \"lots\" is not a whole number from 1 to 1024"));

        var variable = Cli.Run(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["CONFORMANCE_PARALLELISM"] = "lots" }, "--out", Scratch);
        Assert.That(variable.ExitCode, Is.EqualTo(2));
        Assert.That(variable.Errors, Does.StartWith("conformance: parallelism (environment CONFORMANCE_PARALLELISM): \"lots\""));
        Assert.That(variable.Errors, Does.Not.Contain("   at "));
    }

    [TestCase("--stored-octets", "16k", "conformance: --stored-octets: \"16k\" is not a whole number of octets from 1024 to 2147483647")]
    [TestCase("--stored-octets", "0", "conformance: --stored-octets: \"0\" is not a whole number of octets from 1024 to 2147483647")]
    public void A_bad_number_of_stored_octets_is_one_line_and_exit_2(string flag, string value, string expected)
    {
        var run = Cli.Run(flag, value, "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo(expected));

        var variable = Cli.Run(TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["CONFORMANCE_STOREDOCTETS"] = value }, "--out", Scratch);
        Assert.That(variable.ExitCode, Is.EqualTo(2));
        Assert.That(variable.Errors.Trim(), Does.StartWith($"conformance: storedOctets (environment CONFORMANCE_STOREDOCTETS): \"{value}\" is not a whole number"));
        Assert.That(variable.Errors.Trim(), Does.Not.Contain("\n"));
    }

    [Test]
    public void Flags_override_variables_which_override_the_settings_file_and_defaults_override_nothing()
    {
        var config = Path.Combine(Scratch, "conformance.json");
        File.WriteAllText(config, """{ "parallelism": 3, "caseTimeout": 20 }""");
        string[] run = ["--config", config, "--cases", "1.1.1", "--out", Scratch];
        var variable = new Dictionary<string, string> { ["CONFORMANCE_PARALLELISM"] = "5" };

        Assert.That(Cli.Run(run).Errors, Does.Contain(", 3 at a time"), "the file");
        Assert.That(Cli.Run(TimeSpan.FromMinutes(1), variable, run).Errors, Does.Contain(", 5 at a time"), "the variable over the file");
        Assert.That(Cli.Run(TimeSpan.FromMinutes(1), variable, [.. run, "-j", "7"]).Errors, Does.Contain(", 7 at a time"), "the flag over both");
    }

    [Test]
    public void Help_shows_the_value_of_each_option_and_its_default()
    {
        var run = Cli.Run("--help");
        Assert.That(run.Output, Does.Match(@"-j, --parallel <N>\s+Cases run at once.*\[default: 16\]"));
        Assert.That(run.Output, Does.Match(@"--timeout <seconds>\s+.*\[default: 30\]"));
        Assert.That(run.Output, Does.Match(@"--stored-octets <N>\s+Octets of each direction"));
        Assert.That(run.Output, Does.Match(@"(?s)--stored-octets.*?\[default: 16384\]"));
        var fuzz = Cli.Run("fuzz", "--help");
        Assert.That(fuzz.Output, Does.Match(@"--engine <afl\|property>\s+.*\[default: property\]"));
        Assert.That(fuzz.Output, Does.Contain("--duration <90s|10m|2h>").And.Contain("--seed <number>"));
    }

    [Test]
    public void A_run_cut_short_by_its_time_limit_writes_what_ran_and_exits_4()
    {
        var suites = SlowCases(3);
        var run = Cli.Run("--suites", suites, "--out", Scratch, "--parallel", "1", "--run-timeout", "2");
        Assert.That(run.ExitCode, Is.EqualTo(4), run.Errors);
        Assert.That(run.Errors, Does.Contain("the run stopped after"));
        AssertInterruptedResultsWritten();
    }

    [Test]
    public async Task SIGTERM_stops_the_run_which_writes_its_results_and_exits_4()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("needs a POSIX signal; on Windows Ctrl+C reaches a console process only from its own console");
        var suites = SlowCases(3);
        using var process = Process.Start(Cli.StartInfo(new Dictionary<string, string>(), "--suites", suites, "--out", Scratch, "--parallel", "1"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = new StringBuilder();
        var started = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors) errors.AppendLine(e.Data);
            if (e.Data?.Contains("case(s) against") == true) started.TrySetResult();
        };
        process.BeginErrorReadLine();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        Assert.That(Posix.kill(process.Id, Posix.SIGTERM), Is.EqualTo(0));
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "the run ends soon after the signal");
        process.WaitForExit();
        await output;
        Assert.That(process.ExitCode, Is.EqualTo(4), errors.ToString());
        Assert.That(errors.ToString(), Does.Contain("interrupted; writing the results so far"));
        AssertInterruptedResultsWritten();
    }

    private void AssertInterruptedResultsWritten()
    {
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "results.json")));
        Assert.That(results.RootElement.GetProperty("runs")[0].GetProperty("interrupted").GetBoolean(), Is.True);
        Assert.That(File.Exists(Path.Combine(Scratch, "index.html")));
        Assert.That(File.Exists(Path.Combine(Scratch, "results.jsonl")), Is.False, "results.json replaced the journal");
    }

    [Test]
    public async Task A_killed_run_leaves_its_journal_which_report_and_diff_read()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("needs a POSIX signal");
        var suites = SlowCases(3, fastFirst: true);
        using var process = Process.Start(Cli.StartInfo(new Dictionary<string, string>(), "--suites", suites, "--out", Scratch, "--parallel", "1"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var oneFinished = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("[   1/3]") == true) oneFinished.TrySetResult();
        };
        process.BeginErrorReadLine();
        await oneFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(Posix.kill(process.Id, Posix.SIGKILL), Is.EqualTo(0));
        process.WaitForExit();
        await output;

        var journal = Path.Combine(Scratch, "results.jsonl");
        Assert.That(File.Exists(Path.Combine(Scratch, "results.json")), Is.False);
        var report = Cli.Run("report", journal, "--out", Path.Combine(Scratch, "again"));
        Assert.That(report.ExitCode, Is.EqualTo(0), report.Errors);
        Assert.That(report.Output, Does.Contain("1 target(s), 1 case result(s)"));
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "again", "results.json"))))
        {
            var run = results.RootElement.GetProperty("runs")[0];
            Assert.That(run.GetProperty("interrupted").GetBoolean(), Is.True);
            Assert.That(run.GetProperty("casesSelected").GetInt32(), Is.EqualTo(3));
            Assert.That(run.GetProperty("cases")[0].GetProperty("id").GetString(), Is.EqualTo("2.1"));
        }
        Assert.That(File.Exists(Path.Combine(Scratch, "again", "cases", "kestrel-embedded_case_2_1.html")));
        var diff = Cli.Run("diff", journal, journal);
        Assert.That(diff.ExitCode, Is.EqualTo(1), "the new run was interrupted");
        Assert.That(diff.Output, Does.Contain("0 regressions"));
    }

    /// <summary>Cases that each wait 20 s for a pong that never comes (the first only 100 ms when fastFirst).</summary>
    private string SlowCases(int count, bool fastFirst = false)
    {
        var suites = Directory.CreateDirectory(Path.Combine(Scratch, "slow-suites")).FullName;
        var cases = Enumerable.Range(1, count).Select(i => $$"""
            { "id": "2.{{i}}", "title": "waits for a pong that will not come", "rfc": [], "requirement": "r", "expectation": "e",
              "steps": [], "expect": { "OK": [ { "pong": "never" } ] }, "end": { "after": {{(fastFirst && i == 1 ? 100 : 20000)}}, "action": "close" } }
            """);
        File.WriteAllText(Path.Combine(suites, "slow.json"), $$"""{ "category": "2", "title": "t", "cases": [ {{string.Join(",", cases)}} ] }""");
        return suites;
    }

    [Test]
    public void A_target_that_refuses_connections_exits_3_with_a_clear_message()
    {
        var run = Cli.Run("--target", $"ws://127.0.0.1:{ClosedPort()}/", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(3));
        Assert.That(run.Errors, Does.Contain("connection refused"));
        Assert.That(run.Errors, Does.Not.Contain("   at "));
        Assert.That(File.Exists(Path.Combine(Scratch, "results.json")), "the results file records the failure");
    }

    [Test]
    public void A_server_that_accepts_TCP_and_never_answers_exits_3_within_seconds()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var run = Cli.Run(TimeSpan.FromSeconds(60), "--target", $"ws://127.0.0.1:{port}/", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(3));
        Assert.That(run.Errors, Does.Contain("no answer to the opening handshake"));
        Assert.That(run.Took, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void A_malformed_case_file_names_the_file_and_the_field()
    {
        var suites = Directory.CreateDirectory(Path.Combine(Scratch, "suites")).FullName;
        File.WriteAllText(Path.Combine(suites, "bad.json"), """{ "category": "2", "title": "t", "cases": [ { "id": "2.1", "title": 5 } ] }""");
        var run = Cli.Run("--suites", suites, "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Does.Contain("bad.json: cases[0] (case 2.1).title: expected a string, found the number 5"));
    }

    [Test]
    public void A_selection_that_matches_nothing_is_bad_usage()
    {
        var run = Cli.Run("--cases", "99.*", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors, Does.Contain("no case matches"));
    }

    [Test]
    public void List_shows_the_selected_cases()
    {
        var run = Cli.Run("list", "--cases", "2.*", "--exclude", "2.10,2.11");
        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Output, Does.Contain("2.9 ").And.Contain("9 case(s)"));
        Assert.That(run.Output, Does.Not.Contain("2.10"));
    }

    [Test]
    public void A_run_against_the_embedded_server_writes_results_and_an_Autobahn_index()
    {
        var run = Cli.Run("--cases", "1.*,2.*", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        Assert.That(run.Output, Does.Contain("1 Framing").And.Contain("2 Pings/Pongs"));

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "results.json")));
        var runs = results.RootElement.GetProperty("runs");
        Assert.That(runs.GetArrayLength(), Is.EqualTo(1));
        var cases = runs[0].GetProperty("cases");
        Assert.That(cases.GetArrayLength(), Is.EqualTo(27));
        Assert.That(cases[0].GetProperty("transcript").GetArrayLength(), Is.GreaterThan(2));

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "index.json")));
        var agent = index.RootElement.GetProperty("kestrel-embedded");
        var first = agent.GetProperty("1.1.1");
        Assert.That(first.GetProperty("behavior").GetString(), Is.EqualTo("OK"));
        Assert.That(first.GetProperty("behaviorClose").GetString(), Is.EqualTo("OK"));
        Assert.That(first.GetProperty("remoteCloseCode").GetInt32(), Is.EqualTo(1000));
        Assert.That(first.GetProperty("reportfile").GetString(), Is.EqualTo("cases/kestrel-embedded_case_1_1_1.html"));
        foreach (var entry in agent.EnumerateObject())
        {
            Assert.That(entry.Value.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "behavior", "behaviorClose", "duration", "remoteCloseCode", "reportfile" }), "Autobahn's shape");
            Assert.That(entry.Value.GetProperty("duration").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(entry.Value.GetProperty("remoteCloseCode").ValueKind, Is.AnyOf(JsonValueKind.Number, JsonValueKind.Null));
        }
        Assert.That(File.Exists(Path.Combine(Scratch, first.GetProperty("reportfile").GetString()!)));
        Assert.That(File.Exists(Path.Combine(Scratch, "index.html")));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "junit.xml")), Does.Contain("<testcase classname=\"conformance.kestrel-embedded.1\" name=\"1.1.1 "));
        Assert.That(Directory.EnumerateFiles(Scratch, "*.json*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "results.json", "index.json" }), "one copy of each transcript: no journal left, no case files beside results.json");
    }

    [Test]
    public void Two_targets_make_one_report_with_a_column_each_and_report_re_renders_it()
    {
        var run = Cli.Run("--cases", "2.*", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        var second = Path.Combine(Scratch, "second");
        Assert.That(Cli.Run("--cases", "1.1.*", "--out", second).ExitCode, Is.EqualTo(0));

        var merged = Path.Combine(Scratch, "merged");
        var report = Cli.Run("report", Path.Combine(Scratch, "results.json"), Path.Combine(second, "results.json"), "--out", merged);
        Assert.That(report.ExitCode, Is.EqualTo(0), report.Errors);
        Assert.That(report.Output, Does.Contain("2 target(s), 19 case result(s)"));
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(merged, "index.json")));
        Assert.That(index.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "kestrel-embedded", "kestrel-embedded-2" }));
        var html = File.ReadAllText(Path.Combine(merged, "index.html"));
        Assert.That(html, Does.Contain("<th>kestrel-embedded</th><th>kestrel-embedded-2</th>"));
        Assert.That(html, Does.Contain("cases/kestrel-embedded-2_case_1_1_1.html"));
        Assert.That(File.Exists(Path.Combine(merged, "cases", "kestrel-embedded-2_case_1_1_1.html")));
    }

    [Test]
    public void Report_names_a_file_that_is_not_results()
    {
        var bogus = Path.Combine(Scratch, "bogus.json");
        File.WriteAllText(bogus, "[1, 2]");
        var run = Cli.Run("report", bogus, "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors, Does.StartWith($"conformance: {bogus}: not a results file"));
    }

    [Test]
    public void Fail_on_turns_verdicts_into_exit_code_1()
    {
        var suites = Directory.CreateDirectory(Path.Combine(Scratch, "suites")).FullName;
        File.WriteAllText(Path.Combine(suites, "wrong.json"), """
            { "category": "2", "title": "t", "cases": [ { "id": "2.1", "title": "expects a pong that will not come", "rfc": [],
              "requirement": "r", "expectation": "e", "steps": [], "expect": { "OK": [ { "pong": "never" } ] },
              "end": { "after": 100, "action": "close" } } ] }
            """);
        Assert.That(Cli.Run("--suites", suites, "--out", Scratch).ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("--suites", suites, "--out", Scratch, "--fail-on", "FAILED").ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void Expectations_turn_known_failures_into_passes_and_report_regressions_and_unexpected_passes()
    {
        var suites = Directory.CreateDirectory(Path.Combine(Scratch, "suites")).FullName;
        File.WriteAllText(Path.Combine(suites, "wrong.json"), """
            { "category": "2", "title": "t", "cases": [ { "id": "2.1", "title": "expects a pong that will not come", "rfc": [],
              "requirement": "r", "expectation": "e", "steps": [], "expect": { "OK": [ { "pong": "never" } ] },
              "end": { "after": 100, "action": "close" } } ] }
            """);
        var expectations = Path.Combine(Scratch, "expect.json");
        var baseline = Cli.Run("baseline", "--suites", suites, "--out", expectations);
        Assert.That(baseline.ExitCode, Is.EqualTo(0), baseline.Errors);
        Assert.That(baseline.Output, Does.Contain("1 known issue(s) from 1 case(s)"));

        File.WriteAllText(expectations, File.ReadAllText(expectations).Replace(Conformance.Engine.Expectations.Baseline.ReasonPlaceholder, "the case expects a pong it never asks for"));
        var known = Cli.Run("--suites", suites, "--expect", expectations, "--out", Scratch, "--fail-on", "FAILED");
        Assert.That(known.ExitCode, Is.EqualTo(0), "an expected failure is no regression, --fail-on or not");
        Assert.That(known.Output, Does.Contain("0 regressions").And.Contain("1 case(s) not OK, as expected"));

        File.WriteAllText(expectations, """{ "knownIssues": [ { "cases": ["2.1"], "behavior": "NON-STRICT", "reason": "r" } ] }""");
        var regression = Cli.Run("--suites", suites, "--expect", expectations, "--out", Scratch);
        Assert.That(regression.ExitCode, Is.EqualTo(1));
        Assert.That(regression.Output, Does.Contain("1 regressions").And.Contain("2.1      FAILED/OK, expected NON-STRICT/OK"));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "summary.md")), Does.Contain("**Regressions (worse than expected): 1**"));

        File.WriteAllText(expectations, """{ "knownIssues": [ { "cases": ["1.1.1"], "behavior": "FAILED", "reason": "once broken" } ] }""");
        var better = Cli.Run("--cases", "1.1.1,1.1.2", "--expect", expectations, "--out", Scratch);
        Assert.That(better.ExitCode, Is.EqualTo(0));
        Assert.That(better.Output, Does.Contain("1 unexpected passes").And.Contain("1.1.1    OK/OK, expected FAILED/OK"));
    }

    [Test]
    public void A_malformed_expectations_file_is_bad_usage_naming_the_field()
    {
        var expectations = Path.Combine(Scratch, "expect.json");
        File.WriteAllText(expectations, """{ "decisions": [ { "cases": ["1.*"], "behavior": "GREAT", "reason": "r" } ] }""");
        var run = Cli.Run("--cases", "1.1.1", "--expect", expectations, "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Does.StartWith($"conformance: {expectations}: decisions[0].behavior: \"GREAT\" is not a verdict"));
    }

    [TestCase(null, "the expectations file does not exist")]
    [TestCase("{ \"decisions\": [", "not valid JSON")]
    public void A_missing_or_broken_expectations_file_is_one_line_of_bad_usage(string? content, string expected)
    {
        var expectations = Path.Combine(Scratch, "expect.json");
        if (content is not null) File.WriteAllText(expectations, content);
        var run = Cli.Run("--cases", "1.1.1", "--expect", expectations, "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Does.StartWith($"conformance: {expectations}: {expected}").And.Not.Contain("\n"));
    }

    [Test]
    public void Diff_compares_two_results_files()
    {
        Assert.That(Cli.Run("--cases", "2.*", "--out", Scratch).ExitCode, Is.EqualTo(0));
        var results = Path.Combine(Scratch, "results.json");
        var same = Cli.Run("diff", results, results);
        Assert.That(same.ExitCode, Is.EqualTo(0), same.Errors);
        Assert.That(same.Output, Does.Contain("0 regressions").And.Contain("0 fixes").And.Contain("0 changed close codes"));
        var missing = Cli.Run("diff", results, Path.Combine(Scratch, "nothing.json"));
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Errors, Does.Contain("nothing.json: no such file"));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
