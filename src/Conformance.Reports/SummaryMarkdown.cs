using System.Text;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;

namespace Conformance.Reports;

/// <summary>
/// summary.md: one page for a pull-request comment or $GITHUB_STEP_SUMMARY: totals per category for each target,
/// then, with an expectations file, the regressions, the changes to another verdict as bad, the unexpected passes and
/// how many selected cases have no result, else the cases that were not OK.
/// </summary>
public static class SummaryMarkdown
{
    private const int Listed = 100;

    public static string Render(ResultsDocument document, IReadOnlyDictionary<string, IReadOnlyList<ComparedCase>>? compared = null)
    {
        var text = new StringBuilder();
        foreach (var run in document.Runs)
        {
            text.AppendLine($"## WebSocket conformance: {Escape(run.Agent)}");
            text.AppendLine();
            text.AppendLine($"{Escape(run.Target)} · {run.Cases.Count} case(s) · {run.StartedAt:yyyy-MM-dd HH:mm} UTC"
                + (run.Interrupted ? " · **interrupted**" : "") + (run.Error is { } e ? $" · **{Escape(e)}**" : ""));
            text.AppendLine();
            text.AppendLine($"| category | cases | {string.Join(" | ", VerdictWords.Behavior.Words)} | close not OK |");
            text.AppendLine($"|---|---:|{string.Concat(VerdictWords.Behavior.Verdicts.Select(_ => "---:|"))}---:|");
            foreach (var category in run.Cases.GroupBy(c => c.Category).OrderBy(g => g.Key, CaseIdComparer.Instance))
                text.AppendLine(Row(Escape($"{category.Key} {category.First().CategoryTitle}"), category.ToList()));
            text.AppendLine(Row("**all**", run.Cases));
            text.AppendLine();

            if (compared is not null && compared.TryGetValue(run.Agent, out var cases))
            {
                List("Regressions (worse than expected)", cases.Where(c => c.Comparison == Comparison.Regression), text);
                List("Changed, neither better nor worse than expected (fails like a regression)", cases.Where(c => c.Comparison == Comparison.Changed), text);
                List("Unexpected passes (better than expected: the expectations can be tightened)", cases.Where(c => c.Comparison == Comparison.UnexpectedPass), text);
                if (run.CasesSelected > run.Cases.Count)
                {
                    text.AppendLine($"**Selected cases without a result (counted as failures): {run.CasesSelected - run.Cases.Count}**"
                        + (run.Interrupted ? " (the run was interrupted)" : ""));
                    text.AppendLine();
                }
            }
            else
            {
                var notOk = run.Cases.Where(c => !ExpectationSet.Default.Allows(c.Verdicts)).ToList();
                text.AppendLine($"**Not OK: {notOk.Count}**");
                text.AppendLine();
                foreach (var c in notOk.Take(Listed)) text.AppendLine($"- {Code(c.Id)} {c.Verdicts}: {Escape(c.Reason)}");
                if (notOk.Count > Listed) text.AppendLine($"- … and {notOk.Count - Listed} more (see the HTML report)");
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    private static void List(string title, IEnumerable<ComparedCase> cases, StringBuilder text)
    {
        var list = cases.ToList();
        text.AppendLine($"**{title}: {list.Count}**");
        text.AppendLine();
        foreach (var group in list.Take(Listed).GroupBy(c => $"{c.Result.Category} {c.Result.CategoryTitle}"))
        {
            text.AppendLine($"- {Escape(group.Key)}");
            foreach (var c in group)
                text.AppendLine($"  - {Code(c.Result.Id)} {c.Verdicts}, expected {c.Expected}: {Escape(c.Result.Reason)}");
        }
        if (list.Count > Listed) text.AppendLine($"- … and {list.Count - Listed} more (see the HTML report)");
        text.AppendLine();
    }

    /// <param name="name">Markdown, already escaped.</param>
    private static string Row(string name, IReadOnlyList<CaseResult> rows)
    {
        var counts = VerdictWords.Behavior.Verdicts.Select(v => rows.Count(r => r.Behavior == v));
        var closeNotOk = rows.Count(r => r.BehaviorClose.Badness() > 0);
        return $"| {name} | {rows.Count} | {string.Join(" | ", counts)} | {closeNotOk} |";
    }

    /// <summary>
    /// Text from the server (or any text of the run) must not become Markdown, HTML or a notification in a
    /// pull-request comment: no tags or entities, no emphasis, code, links, headings, math or table cells of its own,
    /// no @mentions (a zero-width space after the @ keeps the text readable and the mention dead), no control or
    /// direction-changing characters.
    /// </summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            builder.Append(ch switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '@' => "@\u200B",
                '\r' or '\n' => " ",
                '|' or '*' or '_' or '`' or '[' or ']' or '\\' or '#' or '~' or '$' or '!' => "\\" + ch,
                _ when char.IsControl(ch) || IsDirectionControl(ch) => "\uFFFD",
                _ => ch.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>A case id as inline code; a backtick in it would end the code early, so it cannot have one.</summary>
    private static string Code(string id) => $"`{id.Replace('`', '\'')}`";

    private static bool IsDirectionControl(char ch) => ch is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
