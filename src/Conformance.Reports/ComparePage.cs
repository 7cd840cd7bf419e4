using Conformance.Engine;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;

namespace Conformance.Reports;

/// <summary>A case in both runs: its verdicts and close code before and after, with both case pages.</summary>
public sealed record ChangedCase(
    string Id, string Title, string OldBehavior, string OldBehaviorCss, string OldClose, string OldCloseCss, string OldCode, string OldHref,
    string NewBehavior, string NewBehaviorCss, string NewClose, string NewCloseCss, string NewCode, string NewHref, string NewReason);

/// <summary>A case in one run only, with its page there.</summary>
public sealed record OneSidedCase(string Id, string Title, string Behavior, string BehaviorCss, string Close, string CloseCss, string Href);

public sealed record ChangeList(string Id, string Title, string Explanation, IReadOnlyList<ChangedCase> Cases);

/// <summary>compare.html: what changed from one run to the next (<see cref="ResultsDiff"/>).</summary>
public sealed record CompareView(
    string GeneratedAt, string OldAgent, string OldStarted, string NewAgent, string NewStarted, bool Fails, IReadOnlyList<string> Gate,
    IReadOnlyList<ScoreBar> Bars, IReadOnlyList<ChangeList> Lists, IReadOnlyList<OneSidedCase> Added, IReadOnlyList<OneSidedCase> Removed);

public static class ComparePage
{
    public const string FileName = "compare.html";

    /// <summary>The first run of the document is the old one, the second the new one.</summary>
    public static CompareView Build(ResultsDocument document)
    {
        if (document.Runs.Count != 2) throw new ArgumentException("a comparison needs exactly two runs, the old and the new", nameof(document));
        var (old, @new) = (document.Runs[0], document.Runs[1]);
        var parts = ResultsWriter.AgentFileParts(document.Runs);
        var diff = ResultsDiff.Between(old, @new);
        var before = old.Cases.ToDictionary(c => c.Id);
        var after = @new.Cases.ToDictionary(c => c.Id);

        ChangedCase Changed(CaseChange change)
        {
            var (o, n) = (before[change.Id], after[change.Id]);
            return new ChangedCase(change.Id, change.Title,
                o.Behavior.Word(), ReportModel.Css(o.Behavior), o.BehaviorClose.Word(), ReportModel.Css(o.BehaviorClose), Code(change.OldCode), ReportModel.PageFor(parts[0], o.Id),
                n.Behavior.Word(), ReportModel.Css(n.Behavior), n.BehaviorClose.Word(), ReportModel.Css(n.BehaviorClose), Code(change.NewCode), ReportModel.PageFor(parts[1], n.Id),
                n.Reason);
        }

        OneSidedCase OneSided(CaseResult c, string part) =>
            new(c.Id, c.Title, c.Behavior.Word(), ReportModel.Css(c.Behavior), c.BehaviorClose.Word(), ReportModel.Css(c.BehaviorClose), ReportModel.PageFor(part, c.Id));

        var gate = new List<string>();
        if (diff.Regressions.Count > 0) gate.Add($"{diff.Regressions.Count} regression(s)");
        if (diff.Changes.Count > 0) gate.Add($"{diff.Changes.Count} change(s) to another verdict as bad");
        if (diff.OnlyInOld.Count > 0) gate.Add($"{diff.OnlyInOld.Count} case(s) of the old run without a result in the new one");
        if (diff.NewWithoutResult > 0) gate.Add($"{diff.NewWithoutResult} selected case(s) of the new run without a result");
        if (diff.NewInterrupted) gate.Add("the new run was interrupted");

        return new CompareView(
            document.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"),
            old.Agent, old.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), @new.Agent, @new.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"),
            diff.Fails, gate,
            document.Runs.Select((run, i) => Scorecard.Bar(run.Agent, i, run.Cases.Count(Scorecard.IsOk), run.Cases.Count)).ToList(),
            [
                new ChangeList("regressions", "Regressions", "a verdict worse than before", diff.Regressions.Select(Changed).ToList()),
                new ChangeList("changes", "Changed, neither better nor worse", "another verdict as bad as before (WRONG CODE to UNCLEAN)", diff.Changes.Select(Changed).ToList()),
                new ChangeList("fixes", "Fixes", "a verdict better than before", diff.Fixes.Select(Changed).ToList()),
                new ChangeList("close-codes", "Changed close codes", "the server closed with another code (or none)", diff.CloseCodeChanges.Select(Changed).ToList()),
            ],
            diff.OnlyInNew.Select(id => OneSided(after[id], parts[1])).ToList(),
            diff.OnlyInOld.Select(id => OneSided(before[id], parts[0])).ToList());
    }

    private static string Code(int? code) => code?.ToString() ?? "none";
}
