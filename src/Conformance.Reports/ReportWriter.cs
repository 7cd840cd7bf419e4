using System.Reflection;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Scriban;
using Scriban.Runtime;

namespace Conformance.Reports;

/// <summary>
/// Writes the HTML report (index.html, a page per case and target under cases/, report.css, report.js) and
/// junit.xml from results. Templates are Scriban files embedded in this assembly; every value is HTML-escaped in
/// them, because most of what a report shows came from the server.
/// </summary>
public static class ReportWriter
{
    private static readonly Lazy<Template> IndexTemplate = new(() => Load("index.sbn"));
    private static readonly Lazy<Template> CaseTemplate = new(() => Load("case.sbn"));
    private static readonly Lazy<Template> RequirementsTemplate = new(() => Load("requirements.sbn"));
    private static readonly Lazy<Template> CompareTemplate = new(() => Load("compare.sbn"));

    public static string IndexPath(string directory) => Path.Combine(directory, "index.html");

    public static string SummaryPath(string directory) => Path.Combine(directory, "summary.md");

    /// <param name="pages">The pages beyond the index and the case pages, each linked from the index.</param>
    public static void Write(string directory, ResultsDocument document,
        IReadOnlyDictionary<string, IReadOnlyList<Engine.Expectations.ComparedCase>>? compared = null, ReportPages? pages = null)
    {
        var requirements = pages?.Requirements;
        var compare = pages?.Compare == true;
        Directory.CreateDirectory(Path.Combine(directory, "cases"));
        File.WriteAllText(Path.Combine(directory, "report.css"), Resource("report.css"));
        File.WriteAllText(Path.Combine(directory, "report.js"), Resource("report.js"));
        File.WriteAllText(IndexPath(directory), Render(IndexTemplate.Value, ReportModel.Index(document), new IndexGlobals(Scorecard.Build(document, compared), requirements is null ? null : RequirementsPage.FileName, compare ? ComparePage.FileName : null)));
        if (compare)
            File.WriteAllText(Path.Combine(directory, ComparePage.FileName), Render(CompareTemplate.Value, ComparePage.Build(document)));
        if (requirements is not null)
            File.WriteAllText(Path.Combine(directory, RequirementsPage.FileName), Render(RequirementsTemplate.Value, RequirementsPage.Build(document, requirements)));
        foreach (var (run, agentPart) in document.Runs.Zip(ResultsWriter.AgentFileParts(document.Runs)))
        {
            foreach (var c in run.Cases)
                File.WriteAllText(Path.Combine(directory, ReportModel.PageFor(agentPart, c.Id)), Render(CaseTemplate.Value, ReportModel.Case(run, c)));
        }
        JUnitWriter.Write(Path.Combine(directory, "junit.xml"), document);
        File.WriteAllText(SummaryPath(directory), SummaryMarkdown.Render(document, compared));
    }

    internal static string Render(Template template, params object[] models)
    {
        var globals = new ScriptObject();
        foreach (var model in models) globals.Import(model);
        var context = new TemplateContext { LoopLimit = int.MaxValue, LimitToString = 0, TemplateLoader = EmbeddedTemplates.Instance };
        context.PushGlobal(globals);
        return template.Render(context);
    }

    internal static Template Load(string name)
    {
        var template = Template.Parse(Resource(name), name);
        if (template.HasErrors) throw new InvalidOperationException($"{name}: {string.Join("; ", template.Messages)}");
        return template;
    }

    internal static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Templates/{name}")
            ?? throw new InvalidOperationException($"the report template {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>What the index shows beyond <see cref="IndexPage"/>: the scorecard at its top.</summary>
/// <param name="RequirementsPage">requirements.html when it was written.</param>
/// <param name="ComparePage">compare.html when it was written.</param>
public sealed record IndexGlobals(ScorecardView Scorecard, string? RequirementsPage, string? ComparePage);

/// <summary>
/// The report's pages beyond the index and the case pages: requirements.html when there are requirements to trace,
/// compare.html when the document's two runs are an old and a new run to compare.
/// </summary>
public sealed record ReportPages(RequirementSet? Requirements = null, bool Compare = false);

/// <summary>The templates' includes ({{ include 'scorecard.sbn' }}), from the embedded templates.</summary>
internal sealed class EmbeddedTemplates : Scriban.Runtime.ITemplateLoader
{
    public static EmbeddedTemplates Instance { get; } = new();

    public string GetPath(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templateName) => templateName;

    public string Load(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templatePath) => ReportWriter.Resource(templatePath);

    public ValueTask<string?> LoadAsync(TemplateContext context, Scriban.Parsing.SourceSpan callerSpan, string templatePath) => new(Load(context, callerSpan, templatePath));
}
