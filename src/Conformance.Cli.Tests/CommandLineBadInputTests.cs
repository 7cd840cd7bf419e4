using System.Text.Json.Nodes;

namespace Conformance.Cli.Tests;

/// <summary>
/// Every bad input ends as one line on standard error and exit code 2: no stack trace, nothing wrong taken silently.
/// The bad inputs are refused before any case runs, so no timer of the suite is at stake and the tests run side by
/// side, each with its own scratch folder; those that run a case, or take the process's standard error, run alone.
/// </summary>
[Parallelizable(ParallelScope.Children)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class CommandLineBadInputTests : WithScratchFolder
{
    /// <summary>Exit code 2 and exactly one line, with no stack frame.</summary>
    internal static void AssertOneLineUsageError(CliRun run, string expected)
    {
        Assert.That(run.Errors, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(run.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1), run.Errors);
        Assert.That(run.Errors.Trim(), Does.StartWith("conformance: ").And.Contain(expected));
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Errors);
    }

    [TestCase("--origin", "http://a\r\nX-Injected: 1", "--origin: the Origin must be one line of text")]
    [TestCase("--origin", "http://a\nb", "--origin: the Origin must be one line of text")]
    [TestCase("--subprotocol", "chat\rX: 1", "--subprotocol: a subprotocol must be one line of text")]
    [TestCase("--header", "X-A: 1\nX-B: 2", "--header: a header must be one line of text")]
    public void A_line_break_in_a_value_of_the_opening_request_is_refused_before_anything_runs(string flag, string value, string expected) =>
        AssertOneLineUsageError(Cli.Run("--cases", "1.1.1", flag, value, "--out", Scratch), expected);

    [TestCase("CONFORMANCE_ORIGIN", "origin (environment CONFORMANCE_ORIGIN): the value must be one line of text")]
    [TestCase("CONFORMANCE_SUBPROTOCOLS", "subprotocols (environment CONFORMANCE_SUBPROTOCOLS): the value must be one line of text")]
    public void A_line_break_in_a_setting_of_the_opening_request_is_refused_naming_where_it_came_from(string variable, string expected) =>
        AssertOneLineUsageError(Cli.Run(TimeSpan.FromMinutes(3), new Dictionary<string, string> { [variable] = "a\r\nb" }, "--cases", "1.1.1", "--out", Scratch), expected);

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("s")]
    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("-1m")]
    [TestCase("1e300")]
    [TestCase("1e300s")]
    [TestCase("1e20h")]
    [TestCase("8d")]
    [TestCase("169h")]
    [TestCase("1e-300")]
    public void A_duration_that_is_not_one_or_too_long_is_bad_usage(string duration) =>
        AssertOneLineUsageError(Cli.Run("fuzz", "--duration", duration, "--out", Scratch), $"--duration: \"{duration}\" is not a duration");

    [Test]
    public void A_duration_of_a_week_is_taken() =>
        Assert.That(TypedOptions.ParseDuration("168h"), Is.EqualTo(TimeSpan.FromDays(7)));

    private static JsonObject ValidCase(string id) => new()
    {
        ["id"] = id, ["title"] = "t", ["category"] = "1", ["categoryTitle"] = "Framing", ["group"] = "1.1", ["groupTitle"] = "Text",
        ["rfc"] = new JsonArray("RFC 6455 5.6"), ["requirement"] = "r", ["expectation"] = "e",
        ["behavior"] = "OK", ["behaviorClose"] = "OK", ["reason"] = "r", ["startedAt"] = "2025-01-01T00:00:00Z", ["durationMs"] = 1,
        ["transcript"] = new JsonArray(),
    };

    private string ResultsFile(string name, Action<JsonObject>? spoil = null)
    {
        var run = new JsonObject
        {
            ["toolVersion"] = "0", ["target"] = "ws://127.0.0.1:9001/", ["agent"] = "a", ["startedAt"] = "2025-01-01T00:00:00Z", ["casesSelected"] = 2,
            ["cases"] = new JsonArray(ValidCase("1.1.1"), ValidCase("1.1.2")),
        };
        spoil?.Invoke(run);
        var document = new JsonObject { ["toolVersion"] = "0", ["generatedAt"] = "2025-01-01T00:00:00Z", ["runs"] = new JsonArray(run) };
        var path = Path.Combine(Scratch, name + ".json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }

    private static JsonObject FirstCase(JsonObject run) => run["cases"]![0]!.AsObject();

    private static readonly Dictionary<string, (Action<JsonObject> Spoil, string Error)> Spoiled = new()
    {
        ["duplicate-id"] = (run => FirstCase(run)["id"] = "1.1.2", "runs[0] (a) holds case 1.1.2 2 times"),
        ["null-case"] = (run => run["cases"]!.AsArray().Add(null), "runs[0].cases[2] is null"),
        ["null-id"] = (run => FirstCase(run)["id"] = null, "runs[0].cases[0].id is null"),
        ["no-behavior"] = (run => FirstCase(run).Remove("behavior"), "runs[0].cases[0] has no \"behavior\""),
        ["null-agent"] = (run => run["agent"] = null, "runs[0].agent is null"),
        ["null-cases"] = (run => run["cases"] = null, "runs[0].cases is null"),
        ["null-transcript-entry"] = (run => FirstCase(run)["transcript"]!.AsArray().Add(null), "runs[0].cases[0].transcript[0] is null"),
        ["null-rfc"] = (run => FirstCase(run)["rfc"]!.AsArray().Add(null), "runs[0].cases[0].rfc[1] is null"),
    };

    private static IEnumerable<string> SpoiledNames => Spoiled.Keys;

    [TestCaseSource(nameof(SpoiledNames))]
    public void Report_and_diff_refuse_a_results_file_they_cannot_use_naming_the_place(string spoiled)
    {
        var (spoil, error) = Spoiled[spoiled];
        var good = ResultsFile("good");
        var bad = ResultsFile(spoiled, spoil);
        AssertOneLineUsageError(Cli.Run("report", bad, "--out", Path.Combine(Scratch, "report")), $"{bad}: ");
        AssertOneLineUsageError(Cli.Run("report", bad, "--out", Path.Combine(Scratch, "report")), error);
        AssertOneLineUsageError(Cli.Run("diff", good, bad), error);
        AssertOneLineUsageError(Cli.Run("diff", bad, good), error);
    }

    [Test]
    public void The_hand_made_results_file_is_one_report_and_diff_take()
    {
        var good = ResultsFile("good");
        Assert.That(Cli.Run("report", good, "--out", Path.Combine(Scratch, "report")).ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("diff", good, good).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public void Report_compares_two_runs_and_refuses_to_compare_another_number_or_to_read_a_bad_requirements_or_expectations_file()
    {
        var good = ResultsFile("good");
        var report = Path.Combine(Scratch, "report");
        Assert.That(Cli.Run("report", good, good, "--compare", "--out", report).ExitCode, Is.EqualTo(0));
        Assert.That(File.Exists(Path.Combine(report, "compare.html")) && File.Exists(Path.Combine(report, "requirements.html")), "compare.html and requirements.html");
        AssertOneLineUsageError(Cli.Run("report", good, "--compare", "--out", report), "--compare: needs two runs");
        var missing = Path.Combine(Scratch, "no-requirements.json");
        AssertOneLineUsageError(Cli.Run("report", good, "--requirements", missing, "--out", report), $"{missing}: cannot be read");
        AssertOneLineUsageError(Cli.Run("report", good, good, "--expect", missing, "--expect", missing, "--expect", missing, "--out", report), "--expect: given 3 times for 2 results file(s)");
    }

    [Test]
    public void An_output_folder_under_a_file_is_bad_usage_before_anything_runs()
    {
        var file = Path.Combine(Scratch, "a-file");
        File.WriteAllText(file, "");
        var under = Path.Combine(file, "reports");
        AssertOneLineUsageError(Cli.Run("--cases", "1.1.1", "--out", under), $"out: cannot write into \"{under}\": {file} is a file, not a folder");
        AssertOneLineUsageError(Cli.Run("report", ResultsFile("good"), "--out", under), $"--out: cannot write into \"{under}\"");
        AssertOneLineUsageError(Cli.Run("bench", "--cases", "1.1.1", "--out", under), "out: cannot write into");
        AssertOneLineUsageError(Cli.Run("fuzz", "--count", "1", "--out", under), "out: cannot write into");
        AssertOneLineUsageError(Cli.Run("fuzz", "--count", "1", "--out", Scratch, "--corpus", under), "--corpus: cannot write into");
        AssertOneLineUsageError(Cli.Run("baseline", "--cases", "1.1.1", "--out", Scratch), "is a folder; give the expectations file to write");
    }

    [Test]
    public void An_output_folder_the_system_will_not_create_is_bad_usage()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("needs Linux: /proc");
        AssertOneLineUsageError(Cli.Run("--cases", "1.1.1", "--out", "/proc/conformance-reports"), "out: cannot write into \"/proc/conformance-reports\"");
    }

    [Test]
    public void A_case_file_that_cannot_be_read_is_bad_usage_naming_it()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("needs Linux: /proc/self/mem cannot be read from its start");
        AssertOneLineUsageError(Cli.Run("list", "--suites", "/proc/self/mem"), "/proc/self/mem: cannot be read");
    }

    [Test]
    [NonParallelizable]
    public async Task Anything_unforeseen_is_one_line_with_its_type_and_exit_code_5()
    {
        var errors = new StringWriter();
        var before = Console.Error;
        Console.SetError(errors);
        try
        {
            var code = await ConformanceCommand.GuardedAsync(() => throw new InvalidOperationException("the bug\r\n  in two lines"));
            Assert.That(code, Is.EqualTo(5));
            Assert.That(await ConformanceCommand.GuardedAsync(() => Task.FromException<int>(new AggregateException(new IOException("disk full")))), Is.EqualTo(5));
        }
        finally
        {
            Console.SetError(before);
        }
        Assert.That(errors.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n'), Is.EqualTo(new[]
        {
            "conformance: the bug in two lines (InvalidOperationException)",
            "conformance: disk full (IOException)",
        }));
    }

    /// <summary>The install scripts' variables (README) share the settings' prefix; Cli.StartInfo strips every CONFORMANCE_* variable, so they are set here.</summary>
    [Test]
    [NonParallelizable]
    public void The_tools_and_targets_install_folders_in_the_environment_are_not_taken_for_settings()
    {
        var environment = new Dictionary<string, string>
        {
            ["CONFORMANCE_TOOLS_DIR"] = Path.Combine(Scratch, "tools"),
            ["CONFORMANCE_TARGETS_DIR"] = Path.Combine(Scratch, "targets"),
        };
        var list = Cli.Run(TimeSpan.FromMinutes(3), environment, "list", "--cases", "1.1.1");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Errors);
        Assert.That(list.Output, Does.Contain("1 case(s)"));
        var run = Cli.Run(TimeSpan.FromMinutes(3), environment, "--cases", "1.1.1", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        var fuzz = Cli.Run(TimeSpan.FromMinutes(3), environment, "fuzz", "--count", "1", "--out", Scratch, "--corpus", Path.Combine(Scratch, "corpus"));
        Assert.That(fuzz.ExitCode, Is.AnyOf(0, 1), fuzz.Errors);
        Assert.That(fuzz.Errors, Does.Not.Contain("unknown setting"));
    }

    [Test]
    public void Agents_whose_names_the_file_names_would_merge_keep_a_page_each_inside_the_report()
    {
        string[] agents = ["a/b", "a_b", "A_B", "..", "../../outside"];
        var files = agents.Select((agent, i) => ResultsFile($"agent{i}", run => run["agent"] = agent)).ToArray();
        var report = Path.Combine(Scratch, "report");
        var run = Cli.Run(["report", .. files, "--out", report]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);

        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "index.json")));
        var pages = agents.Select(a => index.RootElement.GetProperty(a).GetProperty("1.1.1").GetProperty("reportfile").GetString()!).ToList();
        Assert.That(pages.Select(p => p.ToLowerInvariant()), Is.Unique, string.Join(", ", pages));
        foreach (var (agent, page) in agents.Zip(pages))
        {
            Assert.That(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(report, page))), Is.EqualTo(Path.Combine(report, "cases")), page);
            var html = File.ReadAllText(Path.Combine(report, page));
            Assert.That(html, Does.Contain(System.Net.WebUtility.HtmlEncode(agent)), $"{page} is {agent}'s page");
        }
        Assert.That(Directory.GetFiles(Path.Combine(report, "cases")).Select(Path.GetExtension).Distinct(), Is.EqualTo(new[] { ".html" }),
            "the cases' records are in results.json alone");
        Assert.That(Directory.GetFiles(Scratch, "*.html"), Is.Empty, "nothing above the report's folder");
        Assert.That(Directory.GetFiles(report, "*_case_*", SearchOption.TopDirectoryOnly), Is.Empty, "no case page outside cases/");
    }
}
