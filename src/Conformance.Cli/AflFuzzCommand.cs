using System.Text.Json;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Fuzzing.Afl;
using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Cli;

/// <summary>`conformance fuzz --engine afl`: AFL++ on the harnesses, one after another; a table of figures at the end.</summary>
internal static class AflFuzzCommand
{
    public static async Task<int> ExecuteAsync(
        Dictionary<string, string?> commandLine, IReadOnlyList<string> harnessNames, TimeSpan? duration, int jobs, string corpus, CancellationToken interrupt)
    {
        var harnesses = harnessNames.Count == 0 ? HarnessCatalogue.Default.ToList() : harnessNames.Distinct().Select(n => HarnessCatalogue.Find(n)!).ToList();
        var budget = duration ?? TimeSpan.FromMinutes(1);

        var outFolder = commandLine.GetValueOrDefault("out") ?? Path.Combine("reports", "afl");
        var options = new AflOptions
        {
            RepositoryRoot = Directory.GetCurrentDirectory(), Harnesses = harnesses, Duration = budget, Jobs = jobs,
            Out = Path.GetFullPath(outFolder), Corpus = Path.GetFullPath(corpus), Suites = commandLine.GetValueOrDefault("suites") ?? Catalogue.BesideProgram,
        };
        if (!File.Exists(Path.Combine(options.RepositoryRoot, HarnessBuild.Project)))
            return ExitCodes.Fail($"--engine afl runs from the repository's root (where {HarnessBuild.Project} is); use ./run.sh fuzz --engine afl");
        if ((OutputFolder.Problem(options.Out, "--out") ?? OutputFolder.Problem(options.Corpus, "--corpus")) is { } unwritable) return ExitCodes.Fail(unwritable);

        IReadOnlyList<AflHarnessOutcome> outcomes;
        try
        {
            outcomes = await AflEngine.RunAsync(options, line => Console.Error.WriteLine($"fuzz: {line}"), interrupt);
        }
        catch (AflSetupException e)
        {
            return ExitCodes.Fail(e.Message);
        }
        catch (CaseFileException e)
        {
            return ExitCodes.Fail($"the cases that seed the fuzzer: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Fail("interrupted", ExitCodes.Interrupted);
        }

        Print(outcomes);
        var summary = Path.Combine(options.Out, "afl-summary.json");
        await File.WriteAllTextAsync(summary, JsonSerializer.Serialize(outcomes, ResultsWriter.Json));
        await File.WriteAllTextAsync(Path.ChangeExtension(summary, ".md"), Markdown(outcomes));
        Console.WriteLine($"AFL++'s output: {options.Out}/HARNESS/findings; figures: {summary} (and .md); kept inputs and crashes: {options.Corpus}/HARNESS/");
        if (interrupt.IsCancellationRequested) return ExitCodes.Interrupted;
        if (outcomes.Any(o => o.Error is not null)) return ExitCodes.Usage;
        return outcomes.Any(o => o.Crashes.Count > 0 || o.Stats?.SavedCrashes > 0) ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    private static void Print(IReadOnlyList<AflHarnessOutcome> outcomes)
    {
        Console.WriteLine($"\n{"harness",-20} {"seconds",8} {"execs/s",9} {"execs",12} {"corpus",7} {"edges",7} {"bitmap",8} {"stability",9} {"crashes",7} {"hangs",5} {"kept",5}");
        foreach (var o in outcomes)
        {
            if (o.Stats is not { } s)
            {
                Console.WriteLine($"{o.Harness,-20} did not run: {o.Error}");
                continue;
            }
            Console.WriteLine($"{o.Harness,-20} {s.RunTimeSeconds,8} {s.ExecsPerSecond,9:0} {s.ExecsDone,12} {s.CorpusCount,7} {s.EdgesFound,7} " +
                              $"{s.BitmapCoverage,8} {s.Stability,9} {s.SavedCrashes,7} {s.SavedHangs,5} {o.KeptInputs,5}");
        }
        foreach (var crash in outcomes.SelectMany(o => o.Crashes.Select(c => (o.Harness, Crash: c))))
        {
            Console.WriteLine($"\n  {crash.Harness}: crash {crash.Crash.File} ({crash.Crash.OriginalLength} octets, {crash.Crash.MinimisedLength} minimised)");
            Console.WriteLine(crash.Crash.Reproduction is { } r
                ? $"    reproduce: {HarnessBuild.Program} {crash.Harness} < {crash.Crash.File}\n    " + r.Replace("\n", "\n    ")
                : "    it does not fail when fed to the harness again (a hang, or it depends on AFL++'s state)");
        }
    }

    /// <summary>The figures as a Markdown table, for a CI job's summary.</summary>
    private static string Markdown(IReadOnlyList<AflHarnessOutcome> outcomes)
    {
        var text = new System.Text.StringBuilder("| harness | seconds | execs/s | corpus | edges | bitmap | stability | crashes | hangs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var o in outcomes)
            text.AppendLine(o.Stats is { } s
                ? $"| {o.Harness} | {s.RunTimeSeconds} | {s.ExecsPerSecond:0} | {s.CorpusCount} | {s.EdgesFound} | {s.BitmapCoverage} | {s.Stability} | {s.SavedCrashes} | {s.SavedHangs} |"
                : $"| {o.Harness} | did not run | | | | | | | |");
        foreach (var o in outcomes)
            foreach (var crash in o.Crashes)
                text.AppendLine($"\n{o.Harness}: crash `{Path.GetFileName(crash.File)}` ({crash.MinimisedLength} octets): " +
                                (crash.Reproduction is { } r ? $"\n```\n{r}\n```" : "does not fail again"));
        return text.ToString();
    }
}
