using System.CommandLine;
using System.Text.Json;
using Conformance.Engine.Configuration;
using Conformance.Engine.Results;
using Conformance.Fuzzing;
using Conformance.Fuzzing.CoverageGuided;
using Conformance.Pipeline;

namespace Conformance.Cli;

/// <summary>`conformance fuzz`: generated conversations against the target until --duration or --count; findings shrunk and kept.</summary>
internal static class FuzzCommand
{
    public const string PropertyEngine = "property";
    public const string AflEngine = "afl";

    public static Command Create()
    {
        var fuzz = new Command("fuzz",
            "--engine property (the default): send generated conversations (valid, and invalid in one known way each) to the target until " +
            "--duration or --count; each finding is shrunk to a minimal conversation and kept in the corpus as a replayable case script.\n" +
            "--engine afl: coverage-guided fuzzing of the harnesses (--harness) with AFL++ and SharpFuzz for --duration each, AFL++'s output " +
            "in --out (default reports/afl); new inputs and crashes (minimised) are kept in the corpus under the harness's name. " +
            "Installs Debian's afl++ and the sharpfuzz tool when missing.\nExit 1 with findings or crashes.");
        var flags = new CommandLineFlags();
        flags.AddTo(fuzz);
        var duration = TypedOptions.Duration("--duration", "How long to fuzz (default 1m unless --count; afl: for each harness)");
        var count = TypedOptions.Count("--count", "How many conversations to send", text => $"{text} is not a positive number of conversations");
        var seed = new Option<long?>("--seed") { Description = "Seed of the run, to repeat it (default: random, printed)", HelpName = "number" };
        var corpus = new Option<string>("--corpus") { Description = "Folder for findings", HelpName = "folder", DefaultValueFactory = _ => "fuzz-corpus" };
        var engine = new Option<string>("--engine")
        {
            Description = "property (conversations against a server) or afl (AFL++ on the harnesses)", DefaultValueFactory = _ => PropertyEngine,
        };
        engine.AcceptOnlyFromAmong(PropertyEngine, AflEngine);
        var harness = new Option<string[]>("--harness")
        {
            Description = $"afl: the harnesses to fuzz, one after another, comma-separated or repeated (default: all but planted-bug): {HarnessCatalogue.Names}",
            HelpName = "names",
        };
        harness.Validators.Add(result =>
        {
            if (HarnessNames(result.GetValueOrDefault<string[]>()).FirstOrDefault(n => HarnessCatalogue.Find(n) is null) is { } unknown)
                result.AddError($"no harness \"{unknown}\"; the harnesses are {HarnessCatalogue.Names}");
        });
        var jobs = TypedOptions.WholeNumber("--jobs", "afl: AFL++ instances per harness, one main (-M) and the rest secondaries (-S)", 1, 64, 1,
            text => $"{text} is not a number of AFL++ instances from 1 to 64");
        foreach (var option in new Option[] { duration, count, seed, corpus, engine, harness, jobs }) fuzz.Options.Add(option);

        fuzz.Validators.Add(command =>
        {
            if (command.GetValue(engine) == AflEngine)
            {
                var notForAfl = new[] { ("--target", command.GetValue(flags.Target) is { Length: > 0 }), ("--count", command.IsGiven(count)), ("--seed", command.IsGiven(seed)) }
                    .Where(f => f.Item2).Select(f => f.Item1).ToList();
                if (notForAfl.Count > 0) command.AddError($"{string.Join(", ", notForAfl)}: not used by --engine afl, which fuzzes the harnesses, not a server");
                if (command.GetResult(duration)?.Tokens is [.., var given] && TypedOptions.ParseDuration(given.Value) < TimeSpan.FromSeconds(1))
                    command.AddError($"--duration: \"{given.Value}\" is not a duration such as 90s, 10m or 2h (at least 1 s for --engine afl)");
            }
            else if (command.IsGiven(harness) || command.IsGiven(jobs))
                command.AddError("--harness and --jobs are for --engine afl");
        });

        fuzz.SetAction((parse, cancel) => parse.GetValue(engine) == AflEngine
            ? AflFuzzCommand.ExecuteAsync(flags.ToConfiguration(parse), HarnessNames(parse.GetValue(harness)), parse.GetValue(duration),
                parse.GetValue(jobs), parse.GetValue(corpus)!, cancel)
            : ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), parse.GetValue(duration), parse.GetValue(count),
                parse.GetValue(seed), parse.GetValue(corpus)!, cancel));
        return fuzz;
    }

    private static IReadOnlyList<string> HarnessNames(string[]? values) =>
        (values ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static async Task<int> ExecuteAsync(
        Dictionary<string, string?> commandLine, string? configFile, TimeSpan? budget, long? count, long? seed, string corpus, CancellationToken interrupt)
    {
        Settings settings;
        try
        {
            settings = SettingsReader.Read(configFile ?? "conformance.json", configFile is not null, commandLine);
        }
        catch (SettingsException e)
        {
            return ExitCodes.Fail(e.Message);
        }
        if (settings.Targets.Count > 1) return ExitCodes.Fail("fuzz: give one target");
        if (budget is null && count is null) budget = TimeSpan.FromMinutes(1);
        if ((OutputFolder.Problem(settings.Out, "out") ?? OutputFolder.Problem(corpus, "--corpus")) is { } unwritable) return ExitCodes.Fail(unwritable);

        await using var pipeline = await RunPipeline.StartAsync(settings);
        var target = pipeline.Targets[0];
        var agent = pipeline.AgentFor(target);
        if (await pipeline.ProbeAsync(target, interrupt) is { } unreachable)
            return ExitCodes.Fail($"cannot test {target}: {unreachable}", ExitCodes.Unreachable);

        var runSeed = seed ?? Random.Shared.Next();
        Console.Error.WriteLine($"fuzz: {target} with seed {runSeed}, {settings.Parallelism} conversations at a time, " +
                                (budget is { } b ? $"for {b.TotalSeconds:0} s" : $"{count} conversations") + $"; findings go to {corpus}/");
        var lastPrinted = TimeSpan.Zero;
        var startedAt = DateTimeOffset.UtcNow;
        var outcome = await Fuzzer.RunAsync(new FuzzOptions
        {
            Session = settings.SessionFor(target), Target = agent, Count = count, Duration = budget, Seed = runSeed,
            Parallelism = Math.Min(settings.Parallelism, 32), Corpus = corpus,
        }, p =>
        {
            if (p.Elapsed - lastPrinted < TimeSpan.FromSeconds(2)) return;
            lastPrinted = p.Elapsed;
            Console.Error.WriteLine($"fuzz: {p.Conversations} conversations, {p.Conversations / p.Elapsed.TotalSeconds:0} per second, {p.Findings} finding(s)");
        }, interrupt);

        Console.WriteLine($"\n{outcome.Conversations} conversations in {outcome.Elapsed.TotalSeconds:0.0} s ({outcome.PerSecond:0} per second), seed {runSeed}");
        foreach (var f in outcome.Findings)
        {
            Console.WriteLine($"  finding {f.Signature} (conversation {f.Index}, shrunk in {f.ShrinkRuns} runs): {f.Minimal}");
            Console.WriteLine($"    {f.Result.Verdicts}: {f.Result.Reason}");
            Console.WriteLine(f.File is null ? "    (already in the corpus)" : $"    {f.File}");
        }
        if (outcome.ServerStopped is { } stopped) Console.WriteLine($"  finding: {stopped}");

        using var output = new RunOutput(settings.Out);
        output.Write([RunPipeline.Results(target, "fuzz-" + agent, startedAt, outcome.Findings.Select(f => f.Result).ToList(),
            outcome.Findings.Count, outcome.Interrupted, outcome.ServerStopped)]);
        await File.WriteAllTextAsync(Path.Combine(settings.Out, "fuzz.json"), JsonSerializer.Serialize(new
        {
            target = target.ToString(), seed = runSeed, conversations = outcome.Conversations,
            seconds = Math.Round(outcome.Elapsed.TotalSeconds, 1), perSecond = Math.Round(outcome.PerSecond),
            findings = outcome.Findings.Select(f => new { f.Signature, conversation = f.Index, minimal = f.Minimal.ToString(), file = f.File }),
            serverStopped = outcome.ServerStopped,
        }, ResultsWriter.Json));
        Console.WriteLine($"report: {Path.GetFullPath(output.ReportPath)} (and fuzz.json)");
        if (outcome.Interrupted) return ExitCodes.Interrupted;
        return outcome.Findings.Count > 0 || outcome.ServerStopped is not null ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }
}
