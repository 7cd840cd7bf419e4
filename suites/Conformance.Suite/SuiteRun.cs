using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Reports;
using Conformance.Targets;

namespace Conformance.Suite;

/// <summary>
/// The run behind the tests: its settings (test run parameters, CONFORMANCE_* variables, a config file named by
/// the "config" parameter), the target (the embedded Kestrel echo server when none is given), the results as
/// cases finish, and at the end the same reports as ./run.sh.
/// </summary>
[SetUpFixture]
public sealed class SuiteRun
{
    private static readonly List<CaseResult> Finished = [];
    private static KestrelEchoServer? _embedded;
    private static DateTimeOffset _startedAt;

    public static Settings Settings { get; private set; } = new();
    public static RunOptions Options { get; private set; } = null!;
    /// <summary>Every case of the run goes through it: the kinds kept apart, the parallelism adapted, timer verdicts confirmed alone.</summary>
    public static CaseScheduler Scheduler { get; private set; } = null!;
    public static string Agent { get; private set; } = "";
    public static string? Unreachable { get; private set; }
    /// <summary>Null without an "expect" setting: then the verdicts alone decide.</summary>
    public static ExpectationSet? Expectations { get; private set; }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _startedAt = DateTimeOffset.UtcNow;
        var parameters = TestContext.Parameters.Names
            .Where(name => name != "config")
            .ToDictionary(name => name, name => TestContext.Parameters[name], StringComparer.OrdinalIgnoreCase);
        var config = TestContext.Parameters["config"];
        Settings = SettingsReader.Read(config ?? "conformance.json", config is not null, parameters);
        if (Settings.Targets.Count > 1) throw new SettingsException("target: dotnet test runs against one target");
        Expectations = Settings.Expect is { } expect ? ExpectationSet.Read(Path.GetFullPath(expect, SuiteFiles.DefaultOutputBase))
            : Settings.Targets.Count == 0 ? SuiteFiles.EmbeddedServerExpectations() : null;
        _embedded = Settings.Targets.Count == 0 ? await KestrelEchoServer.StartAsync() : null;
        var target = _embedded?.Url ?? Settings.Targets[0];
        Agent = Settings.Agent ?? (_embedded is null ? $"{target.Host}_{target.Port}" : "kestrel-embedded");
        Options = new RunOptions { Session = Settings.SessionFor(target), Parallelism = Settings.Parallelism, CaseTimeout = Settings.CaseTimeout };
        Scheduler = new CaseScheduler(Options);
        Unreachable = await Probe.OpenAsync(Options.Session, CancellationToken.None);
        TestContext.Progress.WriteLine(Unreachable is null
            ? $"conformance: testing {target}{(_embedded is null ? "" : " (embedded Kestrel echo server)")}, {Settings.Parallelism} case(s) at a time"
            : $"conformance: cannot test {target}: {Unreachable}");
    }

    public static void Record(CaseResult result)
    {
        lock (Finished) Finished.Add(result);
    }

    [OneTimeTearDown]
    public async Task WriteReportsAsync()
    {
        List<CaseResult> results;
        lock (Finished) results = Finished.OrderBy(r => r.Id, CaseIdComparer.Instance).ToList();
        var output = Path.GetFullPath(Settings.Out, SuiteFiles.DefaultOutputBase);
        Directory.CreateDirectory(output);
        var document = new ResultsDocument
        {
            ToolVersion = typeof(SuiteRun).Assembly.GetName().Version?.ToString(3) ?? "",
            GeneratedAt = DateTimeOffset.UtcNow,
            Runs =
            [
                new RunResults
                {
                    ToolVersion = typeof(SuiteRun).Assembly.GetName().Version?.ToString(3) ?? "",
                    Target = Options.Session.Target.ToString(), Agent = Agent, StartedAt = _startedAt, FinishedAt = DateTimeOffset.UtcNow,
                    Error = Unreachable, CasesSelected = results.Count, Cases = results,
                },
            ],
        };
        using (var writer = new ResultsWriter(output)) writer.WriteAll(document);
        var compared = Expectations is null ? null
            : new Dictionary<string, IReadOnlyList<ComparedCase>> { [Agent] = ExpectationComparer.Compare(results, Expectations) };
        ReportWriter.Write(output, document, compared);
        TestContext.Progress.WriteLine($"conformance: report {ReportWriter.IndexPath(output)} ({results.Count} case(s))");
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
