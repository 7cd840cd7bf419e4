using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Reports;

namespace Conformance.Pipeline;

/// <summary>
/// The results stage: each run's cases appended to the journal results.jsonl as they finish, then results.json (which
/// replaces the journal), index.json, the HTML report, summary.md and junit.xml in the folder.
/// </summary>
public sealed class RunOutput : IDisposable
{
    private readonly string _folder;
    private readonly ResultsWriter _writer;

    public RunOutput(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        _writer = new ResultsWriter(folder);
    }

    /// <summary>The requirements the report traces to the cases (requirements.html); none, no such page.</summary>
    public RequirementSet? Requirements { get; init; }

    public string ResultsPath => _writer.ResultsPath;
    public string ReportPath => ReportWriter.IndexPath(_folder);

    /// <summary>Starts a run's part of the journal, before its first case.</summary>
    public void StartRun(Uri target, string agent, int casesSelected) =>
        _writer.StartRun(RunPipeline.Results(target, agent, DateTimeOffset.UtcNow, [], casesSelected) with { FinishedAt = null });

    public void Append(string agent, CaseResult result) => _writer.Append(agent, result);

    /// <summary>Every file of the runs, with each run's comparison with expectations when there is one.</summary>
    public void Write(IReadOnlyList<RunResults> runs, IReadOnlyDictionary<string, IReadOnlyList<ComparedCase>>? compared = null)
    {
        var document = new ResultsDocument { ToolVersion = RunPipeline.ToolVersion, GeneratedAt = DateTimeOffset.UtcNow, Runs = runs };
        _writer.WriteAll(document);
        ReportWriter.Write(_folder, document, compared, new ReportPages(Requirements));
    }

    public void Dispose() => _writer.Dispose();
}
