using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Engine.Cases;

namespace Conformance.Engine.Expectations;

public enum ExpectationKind { KnownIssue, Decision }

/// <summary>
/// The verdicts a target is expected to get on some cases, and why. A known issue is debt and says what would remove
/// it; a decision is permanent and cites the RFC clause that leaves the choice open.
/// </summary>
public sealed record Expectation(
    ExpectationKind Kind,
    IReadOnlyList<string> Cases,
    IReadOnlyList<Verdict> Behavior,
    IReadOnlyList<CloseVerdict> BehaviorClose,
    string Reason,
    string? RemovedBy,
    string? Rfc)
{
    public bool Matches(string caseId) => Cases.Any(p => CasePattern.Matches(p, caseId));

    public bool Allows(VerdictPair verdicts) => Behavior.Contains(verdicts.Behavior) && BehaviorClose.Contains(verdicts.BehaviorClose);

    /// <summary>Still carries the placeholder <see cref="Baseline"/> writes: nobody has said why yet.</summary>
    public bool IsUnreviewed =>
        Reason.Contains(Baseline.ReasonPlaceholder, StringComparison.Ordinal) || RemovedBy?.Contains(Baseline.ReasonPlaceholder, StringComparison.Ordinal) == true;

    /// <summary>The verdicts allowed, in words: "OK or INFORMATIONAL/OK".</summary>
    public string Verdicts => $"{string.Join(" or ", Behavior.Select(v => v.Word()))}/{string.Join(" or ", BehaviorClose.Select(v => v.Word()))}";
}

/// <summary>An expectations file (format in README): entries in order; the first whose cases match a case applies.</summary>
public sealed record ExpectationSet(string Source, string? Target, IReadOnlyList<Expectation> Entries)
{
    /// <summary>What a case without an entry is expected to get.</summary>
    public static Expectation Default { get; } =
        new(ExpectationKind.Decision, ["*"], [Verdict.Ok, Verdict.Informational], [CloseVerdict.Ok, CloseVerdict.Informational],
            "no entry: OK is expected", null, null);

    public static ExpectationSet None { get; } = new("", null, []);

    public Expectation For(string caseId) => Entries.FirstOrDefault(e => e.Matches(caseId)) ?? Default;

    /// <summary>The entries that still carry baseline's placeholder reason.</summary>
    public IReadOnlyList<Expectation> Unreviewed => [.. Entries.Where(e => e.IsUnreviewed)];

    /// <summary>
    /// Null when every entry says why; else one line naming the unreviewed entries (their cases, the first few) and
    /// what to do: an unedited baseline would otherwise pass every failure it lists, unread.
    /// </summary>
    /// <param name="accept">how the user accepts them anyway: "--accept-unreviewed"</param>
    public string? UnreviewedProblem(string accept)
    {
        var unreviewed = Unreviewed;
        if (unreviewed.Count == 0) return null;
        const int Named = 5;
        var names = string.Join("; ", unreviewed.Take(Named).Select(e => string.Join(", ", e.Cases)))
                    + (unreviewed.Count > Named ? $"; and {unreviewed.Count - Named} more" : "");
        return $"{Source}: {unreviewed.Count} {(unreviewed.Count == 1 ? "entry still carries" : "entries still carry")} the placeholder reason " +
               $"that baseline writes (cases {names}): write the real reason in each (and what would remove a known issue), or pass {accept}";
    }

    private static readonly string[] EntryFields = ["cases", "behavior", "behaviorClose", "reason", "removedBy", "rfc"];

    /// <summary>Reads a file; a malformed one is an <see cref="ExpectationsFileException"/> naming the file and the field.</summary>
    public static ExpectationSet Read(string path)
    {
        if (!File.Exists(path)) throw new ExpectationsFileException(path, "", "the expectations file does not exist");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ExpectationsFileException(path, "", $"not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(". ")[0]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExpectationsFileException(path, "", $"cannot be read: {e.Message}");
        }
        var file = new JsonField(path, "", root) { Problem = (f, field, problem) => new ExpectationsFileException(f, field, problem) };
        foreach (var key in file.AsObject().Select(p => p.Key))
            if (key is not ("target" or "knownIssues" or "decisions")) throw file[key].Error("unknown field (known: target, knownIssues, decisions)");
        var entries = new List<Expectation>();
        if (file.Has("knownIssues")) entries.AddRange(file["knownIssues"].Items().Select(e => ReadEntry(e, ExpectationKind.KnownIssue)));
        if (file.Has("decisions")) entries.AddRange(file["decisions"].Items().Select(e => ReadEntry(e, ExpectationKind.Decision)));
        return new ExpectationSet(path, file["target"].OptionalString(), entries);
    }

    private static Expectation ReadEntry(JsonField e, ExpectationKind kind)
    {
        foreach (var key in e.AsObject().Select(p => p.Key))
            if (!EntryFields.Contains(key)) throw e[key].Error($"unknown field (known: {string.Join(", ", EntryFields)})");
        var cases = e["cases"].Node is JsonValue ? [e["cases"].String()] : e["cases"].Strings();
        if (cases.Count == 0) throw e["cases"].Error("names no case");
        var reason = e["reason"].String();
        if (string.IsNullOrWhiteSpace(reason)) throw e["reason"].Error("is empty: say why");
        return new Expectation(kind, cases,
            Verdicts(e["behavior"], VerdictWords.Behavior, Verdict.Ok), Verdicts(e["behaviorClose"], VerdictWords.Close, CloseVerdict.Ok), reason, e["removedBy"].OptionalString(), e["rfc"].OptionalString());
    }

    private static IReadOnlyList<T> Verdicts<T>(JsonField field, VerdictTable<T> table, T fallback) where T : struct, Enum
    {
        if (!field.Exists) return [fallback];
        var words = field.Node is JsonValue ? [field.String()] : field.Strings();
        return words.Select(w => table.TryParse(w, out var verdict)
            ? verdict
            : throw field.Error($"\"{w}\" is not a verdict ({string.Join(", ", table.Words)})")).ToList();
    }
}
