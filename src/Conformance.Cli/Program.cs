using System.CommandLine;
using Conformance.Cli;
using Conformance.Engine.Configuration;

var flags = new CommandLineFlags();
var root = new RootCommand(
    "Conformance: replays scripted WebSocket conversations against a server and scores each against RFC 6455.\n" +
    "With no --target, the embedded ASP.NET Core (Kestrel) echo server is started on a free loopback port and tested.\n" +
    "Settings come from conformance.json (or --config), then CONFORMANCE_* environment variables, then these flags.\n" +
    "Exit codes: 0 completed, 1 a --fail-on verdict occurred, 2 bad usage or configuration, 3 target unreachable, 4 interrupted.");
flags.AddTo(root);
var list = new Command("list", "List the cases the selection would run, without running them.");
flags.AddTo(list);
root.Subcommands.Add(list);
var bench = new Command("bench",
    "Time the selected cases against the embedded server (or --target): whole runs in parallel, each category in parallel " +
    "and one at a time (a category whose parallel run takes over a minute is not also run one at a time), beside the " +
    "loopback speed and the process's processor time; lists every case whose verdicts changed between the rounds (a move " +
    "within a race class is no change); writes bench.json to the results folder.");
flags.AddTo(bench);
var rounds = new Option<int>("--rounds") { Description = "Parallel runs of the whole selection to time and compare (default 3)", DefaultValueFactory = _ => 3 };
bench.Options.Add(rounds);
var wholeOnly = new Option<bool>("--whole-only")
{
    Description = "Time only whole runs of the selection: no warm-up run, no per-category runs (for long selections such as 12.*,13.*)",
};
bench.Options.Add(wholeOnly);
root.Subcommands.Add(bench);
var report = new Command("report", "Write the reports (HTML, index.json, junit.xml) of saved results files, side by side, into --out.");
var resultFiles = new Argument<string[]>("results") { Description = "results.json files of earlier runs", Arity = ArgumentArity.OneOrMore };
var reportOut = new Option<string>("--out", "-o") { Description = "Folder for the report (default reports/)", DefaultValueFactory = _ => "reports" };
report.Arguments.Add(resultFiles);
report.Options.Add(reportOut);
root.Subcommands.Add(report);
var baseline = new Command("baseline", "Run the selection against one target and write an expectations file from it to --out FILE (reasons left to fill in).");
flags.AddTo(baseline);
root.Subcommands.Add(baseline);
var diff = new Command("diff", "Compare two results files: regressions, fixes, changed close codes; exit 1 when something got worse.");
var oldResults = new Argument<string>("old") { Description = "the earlier results.json" };
var newResults = new Argument<string>("new") { Description = "the later results.json" };
diff.Arguments.Add(oldResults);
diff.Arguments.Add(newResults);
root.Subcommands.Add(diff);
var fuzz = new Command("fuzz",
    "--engine property (the default): send generated conversations (valid, and invalid in one known way each) to the target until " +
    "--duration or --count; each finding is shrunk to a minimal conversation and kept in the corpus as a replayable case script.\n" +
    "--engine afl: coverage-guided fuzzing of the harnesses (--harness) with AFL++ and SharpFuzz for --duration each, AFL++'s output " +
    "in --out (default reports/afl); new inputs and crashes (minimised) are kept in the corpus under the harness's name. " +
    "Installs Debian's afl++ and the sharpfuzz tool when missing.\nExit 1 with findings or crashes.");
