using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;

namespace Conformance.Reports;

/// <summary>One target's results of the cases that check a requirement: how many are OK of how many ran.</summary>
public sealed record RequirementTally(string Agent, int Ok, int Total, string State, string Css);

public sealed record TracedCell(string Behavior, string BehaviorCss, string Close, string CloseCss, string Href, string Reason, bool Ok);

/// <param name="Href">The case's page of the first target that ran it.</param>
public sealed record TracedCase(string Id, string Title, string Href, IReadOnlyList<TracedCell?> Cells);

/// <param name="NotOk">The cases not OK for some target, shown open; the rest are folded.</param>
public sealed record TracedRequirement(
    string Id, string Rfc, string Section, string Href, string Keyword, string Words, string? Untestable,
    IReadOnlyList<RequirementTally> Tallies, IReadOnlyList<TracedCase> NotOk, IReadOnlyList<TracedCase> Ok);

public sealed record RequirementsByRfc(string Rfc, IReadOnlyList<TracedRequirement> Requirements);

public sealed record RequirementFigures(int Requirements, int Checked, int Untestable, int NotChecked, int Met, int Broken);

/// <summary>A case of the results naming a requirement the requirements file does not have.</summary>
public sealed record UnknownRequirement(string CaseId, string Id);

/// <summary>requirements.html: every requirement with the cases that check it and their verdicts per target.</summary>
public sealed record RequirementsView(
    string GeneratedAt, string Source, IReadOnlyList<string> Agents, RequirementFigures Figures, IReadOnlyList<ScoreBar> MetBars,
    IReadOnlyList<RequirementsByRfc> ByRfc, IReadOnlyList<TracedRequirement> NotChecked, IReadOnlyList<TracedRequirement> Untestable,
    IReadOnlyList<UnknownRequirement> Unknown);

public static class RequirementsPage
{
    public const string FileName = "requirements.html";

    public static RequirementsView Build(ResultsDocument document, RequirementSet requirements)
    {
        var runs = document.Runs;
        var agentParts = ResultsWriter.AgentFileParts(runs);
        var byRun = runs.Select(r => r.Cases.ToDictionary(c => c.Id)).ToList();
        var all = runs.SelectMany(r => r.Cases).GroupBy(c => c.Id).Select(g => g.First()).OrderBy(c => c.Id, CaseIdComparer.Instance).ToList();
        var casesOf = all.SelectMany(c => c.Requirements.Select(id => (id, c))).ToLookup(p => p.id, p => p.c);

        TracedCase Trace(CaseResult c)
        {
            var cells = runs.Select((run, i) => byRun[i].TryGetValue(c.Id, out var r)
                ? new TracedCell(r.Behavior.Word(), ReportModel.Css(r.Behavior), r.BehaviorClose.Word(), ReportModel.Css(r.BehaviorClose),
                    ReportModel.PageFor(agentParts[i], c.Id), r.Reason, Scorecard.IsOk(r))
                : null).ToList();
            return new TracedCase(c.Id, c.Title, cells.First(x => x is not null)!.Href, cells);
        }

        var traced = requirements.Requirements.Select(q =>
        {
            var cases = casesOf[q.Id].ToList();
            var tallies = runs.Select((run, i) =>
            {
                var results = cases.Where(c => byRun[i].ContainsKey(c.Id)).Select(c => byRun[i][c.Id]).ToList();
                var ok = results.Count(Scorecard.IsOk);
                var (state, css) = q.Untestable is not null ? ("untestable", "unimpl")
                    : results.Count == 0 ? ("not checked", "unimpl")
                    : ok == results.Count ? ("met", "ok") : ("not met", "failed");
                return new RequirementTally(run.Agent, ok, results.Count, state, css);
            }).ToList();
            var notOk = cases.Where(c => runs.Select((_, i) => i).Any(i => byRun[i].TryGetValue(c.Id, out var r) && !Scorecard.IsOk(r))).ToList();
            return new TracedRequirement(q.Id, q.Rfc, q.Section, ReportModel.Link($"{q.Rfc.Replace(" ", "")} {q.Section}").Href, q.Keyword, q.Words, q.Untestable,
                tallies, notOk.Select(Trace).ToList(), cases.Except(notOk).Select(Trace).ToList());
        }).ToList();

        var checkedIds = traced.Where(t => t.Untestable is null && t.Tallies.Any(x => x.Total > 0)).ToList();
        return new RequirementsView(
            document.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), Path.GetFileName(requirements.Source), runs.Select(r => r.Agent).ToList(),
            new RequirementFigures(traced.Count, checkedIds.Count, traced.Count(t => t.Untestable is not null),
                traced.Count(t => t.Untestable is null && t.Tallies.All(x => x.Total == 0)),
                checkedIds.Count(t => t.Tallies.All(x => x.State is "met")), checkedIds.Count(t => t.Tallies.Any(x => x.State is "not met"))),
            runs.Select((run, i) =>
            {
                var tallies = checkedIds.Select(t => t.Tallies[i]).Where(x => x.Total > 0).ToList();
                return Scorecard.Bar(run.Agent, i, tallies.Count(x => x.State == "met"), tallies.Count);
            }).ToList(),
            traced.GroupBy(t => t.Rfc).Select(g => new RequirementsByRfc(g.Key, g.ToList())).ToList(),
            traced.Where(t => t.Untestable is null && t.Tallies.All(x => x.Total == 0)).ToList(),
            traced.Where(t => t.Untestable is not null).ToList(),
            all.SelectMany(c => c.Requirements.Where(id => requirements.Find(id) is null).Select(id => new UnknownRequirement(c.Id, id))).ToList());
    }
}
