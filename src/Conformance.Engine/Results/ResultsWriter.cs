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
    private readonly StreamWriter _journal;

    public ResultsWriter(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(Path.Combine(directory, "cases"));
        _journal = new StreamWriter(Path.Combine(directory, "results.jsonl"), append: false) { AutoFlush = true };
    }

    public string ResultsPath => Path.Combine(_directory, "results.json");

    public void Append(CaseResult result)
    {
        lock (_journal) _journal.WriteLine(JsonSerializer.Serialize(result, Json));
    }

    public void WriteAll(RunResults run)
    {
        WriteAtomically(ResultsPath, JsonSerializer.Serialize(run, Indented));
        var index = new JsonObject();
        var agentCases = new JsonObject();
        foreach (var c in run.Cases)
        {
            var file = CaseFileName(run.Agent, c.Id);
            WriteAtomically(Path.Combine(_directory, "cases", file), JsonSerializer.Serialize(c, Indented));
            agentCases[c.Id] = new JsonObject
            {
                ["behavior"] = c.Behavior,
                ["behaviorClose"] = c.BehaviorClose,
                ["duration"] = c.DurationMs,
                ["remoteCloseCode"] = c.RemoteCloseCode,
                ["reportfile"] = $"cases/{file}",
            };
        }
        index[run.Agent] = agentCases;
        WriteAtomically(Path.Combine(_directory, "index.json"), index.ToJsonString(Indented));
    }

    public static RunResults ReadAll(string path) =>
        JsonSerializer.Deserialize<RunResults>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no results");

    /// <summary>Autobahn's name for a case file: agent_case_1_1_1.json, with the agent made file-safe.</summary>
    public static string CaseFileName(string agent, string caseId)
    {
        var safeAgent = new string(agent.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_').ToArray());
        return $"{safeAgent}_case_{caseId.Replace('.', '_')}.json";
    }

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    public void Dispose() => _journal.Dispose();
}