flags.AddTo(fuzz);
var fuzzDuration = new Option<string?>("--duration") { Description = "How long to fuzz: 90s, 10m, 2h (default 1m unless --count; afl: for each harness)" };
var fuzzCount = new Option<long?>("--count") { Description = "How many conversations to send" };
var fuzzSeed = new Option<int?>("--seed") { Description = "Seed of the run, to repeat it (default: random, printed)" };
var fuzzCorpus = new Option<string>("--corpus") { Description = "Folder for findings (default fuzz-corpus/)", DefaultValueFactory = _ => "fuzz-corpus" };
var fuzzEngine = new Option<string>("--engine") { Description = "property (conversations against a server) or afl (AFL++ on the harnesses)", DefaultValueFactory = _ => "property" };
var fuzzHarness = new Option<string[]>("--harness")
{
    Description = $"afl: the harnesses to fuzz, one after another (default: all but planted-bug): {Conformance.Fuzzing.CoverageGuided.HarnessCatalogue.Names}",
};
var fuzzJobs = new Option<int>("--jobs") { Description = "afl: AFL++ instances per harness, one main (-M) and the rest secondaries (-S) (default 1)", DefaultValueFactory = _ => 1 };
fuzz.Options.Add(fuzzDuration);
fuzz.Options.Add(fuzzCount);
fuzz.Options.Add(fuzzSeed);
fuzz.Options.Add(fuzzCorpus);
fuzz.Options.Add(fuzzEngine);
fuzz.Options.Add(fuzzHarness);
fuzz.Options.Add(fuzzJobs);
root.Subcommands.Add(fuzz);
var replay = new Command("replay", "Run case scripts (a fuzzing finding, a folder of them, any case file) against the target; exit 1 when one fails.");
flags.AddTo(replay);
var replayFiles = new Argument<string>("file") { Description = "a case file or a folder of them (e.g. fuzz-corpus/)" };
replay.Arguments.Add(replayFiles);
root.Subcommands.Add(replay);
// Parsing only: the run itself happens below, once the settings are read and checked.
root.SetAction(_ => ExitCodes.Completed);
list.SetAction(_ => ExitCodes.Completed);
bench.SetAction(_ => ExitCodes.Completed);
report.SetAction(_ => ExitCodes.Completed);
baseline.SetAction(_ => ExitCodes.Completed);
diff.SetAction(_ => ExitCodes.Completed);
fuzz.SetAction(_ => ExitCodes.Completed);
replay.SetAction(_ => ExitCodes.Completed);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"conformance: {error.Message}");
    Console.Error.WriteLine("conformance: see --help");
    return ExitCodes.Usage;
}
if (parse.Tokens.Any(t => t.Value is "--help" or "-h" or "-?" or "--version"))
    return await parse.InvokeAsync();

Dictionary<string, string?> commandLine;
try
{
    commandLine = flags.ToConfiguration(parse);
}
catch (SettingsException e)
{
    Console.Error.WriteLine($"conformance: {e.Message}");
    return ExitCodes.Usage;
}
if (parse.CommandResult.Command == diff)
    return DiffCommand.Execute(parse.GetValue(oldResults)!, parse.GetValue(newResults)!);
if (parse.CommandResult.Command == report)
    return ReportCommand.Execute(parse.GetValue(resultFiles)!, parse.GetValue(reportOut)!);
if (parse.CommandResult.Command == bench)
{
    var roundCount = parse.GetValue(rounds);
    if (roundCount is < 1 or > 100)
    {
        Console.Error.WriteLine($"conformance: --rounds: {roundCount} is not a whole number from 1 to 100");
        return ExitCodes.Usage;
    }
    return await BenchCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse), roundCount, parse.GetValue(wholeOnly));
}
if (parse.CommandResult.Command == fuzz && parse.GetValue(fuzzEngine) != "property")
    return await AflFuzzCommand.ExecuteAsync(commandLine, parse.GetValue(fuzzEngine)!, parse.GetValue(fuzzHarness) ?? [], parse.GetValue(fuzzDuration),
        parse.GetValue(fuzzJobs), parse.GetValue(fuzzCount), parse.GetValue(fuzzSeed), parse.GetValue(fuzzCorpus)!);
if (parse.CommandResult.Command == fuzz && (parse.GetValue(fuzzHarness) is { Length: > 0 } || parse.GetValue(fuzzJobs) != 1))
{
    Console.Error.WriteLine("conformance: --harness and --jobs are for --engine afl");
    return ExitCodes.Usage;
}
if (parse.CommandResult.Command == fuzz)
    return await FuzzCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse), parse.GetValue(fuzzDuration), parse.GetValue(fuzzCount),
        parse.GetValue(fuzzSeed), parse.GetValue(fuzzCorpus)!);
if (parse.CommandResult.Command == replay)
{
    commandLine["suites"] = parse.GetValue(replayFiles);
    commandLine.TryAdd("failOn", "FAILED,WRONG CODE,UNCLEAN,FAILED BY CLIENT");
    return await RunCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse), listOnly: false);
}
if (parse.CommandResult.Command == baseline)
    return await BaselineCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse));
return await RunCommand.ExecuteAsync(commandLine, flags.ConfigFile(parse), listOnly: parse.CommandResult.Command == list);
