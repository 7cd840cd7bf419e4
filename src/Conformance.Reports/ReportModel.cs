using System.Text.RegularExpressions;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;

namespace Conformance.Reports;

public sealed record RfcLink(string Name, string Href);

public sealed record VerdictCount(string Word, string Css, int Count);

public sealed record RunSummary(
    string Agent, string Target, string StartedAt, string FinishedAt, bool Interrupted, string? Error,
    int Cases, IReadOnlyList<VerdictCount> Behavior, IReadOnlyList<VerdictCount> Close);

/// <param name="Marks">Words shown beside the verdicts: "racy" within a race class, "run twice" when a timer's verdict was confirmed alone.</param>
public sealed record ResultCell(string Behavior, string BehaviorCss, string Close, string CloseCss, long DurationMs, string Href, string Reason, IReadOnlyList<string> Marks);

public sealed record CaseRow(string Id, string Title, string Verdicts, IReadOnlyList<ResultCell?> Cells);

public sealed record GroupSection(string Id, string Title, IReadOnlyList<CaseRow> Rows);

public sealed record CategorySection(string Id, string Title, IReadOnlyList<GroupSection> Groups);

public sealed record IndexPage(
    string GeneratedAt, string ToolVersion, IReadOnlyList<RunSummary> Runs, IReadOnlyList<CategorySection> Categories);

public sealed record ExpectedList(string Verdict, string Events);

/// <summary>The first run of a case run twice, shown folded under the run that counts.</summary>
public sealed record FirstRunView(
    string Behavior, string BehaviorCss, string Close, string CloseCss, string Reason, long DurationMs, string StartedAt,
    IReadOnlyList<TranscriptRow> Transcript);

public sealed record CasePage(
    string Agent, string Target, string Id, string Title, string Category, string Group,
    IReadOnlyList<RfcLink> Rfc, string Requirement, string Expectation, IReadOnlyList<string> Steps,
    string? ExpectedHandshake, IReadOnlyList<ExpectedList> Expected, string ExpectedClose,
    string Behavior, string BehaviorCss, string Close, string CloseCss, string Reason, long DurationMs, string StartedAt,
    int? RemoteCloseCode, string? RemoteCloseReason, string ReceivedEvents, IReadOnlyList<TranscriptRow> Transcript,
    string? Race, IReadOnlyList<string> Violations, string? RunAgainBecause, FirstRunView? FirstRun, string Peer);

/// <summary>What the templates show, built from results alone.</summary>
public static partial class ReportModel
{
    public static string Css(Verdict verdict) => verdict switch
    {
        Verdict.Ok => "ok",
        Verdict.NonStrict => "nonstrict",
        Verdict.Informational => "info",
        Verdict.Unimplemented => "unimpl",
        _ => "failed",
    };

    public static string Css(CloseVerdict verdict) => verdict switch
    {
        CloseVerdict.Ok => "ok",
        CloseVerdict.Informational => "info",
        CloseVerdict.WrongCode or CloseVerdict.Unclean or CloseVerdict.FailedByClient => "wrongclose",
        _ => "failed",
    };

    /// <summary>A case's page for a run alone in its results.</summary>
    public static string PageName(string agent, string caseId) => $"cases/{ResultsWriter.CaseFileName(agent, caseId)}.html";

    /// <summary>A case's page from the run's agent part (<see cref="ResultsWriter.AgentFileParts"/>), one page per run and case.</summary>
    public static string PageFor(string agentPart, string caseId) => $"cases/{ResultsWriter.CaseFileStem(agentPart, caseId)}.html";

