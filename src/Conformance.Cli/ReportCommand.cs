using System.CommandLine;
using Conformance.Engine.Results;
using Conformance.Reports;

namespace Conformance.Cli;

/// <summary>`conformance report FILE...`: the reports of saved results files, side by side, without running anything.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var report = new Command("report", "Write the reports (HTML, index.json, junit.xml) of saved results files, side by side, into --out.");
        var files = new Argument<string[]>("results") { Description = "results.json files of earlier runs (or the results.jsonl a killed run left)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the report", HelpName = "folder", DefaultValueFactory = _ => "reports" };
        report.Arguments.Add(files);
        report.Options.Add(output);
        report.SetAction(parse => Execute(parse.GetValue(files)!, parse.GetValue(output)!));
        return report;
    }

    private static int Execute(IReadOnlyList<string> files, string output)
    {
        var runs = new List<RunResults>();
        string? version = null;
        foreach (var file in files)
        {
            if (!File.Exists(file)) return ExitCodes.Fail($"{file}: no such file");
            try
            {
                var document = ResultsWriter.ReadAll(file);
                version ??= document.ToolVersion;
                foreach (var run in document.Runs)
                {
                    var agent = run.Agent;
                    for (var n = 2; runs.Any(r => r.Agent == agent); n++) agent = $"{run.Agent}-{n}";
                    runs.Add(run with { Agent = agent });
                }
            }
            catch (InvalidDataException e)
            {
                return ExitCodes.Fail(e.Message);
            }
        }
        if (OutputFolder.Problem(output, "--out") is { } unwritable) return ExitCodes.Fail(unwritable);
        var merged = new ResultsDocument { ToolVersion = version ?? "", GeneratedAt = DateTimeOffset.UtcNow, Runs = runs };
        Directory.CreateDirectory(output);
        using (var writer = new ResultsWriter(output)) writer.WriteAll(merged);
        ReportWriter.Write(output, merged);
        Console.WriteLine($"report: {Path.GetFullPath(ReportWriter.IndexPath(output))} ({runs.Count} target(s), {runs.Sum(r => r.Cases.Count)} case result(s))");
        return ExitCodes.Completed;
    }
}
