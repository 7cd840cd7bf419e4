using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Conformance.Engine.Results;

/// <summary>
/// Writes a run's results: results.json (ours), index.json (Autobahn's format) and one JSON file per case,
/// and appends each case to results.jsonl as it finishes so an interrupted run keeps what it has.
/// </summary>
public sealed class ResultsWriter : IDisposable
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Default,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    private readonly string _directory;
    private readonly Lazy<StreamWriter> _journal;

    public ResultsWriter(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(Path.Combine(directory, "cases"));
        _journal = new(() => new StreamWriter(Path.Combine(directory, "results.jsonl"), append: false) { AutoFlush = true });
    }

    public string ResultsPath => Path.Combine(_directory, "results.json");

    /// <summary>Appends one finished case to results.jsonl, with the agent it ran against.</summary>
    public void Append(string agent, CaseResult result)
    {
        var line = JsonSerializer.SerializeToNode(result, Json)!.AsObject();
        line.Insert(0, "agent", agent);
        lock (_journal) _journal.Value.WriteLine(line.ToJsonString(Json));
    }

    /// <summary>results.json, each case's JSON under cases/, and index.json in Autobahn's format (one agent per run).</summary>
    public void WriteAll(ResultsDocument document)
    {
        WriteAtomically(ResultsPath, JsonSerializer.Serialize(document, Indented));
        var index = new JsonObject();
        foreach (var run in document.Runs)
        {
            var agentCases = new JsonObject();
            foreach (var c in run.Cases)
            {
                var file = CaseFileName(run.Agent, c.Id);
                WriteAtomically(Path.Combine(_directory, "cases", file + ".json"), JsonSerializer.Serialize(c, Indented));
                agentCases[c.Id] = JsonSerializer.SerializeToNode(
                    new IndexEntry(c.Behavior, c.BehaviorClose, c.DurationMs, c.RemoteCloseCode, $"cases/{file}.html"), Json);
            }
            index[run.Agent] = agentCases;
        }
        WriteAtomically(Path.Combine(_directory, "index.json"), index.ToJsonString(Indented));
    }

    public static ResultsDocument ReadAll(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ResultsDocument>(File.ReadAllText(path), Json) is { Runs: not null } document
                ? document
                : throw new InvalidDataException($"{path}: not a results file (no \"runs\")");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a results file ({e.Message.Split(". ")[0]})");
        }
    }

    /// <summary>
    /// Autobahn's name for a case's files, without extension: agent_case_1_1_1, with the agent made file-safe
    /// (the report's page is this name with .html, the case's JSON with .json).
    /// </summary>
    public static string CaseFileName(string agent, string caseId)
    {
        var safeAgent = new string(agent.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_').ToArray());
        return $"{safeAgent}_case_{caseId.Replace('.', '_')}";
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose()
    {
        if (_journal.IsValueCreated) _journal.Value.Dispose();
    }
}

/// <summary>A case in index.json, Autobahn|Testsuite's fields and names.</summary>
public sealed record IndexEntry(
    Verdict Behavior,
    CloseVerdict BehaviorClose,
    long Duration,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? RemoteCloseCode,
    [property: JsonPropertyName("reportfile")] string ReportFile);
