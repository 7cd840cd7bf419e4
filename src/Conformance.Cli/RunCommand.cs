using System.CommandLine;
using System.Reflection;
using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Reports;
using Conformance.Targets;

namespace Conformance.Cli;

/// <summary>The main job: settings, catalogue, target, run, results, summary, exit code.</summary>
internal static class RunCommand
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(
            "Conformance: replays scripted WebSocket conversations against a server and scores each against RFC 6455.\n" +
            "With no --target, the embedded ASP.NET Core (Kestrel) echo server is started on a free loopback port and tested.\n" +
            "Settings come from conformance.json (or --config), then CONFORMANCE_* environment variables, then these flags.\n" +
            "Exit codes: 0 completed, 1 a --fail-on verdict occurred, 2 bad usage or configuration, 3 target unreachable, 4 interrupted.");
        var flags = new CommandLineFlags();
        flags.AddTo(root);
        root.SetAction((parse, cancel) => ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), listOnly: false, cancel));
        return root;
    }

    public static Command CreateList()
    {
        var list = new Command("list", "List the cases the selection would run, without running them.");
        var flags = new CommandLineFlags();
        flags.AddTo(list);
        list.SetAction((parse, cancel) => ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), listOnly: true, cancel));
        return list;
    }

    public static Command CreateReplay()
    {
        var replay = new Command("replay", "Run case scripts (a fuzzing finding, a folder of them, any case file) against the target; exit 1 when one fails.");
        var flags = new CommandLineFlags();
        flags.AddTo(replay);
        var files = new Argument<string>("file") { Description = "a case file or a folder of them (e.g. fuzz-corpus/)" };
        replay.Arguments.Add(files);
        replay.SetAction((parse, cancel) =>
        {
            var commandLine = flags.ToConfiguration(parse);
            commandLine["suites"] = parse.GetValue(files);
            commandLine.TryAdd("failOn", "FAILED,WRONG CODE,UNCLEAN,FAILED BY CLIENT");
            return ExecuteAsync(commandLine, flags.ConfigFile(parse), listOnly: false, cancel);
        });
        return replay;
    }

    public static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, bool listOnly, CancellationToken interrupt)
    {
        if (Selection.Load(commandLine, configFile) is not var (settings, cases)) return ExitCodes.Usage;
        if (listOnly)
        {
            foreach (var c in cases) Console.WriteLine($"{c.Id,-10} {c.Title}");
            Console.WriteLine($"{cases.Count} case(s)");
            return ExitCodes.Completed;
        }
        // The embedded server running the catalogue is held to what it is known to get, as under dotnet test,
        // unless told otherwise (--expect, --fail-on, another target or other cases).
        if (settings.Expect is null && settings.FailOn.Count == 0 && settings.Targets.Count == 0 && settings.Suites == new Settings().Suites
            && File.Exists(KestrelEchoServer.Expectations))
            settings = settings with { Expect = KestrelEchoServer.Expectations };
        ExpectationSet expectations;
        try
        {
            expectations = settings.Expect is { } file ? ExpectationSet.Read(file) : ExpectationSet.None;
        }
        catch (CaseFileException e)
        {
            return Fail(e.Message, ExitCodes.Usage);
        }
        if (settings.Targets.Count > 1 && settings.Agent is not null)
            return Fail("agent: names the target of a run against one target; with several, each is named host_port", ExitCodes.Usage);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        using var interrupted = interrupt.Register(() => Console.Error.WriteLine("\nconformance: interrupted; writing the results so far"));
        if (settings.RunTimeout is { } runTimeout) stop.CancelAfter(runTimeout);

        await using var embedded = settings.Targets.Count == 0 ? await KestrelEchoServer.StartAsync() : null;
        var targets = embedded is null ? settings.Targets : [embedded.Url];
        Directory.CreateDirectory(settings.Out);
        using var writer = new ResultsWriter(settings.Out);
        var runs = new List<RunResults>();
        var unreachable = false;
        var stopped = false;
        foreach (var target in targets)
        {
            var agent = settings.Agent ?? (embedded is null ? UniqueAgent($"{target.Host}_{target.Port}", runs) : "kestrel-embedded");
            var run = await RunTargetAsync(settings, cases, target, agent, embedded is not null, writer, stop.Token);
            runs.Add(run);
            unreachable |= run.Error is not null;
            if (run.Interrupted) { stopped = true; break; }
        }

        var document = new ResultsDocument { ToolVersion = Version, GeneratedAt = DateTimeOffset.UtcNow, Runs = runs };
        var compared = settings.Expect is null ? null
            : runs.ToDictionary(r => r.Agent, r => ExpectationComparer.Compare(r.Cases, expectations));
        writer.WriteAll(document);
        ReportWriter.Write(settings.Out, document, compared);
        foreach (var run in runs.Where(r => r.Error is null))
        {
            if (runs.Count > 1) Console.WriteLine($"\n{run.Agent} ({run.Target})");
            Console.Write(Summary.Render(run.Cases, cases.Count, compared?[run.Agent], settings.Expect));
        }
        Console.WriteLine($"report: {Path.GetFullPath(ReportWriter.IndexPath(settings.Out))} (summary.md beside it)");
        Console.WriteLine($"results: {Path.GetFullPath(writer.ResultsPath)} (and index.json, junit.xml, cases/ beside it)");
        if (stopped)
        {
            Console.Error.WriteLine($"conformance: the run stopped after {runs.Sum(r => r.Cases.Count)} of {cases.Count * targets.Count} case(s)");
            return ExitCodes.Interrupted;
        }
        if (unreachable) return ExitCodes.Unreachable;
        if (compared is not null)
            return compared.Values.Any(list => list.Any(c => c.Comparison == Comparison.Regression)) ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
        var failing = runs.SelectMany(r => r.Cases).Count(r => settings.FailOn.Contains(r.Behavior) || settings.FailOn.Contains(r.BehaviorClose));
        return failing > 0 ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    internal static async Task<RunResults> RunTargetAsync(
        Settings settings, IReadOnlyList<CaseDefinition> cases, Uri target, string agent, bool embedded, ResultsWriter writer, CancellationToken stop)
    {
        var session = settings.SessionFor(target);
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

        Console.Error.WriteLine($"conformance: {cases.Count} case(s) against {target}{(embedded ? " (embedded Kestrel echo server)" : "")}, {settings.Parallelism} at a time");
        if (await Probe.OpenAsync(session, stop) is { } problem)
        {
            Console.Error.WriteLine($"conformance: cannot test {target}: {problem}");
            return Results([], stop.IsCancellationRequested, problem);
        }

        var progress = new ConsoleProgress(cases.Count);
        var outcome = await Runner.RunAsync(cases, new RunOptions
        {
            Session = session,
            Parallelism = settings.Parallelism,
            CaseTimeout = settings.CaseTimeout,
        }, result =>
        {
            writer.Append(agent, result);
            progress.Finished(result);
        }, stop);
        progress.Done();
        return Results(outcome.Results, outcome.Interrupted, null);
    }

    private static string UniqueAgent(string name, IReadOnlyList<RunResults> runs)
    {
        var agent = name;
        for (var n = 2; runs.Any(r => r.Agent == agent); n++) agent = $"{name}-{n}";
        return agent;
    }

    private static string Version =>
        typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"conformance: {message}");
        return code;
    }
}
