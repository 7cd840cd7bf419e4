using System.Text;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;

namespace Conformance.Cli;

/// <summary>The per-category table printed at the end of a run, and the cases that were not OK.</summary>
internal static class Summary
{
    /// <param name="withoutResult">with an expectations file, the selected cases that have no result: failures</param>
    public static string Render(IReadOnlyList<CaseResult> results, int selected, IReadOnlyList<ComparedCase>? compared = null, string? expectationsFile = null,
        IReadOnlyList<string>? withoutResult = null)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"{"category",-34} {"cases",5} {"OK",5} {"NON-STRICT",10} {"INFO",5} {"UNIMPL",6} {"FAILED",6} {"close not OK",12}");
        var categories = results.GroupBy(r => r.Category).OrderBy(g => g.Key, CaseIdComparer.Instance);
        foreach (var category in categories) text.AppendLine(Row($"{category.Key} {category.First().CategoryTitle}", category.ToList()));
        text.AppendLine(Row("all", results));
        if (results.Count < selected) text.AppendLine($"{selected - results.Count} selected case(s) did not run.");
        var again = results.Where(r => r.RunAgainBecause is not null).Select(r => r.Id).ToList();
        if (again.Count > 0)
            text.AppendLine($"{again.Count} case(s) ran a second time, alone, because a timer decided their first verdict: {string.Join(", ", again)}.");

        var timed = results.Where(r => r.Category == "9").GroupBy(r => r.Group).ToList();
        if (timed.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("durations (ms) of the limits and performance cases:");
            foreach (var group in timed)
                text.AppendLine($"  {group.Key,-5} {string.Join("  ", group.Select(r => $"{r.Id[(group.Key.Length + 1)..]}: {r.DurationMs}"))}   {group.First().GroupTitle}");
        }

        if (compared is not null)
        {
            Listed("regressions (worse than expected)", compared.Where(c => c.Comparison == Comparison.Regression), text);
            Listed("changed, neither better nor worse than expected (a change away from the expectations fails like a regression)",
                compared.Where(c => c.Comparison == Comparison.Changed), text);
            Listed("unexpected passes (better than expected: tighten the expectations)", compared.Where(c => c.Comparison == Comparison.UnexpectedPass), text);
            if (withoutResult is { Count: > 0 })
            {
                text.AppendLine();
                text.AppendLine($"{withoutResult.Count} selected case(s) without a result (counted as failures: a run with cases missing is no pass)");
                text.AppendLine($"  {string.Join(", ", withoutResult.Take(50))}{(withoutResult.Count > 50 ? $", and {withoutResult.Count - 50} more" : "")}");
            }
            var expected = compared.Count(c => c.Comparison == Comparison.AsExpected && !ExpectationSet.Default.Allows(c.Result.Verdicts));
            text.AppendLine($"{expected} case(s) not OK, as expected (known issues and decisions in {expectationsFile})");
            return text.ToString();
        }

        var notOk = results.Where(IsNotOk).ToList();
        if (notOk.Count > 0)
        {
            text.AppendLine();
            foreach (var r in notOk) text.AppendLine($"  {r.Id,-8} {r.Verdicts}: {r.Reason}");
        }
        return text.ToString();
    }

    private static void Listed(string title, IEnumerable<ComparedCase> cases, StringBuilder text)
    {
        var list = cases.ToList();
        text.AppendLine();
        text.AppendLine($"{list.Count} {title}");
        foreach (var category in list.GroupBy(c => $"{c.Result.Category} {c.Result.CategoryTitle}"))
        {
            text.AppendLine($"  {category.Key}");
            foreach (var c in category) text.AppendLine($"    {c.Result.Id,-8} {c.Verdicts}, expected {c.Expected}: {c.Result.Reason}");
        }
    }

    /// <summary>A case worth listing: anything but OK (or INFORMATIONAL) on either verdict.</summary>
    public static bool IsNotOk(CaseResult r) => !ExpectationSet.Default.Allows(r.Verdicts);

    private static string Row(string name, IReadOnlyList<CaseResult> rows)
    {
        int Count(Verdict verdict) => rows.Count(r => r.Behavior == verdict);
        var closeNotOk = rows.Count(r => r.BehaviorClose.Badness() > 0);
        if (name.Length > 34) name = name[..33] + "…";
        return $"{name,-34} {rows.Count,5} {Count(Verdict.Ok),5} {Count(Verdict.NonStrict),10} {Count(Verdict.Informational),5} {Count(Verdict.Unimplemented),6} {Count(Verdict.Failed),6} {closeNotOk,12}";
    }
}