    public static IndexPage Index(ResultsDocument document)
    {
        var runs = document.Runs;
        var agentParts = ResultsWriter.AgentFileParts(runs);
        var byRun = runs.Select(r => r.Cases.ToDictionary(c => c.Id)).ToList();
        var all = runs.SelectMany(r => r.Cases).GroupBy(c => c.Id).Select(g => g.First())
            .OrderBy(c => c.Id, CaseIdComparer.Instance).ToList();
        var categories = all.GroupBy(c => c.Category).Select(category => new CategorySection(
            category.Key, category.First().CategoryTitle,
            category.GroupBy(c => c.Group).Select(group => new GroupSection(group.Key, group.First().GroupTitle,
                group.Select(c =>
                {
                    var cells = runs.Select((run, i) => byRun[i].TryGetValue(c.Id, out var r)
                        ? new ResultCell(r.Behavior.Word(), Css(r.Behavior), r.BehaviorClose.Word(), Css(r.BehaviorClose), r.DurationMs, PageFor(agentParts[i], c.Id), r.Reason, Marks(r))
                        : null).ToList();
                    var verdicts = string.Join(" ", cells.Where(x => x is not null).SelectMany(x => new[] { x!.BehaviorCss, x.CloseCss }).Distinct());
                    return new CaseRow(c.Id, c.Title, verdicts, cells);
                }).ToList())).ToList())).ToList();

        return new IndexPage(
            document.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), document.ToolVersion,
            runs.Select(r => new RunSummary(
                r.Agent, r.Target, r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"),
                r.FinishedAt?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'") ?? "", r.Interrupted, r.Error, r.Cases.Count,
                Count(VerdictWords.Behavior, Css, r.Cases.Select(c => c.Behavior)), Count(VerdictWords.Close, Css, r.Cases.Select(c => c.BehaviorClose)))).ToList(),
            categories);
    }

    private static IReadOnlyList<string> Marks(CaseResult r) =>
        [.. r.IsWithinRace ? ["racy"] : Array.Empty<string>(), .. r.FirstRun is not null ? ["run twice"] : Array.Empty<string>()];

    private static IReadOnlyList<VerdictCount> Count<T>(VerdictTable<T> table, Func<T, string> css, IEnumerable<T> verdicts) where T : struct, Enum
    {
        var list = verdicts.ToList();
        return table.Verdicts.Select(v => new VerdictCount(table.Word(v), css(v), list.Count(x => x.Equals(v)))).Where(v => v.Count > 0).ToList();
    }

    public static CasePage Case(RunResults run, CaseResult c) => new(
        run.Agent, run.Target, c.Id, c.Title, $"{c.Category} {c.CategoryTitle}", $"{c.Group} {c.GroupTitle}",
        c.Rfc.Select(Link).ToList(), c.Requirement, c.Expectation, c.Steps,
        c.ExpectedHandshake, c.ExpectedHandshake is not null && c.ExpectedClose == "" ? [] : c.ExpectedEvents.Select(p => new ExpectedList(p.Key.Word(), p.Value)).ToList(), c.ExpectedClose,
        c.Behavior.Word(), Css(c.Behavior), c.BehaviorClose.Word(), Css(c.BehaviorClose), c.Reason, c.DurationMs,
        c.StartedAt.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'"), c.RemoteCloseCode, c.RemoteCloseReason, c.ReceivedEvents,
        TranscriptView.PageRows(c.Transcript),
        c.IsWithinRace ? $"{string.Join(" and ", c.Race!.Behaviors.Select(v => v.Word()))} are as good as each other here: {c.Race.Why}" : null,
        c.Violations, c.RunAgainBecause,
        c.FirstRun is { } first
            ? new FirstRunView(first.Behavior.Word(), Css(first.Behavior), first.BehaviorClose.Word(), Css(first.BehaviorClose), first.Reason, first.DurationMs,
                first.StartedAt.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'"), TranscriptView.PageRows(first.Transcript))
            : null,
        TranscriptView.PeerOf(c.Transcript));

    [GeneratedRegex(@"^RFC\s*(\d+)\s+([\d.]+)$")]
    private static partial Regex RfcSection();

    public static RfcLink Link(string reference)
    {
        var m = RfcSection().Match(reference.Trim());
        return m.Success
            ? new RfcLink(reference, $"https://www.rfc-editor.org/rfc/rfc{m.Groups[1].Value}#section-{m.Groups[2].Value.TrimEnd('.')}")
            : new RfcLink(reference, "");
    }
}
