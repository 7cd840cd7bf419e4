using System.Reflection;
using System.Runtime.InteropServices;
using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Targets;

namespace Conformance.Cli;

/// <summary>The main job: settings, catalogue, target, run, results, summary, exit code.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, bool listOnly)
    {
        Settings settings;
        IReadOnlyList<CaseDefinition> cases;
        try
        {
            settings = SettingsReader.Read(configFile ?? "conformance.json", configFile is not null, commandLine);
            cases = Catalogue.Load(settings.Suites).Select(settings.Cases, settings.Exclude);
        }
        catch (Exception e) when (e is SettingsException or CaseFileException)
        {
            return Fail(e.Message, ExitCodes.Usage);
        }
        if (cases.Count == 0)
            return Fail($"no case matches the selection (cases: {Show(settings.Cases)}; exclude: {Show(settings.Exclude)})", ExitCodes.Usage);
        if (listOnly)
        {
            foreach (var c in cases) Console.WriteLine($"{c.Id,-10} {c.Title}");
            Console.WriteLine($"{cases.Count} case(s)");
            return ExitCodes.Completed;
        }
        if (settings.Targets.Count > 1)
            return Fail("target: give one target per run", ExitCodes.Usage);

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            if (stop.IsCancellationRequested) return;
            Console.Error.WriteLine("\nconformance: interrupted; writing the results so far");
            stop.Cancel();
        }
        if (settings.RunTimeout is { } runTimeout) stop.CancelAfter(runTimeout);

        await using var embedded = settings.Targets.Count == 0 ? await KestrelEchoServer.StartAsync() : null;
        var target = embedded?.Url ?? settings.Targets[0];
        var agent = settings.Agent ?? (embedded is null ? $"{target.Host}_{target.Port}" : "kestrel-embedded");
        var session = new SessionOptions
        {
            Target = target,
            AcceptUntrustedCertificate = settings.Insecure,
            Headers = settings.Headers,
            Subprotocols = settings.Subprotocols,
            Origin = settings.Origin,
        };
        Console.Error.WriteLine($"conformance: {cases.Count} case(s) against {target}{(embedded is null ? "" : " (embedded Kestrel echo server)")}, {settings.Parallelism} at a time");

        Directory.CreateDirectory(settings.Out);
        using var writer = new ResultsWriter(settings.Out);
        var startedAt = DateTimeOffset.UtcNow;
        RunResults Results(IReadOnlyList<CaseResult> results, bool interrupted, string? error) => new()
        {
            ToolVersion = Version,
            Target = target.ToString(),
            Agent = agent,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            Interrupted = interrupted,
            Error = error,
            CasesSelected = cases.Count,
            Cases = results,
        };

        var unreachable = await Runner.ProbeAsync(session, stop.Token);
        if (unreachable is not null)
        {
            writer.WriteAll(Results([], false, unreachable));
            return Fail($"cannot test {target}: {unreachable}", ExitCodes.Unreachable);
        }

        var progress = new ConsoleProgress(cases.Count);
        var outcome = await Runner.RunAsync(cases, new RunOptions
        {
            Session = session,
            Parallelism = settings.Parallelism,
            CaseTimeout = settings.CaseTimeout,
        }, result =>
        {
            writer.Append(result);
            progress.Finished(result);
        }, stop.Token);
        progress.Done();

        writer.WriteAll(Results(outcome.Results, outcome.Interrupted, null));
        Console.Write(Summary.Render(outcome.Results, cases.Count));
        Console.WriteLine($"results: {Path.GetFullPath(writer.ResultsPath)} (and index.json, cases/ beside it)");
        if (outcome.Interrupted)
        {
            Console.Error.WriteLine($"conformance: the run stopped after {outcome.Results.Count} of {cases.Count} case(s)");
            return ExitCodes.Interrupted;
        }
        var failing = outcome.Results.Count(r => settings.FailOn.Contains(r.Behavior) || settings.FailOn.Contains(r.BehaviorClose));
        return failing > 0 ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    private static string Version =>
        typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static string Show(IReadOnlyList<string> patterns) => patterns.Count == 0 ? "all" : string.Join(",", patterns);

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"conformance: {message}");
        return code;
    }
}
