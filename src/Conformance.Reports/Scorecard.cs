using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;

namespace Conformance.Reports;

/// <summary>One target's share of OK cases in a row of the scorecard; <see cref="Percent"/> is the bar's length out of 100.</summary>
public sealed record ScoreBar(string Agent, int Color, int Ok, int Total, double Percent, string PercentText);

/// <summary>A row of a bar chart: a category or an RFC, one bar per target (null where a target ran none of its cases).</summary>
public sealed record ScoreRow(string Label, IReadOnlyList<ScoreBar?> Bars);

public sealed record ScoreTarget(string Agent, int Color, int Ok, int Total, string PercentText, int NotOk);

/// <summary>A known issue or decision of the expectations file that covers a case, as the report marks it.</summary>
public sealed record ExpectedMark(string Kind, string Reason, string RemovedBy, string Rfc);

/// <summary>One target's result of a case that is not OK for some target.</summary>
public sealed record NotOkCell(
    bool NotOk, string Behavior, string BehaviorCss, string Close, string CloseCss, string Href, string Reason, ExpectedMark? Expected);

public sealed record NotOkRow(string Id, string Title, IReadOnlyList<NotOkCell?> Cells);

/// <summary>The not-OK cases that break one requirement (the RFC section a case names first).</summary>
public sealed record NotOkGroup(string Section, string Href, IReadOnlyList<NotOkRow> Rows);

/// <summary>The top of index.html: per target the share of OK cases by category and by RFC, then the cases not OK.</summary>
public sealed record ScorecardView(
    IReadOnlyList<ScoreTarget> Targets, IReadOnlyList<ScoreRow> ByCategory, IReadOnlyList<ScoreRow> ByRfc,
    IReadOnlyList<NotOkGroup> NotOk, bool HasExpectations);

public static class Scorecard
{
    /// <summary>
    /// A case is OK for the scorecard when both verdicts are what a case without an expectation allows: OK or
    /// INFORMATIONAL, and NON-STRICT within a race class whose verdicts include OK.
    /// </summary>
    public static bool IsOk(CaseResult c) => ExpectationComparer.Compare(c, ExpectationSet.Default) == Comparison.AsExpected;

    /// <summary>The RFCs a case's sections come from, "RFC 6455" from "RFC6455 5.2"; "no RFC named" when it names none.</summary>
    public static IReadOnlyList<string> Rfcs(CaseDescription c)
    {
        var names = c.Rfc.Select(RfcName).Where(n => n is not null).Select(n => n!).Distinct().ToList();
        return names.Count > 0 ? names : ["no RFC named"];
    }

    private static string? RfcName(string reference)
    {
        var number = new string(reference.Trim().Replace("RFC", "", StringComparison.OrdinalIgnoreCase).TrimStart().TakeWhile(char.IsDigit).ToArray());
        return number.Length == 0 ? null : $"RFC {number}";
    }

    /// <summary>RFC 6455 first, then RFC 7692, then the others by number.</summary>
    private static int RfcOrder(string name) => name switch
    {
        "RFC 6455" => 0,
        "RFC 7692" => 1,
        _ => name.StartsWith("RFC ", StringComparison.Ordinal) && int.TryParse(name.AsSpan(4), out var n) ? 2 + n : int.MaxValue,
    };

