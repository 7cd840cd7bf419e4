using System.Text.RegularExpressions;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Scriban;

namespace Conformance.Reports;

/// <summary>A not-OK case's page inside the single file: the case page's body, its ids prefixed with the anchor.</summary>
/// <param name="LeftOut">How many rows of its wire transcript the file leaves out (in the middle; the case page has them all).</param>
public sealed record EmbeddedCasePage(string Anchor, string Html, int LeftOut, string PageFile);

/// <summary>
/// The whole report as one HTML file to send: styles inline, no script, nothing fetched; the scorecard, the requirements'
/// figures, every case as a row, and the pages of the cases not OK inside it (the OK cases' pages are left out).
/// </summary>
public static partial class SingleFileReport
{
    public const string FileName = "conformance-report.html";

    private static readonly Lazy<Template> SingleTemplate = new(() => ReportWriter.Load("single.sbn"));
    private static readonly Lazy<Template> CaseTemplate = new(() => ReportWriter.Load("case.sbn"));

    /// <summary>Writes the file and returns its path.</summary>
    public static string Write(string directory, ResultsDocument document,
        IReadOnlyDictionary<string, IReadOnlyList<ComparedCase>>? compared = null, RequirementSet? requirements = null)
    {
        var parts = ResultsWriter.AgentFileParts(document.Runs);
        var notOk = document.Runs.SelectMany((run, i) => run.Cases.Where(c => !Scorecard.IsOk(c)).Select(c => (Run: i, Case: c))).ToList();
        var notOkPages = notOk.Select(x => Anchor(parts[x.Run], x.Case.Id)).ToHashSet();
        string PageFor(string part, string caseId) => notOkPages.Contains(Anchor(part, caseId)) ? "#" + Anchor(part, caseId) : "#case-" + caseId;

        var index = ReportModel.Index(document);
        var categories = index.Categories.Select(category => category with
        {
            Groups = category.Groups.Select(group => group with
            {
                Rows = group.Rows.Select(row => row with
                {
                    Cells = row.Cells.Select((cell, i) => cell is null ? null
                        : cell with { Href = notOkPages.Contains(Anchor(parts[i], row.Id)) ? "#" + Anchor(parts[i], row.Id) : "" }).ToList(),
                }).ToList(),
            }).ToList(),
        }).ToList();
        var pages = notOk.Select(x =>
        {
            var page = ReportModel.Case(document.Runs[x.Run], x.Case);
            var leftOut = Math.Max(0, page.Transcript.Count - 2 * TranscriptRowsKept);
            if (leftOut > 0) page = page with { Transcript = [.. page.Transcript.Take(TranscriptRowsKept), .. page.Transcript.TakeLast(TranscriptRowsKept)] };
            var anchor = Anchor(parts[x.Run], x.Case.Id);
            return new EmbeddedCasePage(anchor, Embed(ReportWriter.Render(CaseTemplate.Value, page), anchor), leftOut, ReportModel.PageFor(parts[x.Run], x.Case.Id));
        }).ToList();

        var html = ReportWriter.Render(SingleTemplate.Value, index with { Categories = categories },
            new IndexGlobals(Scorecard.Build(document, compared, PageFor), null, null),
            new SingleFileGlobals(ReportWriter.Resource("report.css"), requirements is null ? null : RequirementsPage.Build(document, requirements), pages));
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, html);
        return path;
    }

    /// <summary>
    /// The rows of an embedded case's wire transcript kept at each end: the opening and the closing of the conversation,
    /// where the verdicts are decided; a series of 1000 round trips would otherwise make the file megabytes.
    /// </summary>
    public const int TranscriptRowsKept = 40;

    /// <summary>The id of a run's case inside the file: the case page's file name without its extension.</summary>
    public static string Anchor(string agentPart, string caseId) => ResultsWriter.CaseFileStem(agentPart, caseId);

    [GeneratedRegex("<body>(.*)</body>", RegexOptions.Singleline)]
    private static partial Regex Body();

    [GeneratedRegex(" id=\"([^\"]*)\"")]
    private static partial Regex Id();

    /// <summary>The body of a rendered case page, its ids made unique in the file and its link back to the index made a link within it.</summary>
    private static string Embed(string page, string anchor)
    {
        var body = Body().Match(page).Groups[1].Value;
        body = body.Replace("href=\"../index.html#case-", "href=\"#case-", StringComparison.Ordinal);
        return Id().Replace(body, m => $" id=\"{anchor}-{m.Groups[1].Value}\"");
    }
}

/// <param name="Css">report.css, written inline.</param>
public sealed record SingleFileGlobals(string Css, RequirementsView? Requirements, IReadOnlyList<EmbeddedCasePage> CasePages);
