using System.CommandLine;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
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
        var expect = new Option<string[]>("--expect")
        {
            Description = "An expectations file whose known issues and decisions the report marks: once for every results file, or once per results file, in their order",
            HelpName = "file",
        };
        var requirements = new Option<string>("--requirements")
        {
            Description = "The requirements file whose requirements requirements.html traces to the cases (default: suites/requirements.json beside the program)",
            HelpName = "file",
        };
        report.Arguments.Add(files);
        report.Options.Add(output);
        report.Options.Add(expect);
        var compare = new Option<bool>("--compare")
        {
            Description = "Also write compare.html: what changed from the first run (OLD) to the second (NEW): regressions, fixes, changed close codes, new and removed cases",
        };
        var singleFile = new Option<bool>("--single-file")
        {
            Description = $"Also write the whole report as one self-contained HTML file to send, {SingleFileReport.FileName} (styles inline, the not-OK cases' pages inside it)",
        };
        var pdf = new Option<bool>("--pdf")
        {
            Description = "Also print that single file to conformance-report.pdf with headless Chromium (one line says so when Chromium is not installed)",
        };
        report.Options.Add(requirements);
        report.Options.Add(compare);
        report.Options.Add(singleFile);
        report.Options.Add(pdf);
        var screenshot = new Option<string>("--screenshot")
        {
            Description = "Also take a picture of index.html as a 1280 × 900 browser window shows it, to this PNG file, with headless Chromium (README's picture is one)",
            HelpName = "png",
        };
        report.Options.Add(screenshot);
        report.SetAction(parse => Execute(parse.GetValue(files)!, parse.GetValue(output)!, parse.GetValue(expect) ?? [], parse.GetValue(requirements), parse.GetValue(compare),
            parse.GetValue(singleFile) || parse.GetValue(pdf), parse.GetValue(pdf), parse.GetValue(screenshot)));
        return report;
    }

    private static int Execute(IReadOnlyList<string> files, string output, IReadOnlyList<string> expectFiles, string? requirementsFile, bool compare,
        bool singleFile, bool pdf, string? screenshot)
    {
        RequirementSet? requirements;
        try
        {
            requirements = requirementsFile is not null ? RequirementSet.Read(requirementsFile)
                : RequirementSet.FileIn(Catalogue.BesideProgram) is { } beside ? RequirementSet.Read(beside) : null;
        }
        catch (CaseFileException e)
        {
            return ExitCodes.Fail(e.Message);
        }
        if (expectFiles.Count > 1 && expectFiles.Count != files.Count)
            return ExitCodes.Fail($"--expect: given {expectFiles.Count} times for {files.Count} results file(s): give it once, or once per results file");
        var expectations = new List<ExpectationSet>();
        foreach (var file in expectFiles)
        {
            try
            {
                expectations.Add(ExpectationSet.Read(file));
            }
            catch (ExpectationsFileException e)
            {
                return ExitCodes.Fail(e.Message);
            }
        }
        var runs = new List<RunResults>();
        var expected = new Dictionary<string, IReadOnlyList<ComparedCase>>();
        string? version = null;
        foreach (var (file, index) in files.Select((f, i) => (f, i)))
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
                    if (expectations.Count > 0)
                        expected[agent] = ExpectationComparer.Compare(run.Cases, expectations[expectations.Count == 1 ? 0 : index]);
                }
            }
            catch (InvalidDataException e)
            {
                return ExitCodes.Fail(e.Message);
            }
        }
        if (compare && runs.Count != 2)
            return ExitCodes.Fail($"--compare: needs two runs, the old and the new (two results files of one target each), not {runs.Count}");
        if (OutputFolder.Problem(output, "--out") is { } unwritable) return ExitCodes.Fail(unwritable);
        var merged = new ResultsDocument { ToolVersion = version ?? "", GeneratedAt = DateTimeOffset.UtcNow, Runs = runs };
        Directory.CreateDirectory(output);
        using (var writer = new ResultsWriter(output)) writer.WriteAll(merged);
        ReportWriter.Write(output, merged, expectations.Count > 0 ? expected : null, new ReportPages(requirements, compare));
        Console.WriteLine($"report: {Path.GetFullPath(ReportWriter.IndexPath(output))} ({runs.Count} target(s), {runs.Sum(r => r.Cases.Count)} case result(s))");
        if (compare) Console.WriteLine($"compared: {Path.GetFullPath(Path.Combine(output, ComparePage.FileName))} ({runs[0].Agent} → {runs[1].Agent})");
        if (singleFile)
        {
            var single = SingleFileReport.Write(output, merged, expectations.Count > 0 ? expected : null, requirements);
            Console.WriteLine($"single file: {Path.GetFullPath(single)} ({new FileInfo(single).Length / 1024} KiB)");
            if (pdf)
            {
                var pdfPath = Path.ChangeExtension(single, ".pdf");
                if (HeadlessChromium.Print(single, pdfPath) is { } problem) Console.Error.WriteLine($"conformance: {problem}");
                else Console.WriteLine($"pdf: {Path.GetFullPath(pdfPath)} ({new FileInfo(pdfPath).Length / 1024} KiB)");
            }
        }
        if (screenshot is not null)
        {
            if (HeadlessChromium.Screenshot(ReportWriter.IndexPath(output), screenshot, 1280, 900) is { } problem) Console.Error.WriteLine($"conformance: {problem}");
            else Console.WriteLine($"screenshot: {Path.GetFullPath(screenshot)} ({new FileInfo(screenshot).Length / 1024} KiB)");
        }
        return ExitCodes.Completed;
    }
}