    /// <param name="pageFor">Where a case's page of a run is, from the run's agent part and the case id; the case's file under cases/ when null.</param>
    public static ScorecardView Build(ResultsDocument document, IReadOnlyDictionary<string, IReadOnlyList<ComparedCase>>? compared,
        Func<string, string, string>? pageFor = null)
    {
        pageFor ??= ReportModel.PageFor;
        var runs = document.Runs;
        var agentParts = ResultsWriter.AgentFileParts(runs);
        var all = runs.SelectMany(r => r.Cases).GroupBy(c => c.Id).Select(g => g.First()).OrderBy(c => c.Id, CaseIdComparer.Instance).ToList();

        IReadOnlyList<ScoreRow> Rows(IEnumerable<(string Label, Func<CaseResult, bool> Holds)> rows) => rows.Select(row => new ScoreRow(row.Label,
            runs.Select((run, i) =>
            {
                var cases = run.Cases.Where(row.Holds).ToList();
                return cases.Count == 0 ? null : Bar(run.Agent, i, cases.Count(IsOk), cases.Count);
            }).ToList())).ToList();

        var categories = all.GroupBy(c => c.Category).Select(g => (Label: $"{g.Key} {g.First().CategoryTitle}", Holds: (Func<CaseResult, bool>)(c => c.Category == g.Key)));
        var rfcs = all.SelectMany(Rfcs).Distinct().OrderBy(RfcOrder)
            .Select(name => (Label: name, Holds: (Func<CaseResult, bool>)(c => Rfcs(c).Contains(name))));

        var byRun = runs.Select(r => r.Cases.ToDictionary(c => c.Id)).ToList();
        var expectations = runs.Select(r => compared?.GetValueOrDefault(r.Agent)?.ToDictionary(c => c.Result.Id, c => c.Expectation)).ToList();
        var notOk = all.Where(c => byRun.Any(cases => cases.TryGetValue(c.Id, out var r) && !IsOk(r)))
            .GroupBy(c => c.Rfc.FirstOrDefault() ?? "no RFC section named")
            .OrderBy(g => RfcOrder(RfcName(g.Key) ?? "")).ThenBy(g => g.Key, SectionComparer.Instance)
            .Select(g => new NotOkGroup(g.Key, ReportModel.Link(g.Key).Href, g.Select(c => new NotOkRow(c.Id, c.Title,
                runs.Select((run, i) => byRun[i].TryGetValue(c.Id, out var r)
                    ? new NotOkCell(!IsOk(r), r.Behavior.Word(), ReportModel.Css(r.Behavior), r.BehaviorClose.Word(), ReportModel.Css(r.BehaviorClose),
                        pageFor(agentParts[i], c.Id), FirstLine(r.Reason), Mark(expectations[i]?.GetValueOrDefault(c.Id)))
                    : null).ToList())).ToList()))
            .ToList();

        return new ScorecardView(
            runs.Select((run, i) =>
            {
                var ok = run.Cases.Count(IsOk);
                return new ScoreTarget(run.Agent, i % Colors, ok, run.Cases.Count, PercentText(ok, run.Cases.Count), run.Cases.Count - ok);
            }).ToList(),
            Rows(categories), Rows(rfcs), notOk, compared is not null);
    }

    /// <summary>How many colours report.css has for the targets' bars (.t0 to .t5).</summary>
    private const int Colors = 6;

    internal static ScoreBar Bar(string agent, int run, int ok, int total) =>
        new(agent, run % Colors, ok, total, total == 0 ? 0 : Math.Round(100.0 * ok / total, 2), PercentText(ok, total));

    /// <summary>Whole percents, except that only all is 100 % and only none is 0 %.</summary>
    private static string PercentText(int ok, int total)
    {
        if (total == 0) return "–";
        var percent = (int)Math.Round(100.0 * ok / total);
        if (percent == 100 && ok < total) percent = 99;
        if (percent == 0 && ok > 0) percent = 1;
        return $"{percent} %";
    }

    private static ExpectedMark? Mark(Expectation? expectation) =>
        expectation is null || expectation == ExpectationSet.Default
            ? null
            : new ExpectedMark(expectation.Kind == ExpectationKind.KnownIssue ? "known issue" : "decision", expectation.Reason,
                expectation.RemovedBy ?? "", expectation.Rfc ?? "");

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 240 ? line : line[..239] + "…";
    }

    /// <summary>Orders "RFC6455 5.10" after "RFC6455 5.9": numbers compared as numbers.</summary>
    private sealed class SectionComparer : IComparer<string>
    {
        public static SectionComparer Instance { get; } = new();

        public int Compare(string? x, string? y) => CaseIdComparer.Instance.Compare(Key(x), Key(y));

        private static string Key(string? section) => (section ?? "").Split(' ').Last();
    }
}
