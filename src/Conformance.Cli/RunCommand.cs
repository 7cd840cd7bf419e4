using System.CommandLine;
using Conformance.Engine.Cases;
using Conformance.Engine.Clients;
using Conformance.Engine.Configuration;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Pipeline;

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
            "Exit codes: 0 completed, 1 a --fail-on verdict occurred (with --expect: a regression, a change away from the expectations, a case without a result), " +
            "2 bad usage or configuration, 3 target unreachable, 4 interrupted, 5 an unexpected error.");
        var flags = new CommandLineFlags();
        flags.AddTo(root);
        var acceptUnreviewed = AcceptUnreviewedOption();
        root.Options.Add(acceptUnreviewed);
        root.SetAction((parse, cancel) => ExecuteAsync(WithAcceptUnreviewed(flags.ToConfiguration(parse), parse, acceptUnreviewed), flags.ConfigFile(parse), cancel));
        return root;
    }

    public static Command CreateList()
    {
        var list = new Command("list", "List the cases the selection would run, without running them.");
        var flags = new CommandLineFlags();
        flags.AddTo(list);
        var byCategory = new Option<bool>("--categories") { Description = "A line per category instead: its id, how many cases, its title" };
        var clients = new Option<bool>("--clients") { Description = "The cases the clients command plays against clients, instead of those a run plays against servers" };
        list.Options.Add(byCategory);
        list.Options.Add(clients);
        list.SetAction(parse => List(flags.ToConfiguration(parse), flags.ConfigFile(parse), parse.GetValue(byCategory), parse.GetValue(clients)));
        return list;
    }

    public static Command CreateReplay()
    {
        var replay = new Command("replay", "Run case scripts (a fuzzing finding, a folder of them, any case file) against the target; exit 1 when one fails.");
        var flags = new CommandLineFlags();
        flags.AddTo(replay);
        var files = new Argument<string>("file") { Description = "a case file or a folder of them (e.g. fuzz-corpus/)" };
        replay.Arguments.Add(files);
        var acceptUnreviewed = AcceptUnreviewedOption();
        replay.Options.Add(acceptUnreviewed);
        replay.SetAction((parse, cancel) =>
        {
            var commandLine = WithAcceptUnreviewed(flags.ToConfiguration(parse), parse, acceptUnreviewed);
            commandLine["suites"] = parse.GetValue(files);
            commandLine.TryAdd("failOn", "FAILED,WRONG CODE,UNCLEAN,FAILED BY CLIENT");
            return ExecuteAsync(commandLine, flags.ConfigFile(parse), cancel);
        });
        return replay;
    }

    public const string AcceptUnreviewedFlag = "--accept-unreviewed";

    /// <summary>The flag of the commands that take --expect: use entries that still carry baseline's placeholder reason.</summary>
    private static Option<bool> AcceptUnreviewedOption() => new(AcceptUnreviewedFlag)
    {
        Description = "With --expect: accept entries that still carry the placeholder reason baseline writes (without it the run stops, exit 2, " +
                      "so that an unedited baseline cannot pass every failure it lists)",
    };

    private static Dictionary<string, string?> WithAcceptUnreviewed(Dictionary<string, string?> commandLine, ParseResult parse, Option<bool> flag)
    {
        if (parse.GetValue(flag)) commandLine["acceptUnreviewed"] = "true";
        return commandLine;
    }

    private static int List(Dictionary<string, string?> commandLine, string? configFile, bool byCategory, bool clients)
    {
        if (Selection.Load(commandLine, configFile, allRoles: clients) is not var (_, selected)) return ExitCodes.Usage;
        var cases = clients ? ClientCases.Select(selected) : selected;
        if (cases.Count == 0)
            return ExitCodes.Fail($"none of the {selected.Count} selected case(s) is played against clients (e.g. {selected[0].Id}: {ClientCases.LeftOut(selected[0])})");
        if (byCategory)
            foreach (var category in cases.GroupBy(c => c.Category))
                Console.WriteLine($"{category.Key,-4} {category.Count(),4}  {category.First().CategoryTitle}");
        else
            foreach (var c in cases) Console.WriteLine($"{c.Id,-10} {c.Title}");
        Console.WriteLine($"{cases.Count} case(s)");
        return ExitCodes.Completed;
    }

    public static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, CancellationToken interrupt)
    {
        if (Selection.Load(commandLine, configFile) is not var (settings, cases)) return ExitCodes.Usage;
        // The embedded server running the catalogue is held to what it is known to get, as under dotnet test,
        // unless told otherwise (--expect, --fail-on, another target or other cases).
        if (settings.Expect is null && settings.FailOnBehavior.Count == 0 && settings.FailOnClose.Count == 0 && settings.Targets.Count == 0 && settings.Suites == new Settings().Suites
            && RunPipeline.ExpectationsOfEmbeddedServer(settings.Http2) is { } known)
            settings = settings with { Expect = known };
        if (settings.Targets.Count > 1 && settings.Agent is not null)
            return ExitCodes.Fail("agent: names the target of a run against one target; with several, each is named host_port");
        if (Prepare(settings) is not var (expectations, requirements)) return ExitCodes.Usage;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        using var interrupted = interrupt.Register(() => Console.Error.WriteLine("\nconformance: interrupted; writing the results so far"));
        if (settings.RunTimeout is { } runTimeout) stop.CancelAfter(runTimeout);

        await using var pipeline = await RunPipeline.StartAsync(settings);
        using var output = new RunOutput(settings.Out) { Requirements = requirements };
        var runs = new List<RunResults>();
        foreach (var target in pipeline.Targets)
        {
            var run = await RunTargetAsync(pipeline, cases, target, pipeline.AgentFor(target, runs.Select(r => r.Agent).ToList()), output, stop.Token);
            runs.Add(run);
            if (run.Interrupted) break;
        }

        return Conclude(runs, cases, expectations, settings, output, pipeline.Targets.Count);
    }

    /// <summary>
    /// What a run needs besides its cases, checked before anything runs: the expectations (null without), the
    /// requirements the report traces, an output folder that can be written; null after printing the one line that
    /// says why not.
    /// </summary>
    internal static (ExpectationSet? Expectations, RequirementSet? Requirements)? Prepare(Settings settings)
    {
        ExpectationSet? expectations;
        try
        {
            expectations = settings.Expect is { } file ? ExpectationSet.Read(file) : null;
        }
        catch (ExpectationsFileException e)
        {
            ExitCodes.Fail(e.Message);
            return null;
        }
        if (expectations?.UnreviewedProblem(AcceptUnreviewedFlag) is { } unreviewed)
        {
            if (!settings.AcceptUnreviewed)
            {
                ExitCodes.Fail(unreviewed);
                return null;
            }
            Console.Error.WriteLine($"conformance: {expectations.Unreviewed.Count} unreviewed expectation(s) of {expectations.Source} accepted ({AcceptUnreviewedFlag})");
        }
        if (OutputFolder.Problem(settings.Out, "out") is { } unwritable)
        {
            ExitCodes.Fail(unwritable);
            return null;
        }
        try
        {
            return (expectations, RequirementSet.FileIn(settings.Suites) is { } requirementsFile ? RequirementSet.Read(requirementsFile) : null);
        }
        catch (CaseFileException e)
        {
            ExitCodes.Fail(e.Message);
            return null;
        }
    }

    /// <summary>
    /// The end of a run, against servers or clients: the results and reports written, a summary per run (agent), and
    /// the exit code: with expectations, 1 on a regression, a change away from them or a case without a result; else
    /// 1 when a --fail-on verdict occurred.
    /// </summary>
    internal static int Conclude(IReadOnlyList<RunResults> runs, IReadOnlyList<CaseDefinition> cases, ExpectationSet? expectations, Settings settings,
        RunOutput output, int expectedRuns)
    {
        var compared = RunPipeline.Compare(runs, expectations);
        output.Write(runs, compared);
        var withoutResult = runs.ToDictionary(r => r.Agent, r => cases.Select(c => c.Id).Except(r.Cases.Select(c => c.Id)).ToList());
        foreach (var run in runs.Where(r => r.Error is null))
        {
            if (runs.Count > 1) Console.WriteLine($"\n{run.Agent} ({run.Target})");
            Console.Write(Summary.Render(run.Cases, cases.Count, compared?[run.Agent], settings.Expect, compared is null ? null : withoutResult[run.Agent]));
        }
        Console.WriteLine($"report: {Path.GetFullPath(output.ReportPath)} (summary.md beside it)");
        Console.WriteLine($"results: {Path.GetFullPath(output.ResultsPath)} (and index.json, junit.xml beside it)");
        if (runs.Count > 0 && runs[^1].Interrupted)
        {
            Console.Error.WriteLine($"conformance: the run stopped after {runs.Sum(r => r.Cases.Count)} of {cases.Count * expectedRuns} case(s)");
            return ExitCodes.Interrupted;
        }
        if (runs.Any(r => r.Error is not null)) return ExitCodes.Unreachable;
        // With expectations, a regression, a change away from them, or a selected case without a result fails the run.
        if (compared is not null)
            return compared.Values.Any(list => list.Any(c => c.Fails)) || withoutResult.Values.Any(ids => ids.Count > 0) || runs.Count < expectedRuns
                ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
        var failing = runs.SelectMany(r => r.Cases).Count(r => settings.FailOnBehavior.Contains(r.Behavior) || settings.FailOnClose.Contains(r.BehaviorClose));
        return failing > 0 ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    /// <summary>One target's run with the console's header and progress; each result also appended to the output when there is one.</summary>
    internal static async Task<RunResults> RunTargetAsync(
        RunPipeline pipeline, IReadOnlyList<CaseDefinition> cases, Uri target, string agent, RunOutput? output, CancellationToken stop)
    {
        var transport = !pipeline.Settings.Http2 ? "" : target.Scheme == "wss" ? " over HTTP/2 (TLS, ALPN h2)" : " over HTTP/2 (h2c)";
        Console.Error.WriteLine($"conformance: {cases.Count} case(s) against {target}{(pipeline.Embedded ? " (embedded Kestrel echo server)" : "")}{transport}, {pipeline.Settings.Parallelism} at a time");
        ConsoleProgress? progress = null;
        output?.StartRun(target, agent, cases.Count);
        var run = await pipeline.RunAsync(target, agent, cases, result =>
        {
            output?.Append(agent, result);
            progress!.Finished(result);
        }, stop, casesStarting: () => progress = new ConsoleProgress(cases.Count));
        if (run.Error is not null) Console.Error.WriteLine($"conformance: cannot test {target}: {run.Error}");
        progress?.Done();
        return run;
    }
}
