using System.Reflection;
using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Targets;

namespace Conformance.Pipeline;

/// <summary>
/// The stages of a run against servers, each usable alone and in this order: the targets (the URLs given, or the
/// embedded Kestrel echo server, started here and stopped with the pipeline), the probe, the cases
/// (<see cref="Runner"/>), the results and reports (<see cref="RunOutput"/>), the comparison with expectations.
/// Every entry point runs through it and keeps only its own options and printing.
/// </summary>
public sealed class RunPipeline : IAsyncDisposable
{
    private const string EmbeddedAgent = "kestrel-embedded";

    private readonly KestrelEchoServer? _embedded;

    private RunPipeline(Settings settings, KestrelEchoServer? embedded)
    {
        Settings = settings;
        _embedded = embedded;
        Targets = embedded is null ? settings.Targets : [embedded.Url];
    }

    /// <summary>The version results are written with.</summary>
    public static string ToolVersion { get; } =
        typeof(RunPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>What the embedded server is known to get (copied beside the program), when the file is there.</summary>
    public static string? EmbeddedServerExpectations => ExpectationsOfEmbeddedServer(http2: false);

    /// <summary>What the embedded server is known to get over HTTP/1.1 or over HTTP/2, when the file is there.</summary>
    public static string? ExpectationsOfEmbeddedServer(bool http2) =>
        KestrelEchoServer.ExpectationsFor(http2) is var file && File.Exists(file) ? file : null;

    public Settings Settings { get; }

    /// <summary>The servers to test, in the order given; the embedded server alone when none was given.</summary>
    public IReadOnlyList<Uri> Targets { get; }

    /// <summary>The target is the embedded Kestrel echo server.</summary>
    public bool Embedded => _embedded is not null;

    /// <summary>The target stage: the servers the settings name, or the embedded server started on a free loopback port.</summary>
    public static async Task<RunPipeline> StartAsync(Settings settings) => settings.Targets.Count > 0
        ? new(settings, null)
        : new(settings with { Insecure = settings.Insecure || settings.Tls }, await KestrelEchoServer.StartAsync(tls: settings.Tls, http2: settings.Http2));

    /// <summary>The name a target's results go under: the agent setting, else kestrel-embedded or host_port (numbered when taken).</summary>
    public string AgentFor(Uri target, IReadOnlyCollection<string>? taken = null)
    {
        if (Settings.Agent is { } agent) return agent;
        if (Embedded) return EmbeddedAgent;
        var name = $"{target.Host}_{target.Port}";
        var unique = name;
        for (var n = 2; taken?.Contains(unique) == true; n++) unique = $"{name}-{n}";
        return unique;
    }

    /// <summary>How the cases run against a target: the settings' session, parallelism (unless given) and case timeout.</summary>
    public RunOptions Options(Uri target, int? parallelism = null) => new()
    {
        Session = Settings.SessionFor(target),
        Parallelism = parallelism ?? Settings.Parallelism,
        CaseTimeout = Settings.CaseTimeout,
        Http2StreamsPerConnection = Settings.Http2Streams,
    };

    /// <summary>The probe stage: why the target cannot be tested, or null.</summary>
    public Task<string?> ProbeAsync(Uri target, CancellationToken cancel) => Probe.OpenAsync(Settings.SessionFor(target), cancel);

    /// <summary>
    /// The probe, then the cases (announced to casesStarting), each result handed over as it finishes; a target that
    /// fails the probe gets a run with no cases and the probe's reason as its error.
    /// </summary>
    public async Task<RunResults> RunAsync(Uri target, string agent, IReadOnlyList<CaseDefinition> cases, Action<CaseResult> onResult,
        CancellationToken cancel, Action? casesStarting = null)
    {
        var startedAt = DateTimeOffset.UtcNow;
        if (await ProbeAsync(target, cancel) is { } problem)
            return Results(target, agent, startedAt, [], cases.Count, cancel.IsCancellationRequested, problem);
        casesStarting?.Invoke();
        var outcome = await Runner.RunAsync(cases, Options(target), onResult, cancel);
        return Results(target, agent, startedAt, outcome.Results, cases.Count, outcome.Interrupted);
    }

    /// <summary>The record of one run against one target, finished now.</summary>
    public static RunResults Results(Uri target, string agent, DateTimeOffset startedAt, IReadOnlyList<CaseResult> cases, int selected,
        bool interrupted = false, string? error = null) => new()
    {
        ToolVersion = ToolVersion,
        Target = target.ToString(),
        Agent = agent,
        StartedAt = startedAt,
        FinishedAt = DateTimeOffset.UtcNow,
        Interrupted = interrupted,
        Error = error,
        CasesSelected = selected,
        Cases = cases,
    };

    /// <summary>The comparison stage: each run's cases against the expectations, by agent; null without expectations.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ComparedCase>>? Compare(IReadOnlyList<RunResults> runs, ExpectationSet? expectations) =>
        expectations is null ? null : runs.ToDictionary(r => r.Agent, r => ExpectationComparer.Compare(r.Cases, expectations));

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
