using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Pipeline;

namespace Conformance.Suite;

/// <summary>
/// The run behind the tests: its settings (test run parameters, CONFORMANCE_* variables, a config file named by
/// the "config" parameter), the target (the embedded Kestrel echo server when none is given, over HTTP/2 with
/// "http2", held to what it is known to get over that transport), the results as
/// cases finish (in the journal results.jsonl, which a killed run leaves for report and diff), and at the end the
/// same reports as ./run.sh.
/// </summary>
[SetUpFixture]
public sealed class SuiteRun
{
    private static readonly List<CaseResult> Finished = [];
    private static RunPipeline? _pipeline;
    private static RunOutput? _output;
    private static DateTimeOffset _startedAt;

    /// <summary>Every case of the run goes through it: the kinds kept apart, the parallelism adapted, timer verdicts confirmed alone.</summary>
    public static CaseScheduler Scheduler { get; private set; } = null!;
    public static string? Unreachable { get; private set; }
    /// <summary>Null without an "expect" setting: then the verdicts alone decide.</summary>
    public static ExpectationSet? Expectations { get; private set; }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _startedAt = DateTimeOffset.UtcNow;
        var settings = SuiteSettings.Read();
        if (settings.Targets.Count > 1) throw new SettingsException("target: dotnet test runs against one target");
        Expectations = settings.Expect is { } expect ? ExpectationSet.Read(Path.GetFullPath(expect, SuiteFiles.DefaultOutputBase))
            : settings.Targets.Count == 0 && RunPipeline.ExpectationsOfEmbeddedServer(settings.Http2) is { } known ? ExpectationSet.Read(known) : null;
        if (Expectations?.UnreviewedProblem("the setting acceptUnreviewed=true") is { } unreviewed && !settings.AcceptUnreviewed)
            throw new SettingsException(unreviewed);
        _pipeline = await RunPipeline.StartAsync(settings);
        var target = _pipeline.Targets[0];
        Scheduler = new CaseScheduler(_pipeline.Options(target));
        Unreachable = await _pipeline.ProbeAsync(target, CancellationToken.None);
        _output = new RunOutput(Path.GetFullPath(settings.Out, SuiteFiles.DefaultOutputBase));
        if (Unreachable is null) _output.StartRun(target, _pipeline.AgentFor(target), SuiteSettings.Cases(settings).Count);
        TestContext.Progress.WriteLine(Unreachable is null
            ? $"conformance: testing {target}{(_pipeline.Embedded ? " (embedded Kestrel echo server)" : "")}{(settings.Http2 ? " over HTTP/2" : "")}, {settings.Parallelism} case(s) at a time"
            : $"conformance: cannot test {target}: {Unreachable}");
    }

    public static void Record(CaseResult result)
    {
        lock (Finished)
        {
            Finished.Add(result);
            _output!.Append(_pipeline!.AgentFor(_pipeline.Targets[0]), result);
        }
    }

    [OneTimeTearDown]
    public async Task WriteReportsAsync()
    {
        if (_pipeline is null || _output is null) return;
        List<CaseResult> results;
        lock (Finished) results = Finished.OrderBy(r => r.Id, CaseIdComparer.Instance).ToList();
        var target = _pipeline.Targets[0];
        var run = RunPipeline.Results(target, _pipeline.AgentFor(target), _startedAt, results, results.Count, error: Unreachable);
        using (_output)
        {
            _output.Write([run], RunPipeline.Compare([run], Expectations));
            TestContext.Progress.WriteLine($"conformance: report {_output.ReportPath} ({results.Count} case(s))");
        }
        await Scheduler.DisposeAsync();
        await _pipeline.DisposeAsync();
    }
}
