using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conformance.Engine;

/// <summary>Behaviour verdicts, with Autobahn|Testsuite's meaning and words.</summary>
[JsonConverter(typeof(VerdictWordConverter<Verdict>))]
public enum Verdict { Ok, NonStrict, Informational, Unimplemented, Failed }

/// <summary>Close-behaviour verdicts, with Autobahn|Testsuite's meaning and words.</summary>
[JsonConverter(typeof(VerdictWordConverter<CloseVerdict>))]
public enum CloseVerdict { Ok, Failed, WrongCode, Unclean, FailedByClient, Informational }

/// <summary>A case's two verdicts; written as "behaviour/close" in words, "NON-STRICT/OK".</summary>
public readonly record struct VerdictPair(Verdict Behavior, CloseVerdict BehaviorClose)
{
    public override string ToString() => $"{Behavior.Word()}/{BehaviorClose.Word()}";
}

/// <summary>
/// The one table of verdicts: Autobahn|Testsuite's word for each, and how bad each is (0: as good as OK; a higher
/// number is worse), in the order lists and reports show them.
/// </summary>
public static class VerdictWords
{
    public static VerdictTable<Verdict> Behavior { get; } = new([
        new(Verdict.Ok, "OK", 0),
        new(Verdict.NonStrict, "NON-STRICT", 1),
        new(Verdict.Informational, "INFORMATIONAL", 0),
        new(Verdict.Unimplemented, "UNIMPLEMENTED", 2),
        new(Verdict.Failed, "FAILED", 3),
    ]);

    public static VerdictTable<CloseVerdict> Close { get; } = new([
        new(CloseVerdict.Ok, "OK", 0),
        new(CloseVerdict.Informational, "INFORMATIONAL", 0),
        new(CloseVerdict.WrongCode, "WRONG CODE", 2),
        new(CloseVerdict.Unclean, "UNCLEAN", 2),
        new(CloseVerdict.FailedByClient, "FAILED BY CLIENT", 1),
        new(CloseVerdict.Failed, "FAILED", 3),
    ]);

    /// <summary>Every word of either table once, behaviour words first.</summary>
    public static IReadOnlyList<string> AllWords { get; } = [.. Behavior.Words.Concat(Close.Words).Distinct()];

    public static string Word(this Verdict verdict) => Behavior.Word(verdict);

    public static string Word(this CloseVerdict verdict) => Close.Word(verdict);

    public static int Badness(this Verdict verdict) => Behavior.Badness(verdict);

    public static int Badness(this CloseVerdict verdict) => Close.Badness(verdict);

    /// <summary>The table of <typeparamref name="T"/>, which is <see cref="Verdict"/> or <see cref="CloseVerdict"/>.</summary>
    public static VerdictTable<T> Of<T>() where T : struct, Enum =>
        Behavior as VerdictTable<T> ?? Close as VerdictTable<T> ?? throw new ArgumentException($"{typeof(T).Name} is not a verdict");
}

public sealed record VerdictRow<T>(T Verdict, string Word, int Badness) where T : struct, Enum;

/// <summary>One kind of verdict's words and badness; every value of <typeparamref name="T"/> has a row.</summary>
public sealed class VerdictTable<T> where T : struct, Enum
{
    private readonly IReadOnlyList<VerdictRow<T>> _rows;

    public VerdictTable(IReadOnlyList<VerdictRow<T>> rows)
    {
        var missing = Enum.GetValues<T>().Except(rows.Select(r => r.Verdict)).ToList();
        if (missing.Count > 0 || rows.Count != Enum.GetValues<T>().Length)
            throw new ArgumentException($"each {typeof(T).Name} needs exactly one row", nameof(rows));
        _rows = rows;
    }

    /// <summary>The verdicts in the order lists and reports show them.</summary>
    public IReadOnlyList<T> Verdicts => [.. _rows.Select(r => r.Verdict)];

    public IReadOnlyList<string> Words => [.. _rows.Select(r => r.Word)];

    public string Word(T verdict) => Row(verdict).Word;

    public int Badness(T verdict) => Row(verdict).Badness;

    /// <summary>The verdict a word names: exactly as written, or ignoring case and surrounding spaces.</summary>
    public bool TryParse(string word, out T verdict, bool ignoreCase = false)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var wanted = ignoreCase ? word.Trim() : word;
        foreach (var row in _rows)
        {
            if (!string.Equals(row.Word, wanted, comparison)) continue;
            verdict = row.Verdict;
            return true;
        }
        verdict = default;
        return false;
    }

    private VerdictRow<T> Row(T verdict)
    {
        foreach (var row in _rows)
            if (EqualityComparer<T>.Default.Equals(row.Verdict, verdict)) return row;
        throw new ArgumentOutOfRangeException(nameof(verdict), verdict, $"not a {typeof(T).Name}");
    }
}

/// <summary>Writes and reads a verdict as its word, also as a property name (a dictionary keyed by verdict).</summary>
public sealed class VerdictWordConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly VerdictTable<T> Table = VerdictWords.Of<T>();

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"a {typeof(T).Name} is a word, not {reader.TokenType}"));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Table.Word(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(Table.Word(value));

    private static T Parse(string word) =>
        Table.TryParse(word, out var verdict) ? verdict : throw new JsonException($"\"{word}\" is not a {typeof(T).Name} ({string.Join(", ", Table.Words)})");
}
