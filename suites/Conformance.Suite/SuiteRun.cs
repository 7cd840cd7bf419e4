using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Pipeline;

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
    private static RunPipeline? _pipeline;
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
            : Settings.Targets.Count == 0 && RunPipeline.EmbeddedServerExpectations is { } known ? ExpectationSet.Read(known) : null;
        _pipeline = await RunPipeline.StartAsync(Settings);
        var target = _pipeline.Targets[0];
        Agent = _pipeline.AgentFor(target);
        Options = _pipeline.Options(target);
        Scheduler = new CaseScheduler(Options);
        Unreachable = await _pipeline.ProbeAsync(target, CancellationToken.None);
        TestContext.Progress.WriteLine(Unreachable is null
            ? $"conformance: testing {target}{(_pipeline.Embedded ? " (embedded Kestrel echo server)" : "")}, {Settings.Parallelism} case(s) at a time"
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
        var run = RunPipeline.Results(Options.Session.Target, Agent, _startedAt, results, results.Count, error: Unreachable);
        using (var output = new RunOutput(Path.GetFullPath(Settings.Out, SuiteFiles.DefaultOutputBase)))
        {
            output.Write([run], RunPipeline.Compare([run], Expectations));
            TestContext.Progress.WriteLine($"conformance: report {output.ReportPath} ({results.Count} case(s))");
        }
        if (_pipeline is not null) await _pipeline.DisposeAsync();
    }
}
