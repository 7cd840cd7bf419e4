using System.CommandLine;
using Conformance.Engine.Expectations;
using Conformance.Pipeline;

namespace Conformance.Cli;

/// <summary>`conformance baseline --out FILE`: runs the selection against one target and writes an expectations file from it.</summary>
internal static class BaselineCommand
{
    public static Command Create()
    {
        var baseline = new Command("baseline", "Run the selection against one target and write an expectations file from it to --out FILE (reasons left to fill in).");
        var flags = new CommandLineFlags();
        flags.AddTo(baseline, withOut: false);
        var file = new Option<string>("--out", "-o") { Description = "The expectations file to write", HelpName = "file", Required = true };
        baseline.Options.Add(file);
        baseline.SetAction((parse, cancel) => ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), parse.GetValue(file)!, cancel));
        return baseline;
    }

    private static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, string file, CancellationToken interrupt)
    {
        if (Selection.Load(commandLine, configFile) is not var (settings, cases)) return ExitCodes.Usage;
        if (settings.Targets.Count > 1) return ExitCodes.Fail("baseline: give one target");
        if (Directory.Exists(file)) return ExitCodes.Fail($"--out: \"{file}\" is a folder; give the expectations file to write");
        if (OutputFolder.Problem(Path.GetDirectoryName(Path.GetFullPath(file))!, "--out") is { } unwritable) return ExitCodes.Fail(unwritable);

        await using var pipeline = await RunPipeline.StartAsync(settings);
        var target = pipeline.Targets[0];
        var run = await RunCommand.RunTargetAsync(pipeline, cases, target, pipeline.AgentFor(target), null, interrupt);
        if (run.Error is not null) return ExitCodes.Unreachable;
        if (run.Interrupted) return ExitCodes.Fail("interrupted; no expectations file written", ExitCodes.Interrupted);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        await File.WriteAllTextAsync(file, Baseline.Write(run));
        var entries = run.Cases.Count(c => !ExpectationSet.Default.Allows(c.Verdicts));
        Console.WriteLine($"expectations: {Path.GetFullPath(file)}: {entries} known issue(s) from {run.Cases.Count} case(s); " +
                          "replace each placeholder reason with the real one, and move permanent choices to \"decisions\" " +
                          $"(--expect refuses the file while a placeholder is left, unless given {RunCommand.AcceptUnreviewedFlag})");
        return ExitCodes.Completed;
    }
}
