using System.CommandLine;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;

namespace Conformance.Cli;

/// <summary>
/// `conformance diff OLD NEW`: two results files compared target by target; exit 1 when something got worse, changed to
/// another verdict as bad, or has no result in the new file (a case or a target missing, a run interrupted).
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var diff = new Command("diff", "Compare two results files: regressions, changes, fixes, changed close codes; exit 1 when something got worse, " +
                                       "changed to another verdict as bad, or has no result in the new file (missing, interrupted).");
        var oldResults = new Argument<string>("old") { Description = "the earlier results.json (or results.jsonl)" };
        var newResults = new Argument<string>("new") { Description = "the later results.json (or the results.jsonl a killed run left)" };
        diff.Arguments.Add(oldResults);
        diff.Arguments.Add(newResults);
        diff.SetAction(parse => Execute(parse.GetValue(oldResults)!, parse.GetValue(newResults)!));
        return diff;
    }

    private static int Execute(string oldFile, string newFile)
    {
        ResultsDocument before, after;
        try
        {
            before = ResultsWriter.ReadAll(Existing(oldFile));
            after = ResultsWriter.ReadAll(Existing(newFile));
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"conformance: {e.Message}");
            return ExitCodes.Usage;
        }

        var pairs = before.Runs.Count == 1 && after.Runs.Count == 1
            ? [(before.Runs[0], after.Runs[0])]
            : after.Runs.Select(n => (before.Runs.FirstOrDefault(o => o.Agent == n.Agent), n)).Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.n)).ToList();
        if (pairs.Count == 0)
        {
            Console.Error.WriteLine("conformance: the two files have no target in common (runs are paired by agent name)");
            return ExitCodes.Usage;
        }

        var fails = false;
        foreach (var (old, @new) in pairs)
        {
            var diff = ResultsDiff.Between(old, @new);
            fails |= diff.Fails;
            Console.WriteLine($"{old.Agent} ({old.StartedAt:yyyy-MM-dd HH:mm}) → {@new.Agent} ({@new.StartedAt:yyyy-MM-dd HH:mm})");
            Print("regressions", diff.Regressions, c => $"{c.Old} → {c.New}");
            Print("changed, neither better nor worse (fails like a regression)", diff.Changes, c => $"{c.Old} → {c.New}");
            Print("fixes", diff.Fixes, c => $"{c.Old} → {c.New}");
            Print("changed close codes", diff.CloseCodeChanges, c => $"{Code(c.OldCode)} → {Code(c.NewCode)}");
            if (diff.OnlyInOld.Count > 0)
                Console.WriteLine($"  {diff.OnlyInOld.Count} missing from the new results (counted as failures): {string.Join(", ", diff.OnlyInOld)}");
            if (diff.NewInterrupted || diff.NewWithoutResult > 0)
                Console.WriteLine($"  the new run {(diff.NewInterrupted ? "was interrupted" : "is incomplete")}: {diff.NewWithoutResult} of its {@new.CasesSelected} selected case(s) without a result (counted as failures)");
            if (diff.OnlyInNew.Count > 0) Console.WriteLine($"  only in the new results: {string.Join(", ", diff.OnlyInNew)}");
        }
        // A target of the old file that the new one does not have is missing as a whole.
        foreach (var old in before.Runs.Where(o => !pairs.Any(p => ReferenceEquals(p.Item1, o))))
        {
            Console.WriteLine($"{old.Agent}: no run in the new results ({old.Cases.Count} case(s) missing, counted as failures)");
            fails = true;
        }
        return fails ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    private static void Print(string title, IReadOnlyList<CaseChange> changes, Func<CaseChange, string> what)
    {
        Console.WriteLine($"  {changes.Count} {title}");
        foreach (var c in changes) Console.WriteLine($"    {c.Id,-8} {what(c)}  {c.Title}");
    }

    private static string Code(int? code) => code?.ToString() ?? "none";

    private static string Existing(string file) => File.Exists(file) ? file : throw new InvalidDataException($"{file}: no such file");
}
