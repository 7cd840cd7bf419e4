using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Conformance.Engine.Results;

/// <summary>
/// Writes a run's results: results.json (ours, every case with its transcript) and index.json (Autobahn's format).
/// While a run goes on, each case is appended to the journal results.jsonl as it finishes, after a line for its run,
/// so a killed run leaves what it has; results.json replaces the journal when it is written, so the folder holds
/// each transcript once.
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

    public const string ResultsFileName = "results.json";
    public const string JournalFileName = "results.jsonl";

    private readonly string _directory;
    private readonly Lazy<StreamWriter> _journal;

    public ResultsWriter(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        _journal = new(OpenJournal);
    }

    public string ResultsPath => Path.Combine(_directory, ResultsFileName);
    public string JournalPath => Path.Combine(_directory, JournalFileName);

    private StreamWriter OpenJournal()
    {
        // An earlier run's results.json beside this run's journal would be read as this run's results.
        File.Delete(ResultsPath);
        return new StreamWriter(JournalPath, append: false) { AutoFlush = true };
    }

    /// <summary>Appends the line that starts a run to results.jsonl: the run's fields, without cases.</summary>
    public void StartRun(RunResults run)
    {
        var fields = JsonSerializer.SerializeToNode(run, Json)!.AsObject();
        fields.Remove("cases");
        var line = new JsonObject { ["run"] = fields };
        lock (_journal) _journal.Value.WriteLine(line.ToJsonString(Json));
    }

    /// <summary>Appends one finished case to results.jsonl, with the agent it ran against.</summary>
    public void Append(string agent, CaseResult result)
    {
        var line = JsonSerializer.SerializeToNode(result, Json)!.AsObject();
        line.Insert(0, "agent", agent);
        lock (_journal) _journal.Value.WriteLine(line.ToJsonString(Json));
    }

    /// <summary>
    /// results.json and index.json in Autobahn's format (one agent per run, each case's report file its HTML page),
    /// then the journal this writer appended to is removed: results.json holds all it held.
    /// </summary>
    public void WriteAll(ResultsDocument document)
    {
        WriteAtomically(ResultsPath, JsonSerializer.Serialize(document, Indented));
        var index = new JsonObject();
        var agentParts = AgentFileParts(document.Runs);
        foreach (var (run, agentPart) in document.Runs.Zip(agentParts))
        {
            var agentCases = new JsonObject();
            foreach (var c in run.Cases)
            {
                agentCases[c.Id] = JsonSerializer.SerializeToNode(
                    new IndexEntry(c.Behavior, c.BehaviorClose, c.DurationMs, c.RemoteCloseCode, $"cases/{CaseFileStem(agentPart, c.Id)}.html"), Json);
            }
            index[run.Agent] = agentCases;
        }
        WriteAtomically(Path.Combine(_directory, "index.json"), index.ToJsonString(Indented));
        lock (_journal)
        {
            if (!_journal.IsValueCreated) return;
            _journal.Value.Dispose();
        }
        File.Delete(JournalPath);
    }

    /// <summary>What a results file is read with: a null where the results have none is an error, not a crash later.</summary>
    private static readonly JsonSerializerOptions Reading = new(Json) { RespectNullableAnnotations = true };

    /// <summary>
    /// A results file (results.json, or the journal results.jsonl a killed run left), checked as far as the reports and
    /// comparisons rely on it: every field they read present and not null, no null in a list, each case once per run.
    /// Throws InvalidDataException naming the file and the place.
    /// </summary>
    public static ResultsDocument ReadAll(string path)
    {
        ResultsDocument? document;
        try
        {
            document = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJournal(path) : ReadDocument(path);
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

    private static ResultsDocument? ReadDocument(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path));
        if (NullItem(node, "") is { } at) throw new InvalidDataException($"{path}: not a results file ({at} is null)");
        return node.Deserialize<ResultsDocument>(Reading);
    }

    /// <summary>
    /// The runs of a journal, each marked interrupted: a journal is left only by a run that did not end. A last line cut
    /// short (the run killed while writing it) is left out.
    /// </summary>
    private static ResultsDocument ReadJournal(string path)
    {
        var lines = File.ReadAllLines(path);
        var runs = new List<(RunResults Run, List<CaseResult> Cases)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            JsonObject line;
            try
            {
                line = JsonNode.Parse(lines[i]) as JsonObject ?? throw new InvalidDataException($"{path}: line {i + 1} is not a JSON object");
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                break;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: line {i + 1} is not JSON ({e.Message.Split(". ")[0]})");
            }
            if (NullItem(line, "") is { } at) throw new InvalidDataException($"{path}: line {i + 1}: not a results line ({at} is null)");
            if (line["run"] is JsonObject fields)
            {
                fields["cases"] = new JsonArray();
                var run = Line<RunResults>(fields, path, i) with { Interrupted = true, FinishedAt = null };
                runs.Add((run, []));
                continue;
            }
            var agent = line["agent"]?.GetValueKind() == JsonValueKind.String ? line["agent"]!.GetValue<string>() : null;
            line.Remove("agent");
            if (runs.FindLast(r => r.Run.Agent == agent) is not { Run: not null } owner)
                throw new InvalidDataException($"{path}: line {i + 1}: a case of agent \"{agent}\" before any line of its run");
            owner.Cases.Add(Line<CaseResult>(line, path, i));
        }
        if (runs.Count == 0) throw new InvalidDataException($"{path}: not a results journal (no run in it)");
        return new ResultsDocument
        {
            ToolVersion = runs[0].Run.ToolVersion,
            GeneratedAt = File.GetLastWriteTimeUtc(path),
            Runs = runs.Select(r => r.Run with { Cases = r.Cases }).ToList(),
        };
    }

    private static T Line<T>(JsonObject line, string path, int index)
    {
        try
        {
            return line.Deserialize<T>(Reading) ?? throw new InvalidDataException($"{path}: line {index + 1} is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {index + 1}: not a results line ({Problem(e)})");
        }
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
    /// (the report's page is this name with .html, the case's JSON with .json). For a run alone in its document;
    /// with several, <see cref="AgentFileParts"/> gives each run's agent part.
    /// </summary>
    public static string CaseFileName(string agent, string caseId) => CaseFileStem(SafeFilePart(agent), caseId);

    /// <summary>A case's file name, without extension, from the agent's part as <see cref="AgentFileParts"/> gives it.</summary>
    public static string CaseFileStem(string agentPart, string caseId) => $"{agentPart}_case_{SafeFilePart(caseId.Replace('.', '_'))}";

    /// <summary>Longest file-safe part made of a name, leaving room for the case id and a suffix within a file name's 255 octets.</summary>
    public const int LongestFilePart = 100;

    /// <summary>
    /// A name as one file name part: ASCII letters, digits, '-' and '.' kept, anything else '_' (no folder separator),
    /// never "." or ".." (a name of dots only becomes underscores), at most <see cref="LongestFilePart"/> characters.
    /// Different names can give the same part; see <see cref="AgentFileParts"/>.
    /// </summary>
    public static string SafeFilePart(string name)
    {
        var safe = new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_').Take(LongestFilePart).ToArray());
        return safe.Trim('.').Length == 0 ? new string('_', Math.Max(1, safe.Length)) : safe;
    }

    /// <summary>
    /// Each run's agent as a file name part, one per run and no two alike, even where a file system does not tell
    /// upper from lower case: the safe part of the agent's name, and "-2", "-3" ... after a part an earlier run
    /// already has (agents "a/b" and "a_b" get "a_b" and "a_b-2"), so no run's case files overwrite another's.
    /// </summary>
    public static IReadOnlyList<string> AgentFileParts(IReadOnlyList<RunResults> runs)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parts = new List<string>(runs.Count);
        foreach (var run in runs)
        {
            var safe = SafeFilePart(run.Agent);
            var part = safe;
            for (var n = 2; !taken.Add(part); n++) part = $"{safe}-{n}";
            parts.Add(part);
        }
        return parts;
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
