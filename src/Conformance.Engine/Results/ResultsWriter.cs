using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Conformance.Engine.Results;

/// <summary>
/// Writes a run's results: results.json (ours), index.json (Autobahn's format) and one JSON file per case,
/// and appends each case to results.jsonl as it finishes so an interrupted run keeps what it has.
/// </summary>
public sealed partial class ResultsWriter : IDisposable
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

    /// <summary>What a results file is read with: a null where the results have none is an error, not a crash later.</summary>
    private static readonly JsonSerializerOptions Reading = new(Json) { RespectNullableAnnotations = true };

    /// <summary>
    /// A results file, checked as far as the reports and comparisons rely on it: every field they read present and
    /// not null, no null in a list, each case once per run. Throws InvalidDataException naming the file and the place.
    /// </summary>
    public static ResultsDocument ReadAll(string path)
    {
        ResultsDocument? document;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            if (NullItem(node, "") is { } at) throw new InvalidDataException($"{path}: not a results file ({at} is null)");
            document = node.Deserialize<ResultsDocument>(Reading);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a results file ({Problem(e)})");
        }
        if (document is not { Runs: not null }) throw new InvalidDataException($"{path}: not a results file (no \"runs\")");
        foreach (var (run, i) in document.Runs.Select((r, i) => (r, i)))
        {
            if (run.Cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new InvalidDataException($"{path}: runs[{i}] ({run.Agent}) holds case {twice.Key} {twice.Count()} times; a run holds each case once");
        }
        return document;
    }

    /// <summary>What the serializer found wrong, in a few words with the place ("runs[0].cases[1].id is null").</summary>
    private static string Problem(JsonException e)
    {
        var at = e.Path is { Length: > 1 } jsonPath ? jsonPath.TrimStart('$', '.') : "";
        if (e.Message.Contains("doesn't allow setting null values", StringComparison.Ordinal)) return $"{at} is null";
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
            return $"{(at.Length == 0 ? "the file" : at)} has no \"{missing.Groups[1].Value}\"";
        return e.Message.Split(". ")[0] + (at.Length == 0 ? "" : $" at {at}");
    }

    [GeneratedRegex(@"missing required properties including: '([^']+)'")]
    private static partial Regex MissingRequired();

    /// <summary>The place of the first null item of an array in the JSON ("runs[0].cases[2]"), or null when there is none.</summary>
    private static string? NullItem(JsonNode? node, string at)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null) return $"{at}[{i}]";
                    if (NullItem(array[i], $"{at}[{i}]") is { } inner) return inner;
                }
                return null;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                    if (NullItem(value, at.Length == 0 ? key : $"{at}.{key}") is { } inner) return inner;
                return null;
            default:
                return null;
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
