using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Engine.Cases;

/// <summary>
/// A node of a JSON file the user writes (a case file, an expectations file) together with its path, so every error
/// can name the field. The fields of one file share <see cref="Problem"/>, the exception a problem in that file is.
/// </summary>
internal readonly record struct JsonField(string File, string Path, JsonNode? Node)
{
    /// <summary>Makes the exception for a problem at a field (file, field, problem); a case file's by default.</summary>
    public Func<string, string, string, Exception>? Problem { get; init; }

    public Exception Error(string problem) => Problem?.Invoke(File, Path, problem) ?? new CaseFileException(File, Path, problem);

    public bool Exists => Node is not null;

    public JsonField this[string name]
    {
        get
        {
            var obj = AsObject();
            return this with { Path = Path.Length == 0 ? name : $"{Path}.{name}", Node = obj[name] };
        }
    }

    public bool Has(string name) => Node is JsonObject obj && obj.ContainsKey(name);

    /// <summary>This object, when it has no other fields than these; a misspelt field is an error, not a default silently taken.</summary>
    public JsonField Only(params string[] known)
    {
        foreach (var key in AsObject().Select(p => p.Key))
            if (!known.Contains(key)) throw this[key].Error($"unknown field (known: {string.Join(", ", known)})");
        return this;
    }

    public JsonObject AsObject() => Node as JsonObject ?? throw Error($"expected an object, found {Kind()}");

    public IEnumerable<JsonField> Items()
    {
        var array = Node as JsonArray ?? throw Error($"expected an array, found {Kind()}");
        for (var i = 0; i < array.Count; i++) yield return this with { Path = $"{Path}[{i}]", Node = array[i] };
    }

    public string String()
    {
        if (Node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw Error(Node is null ? "is required" : $"expected a string, found {Kind()}");
    }

    public string? OptionalString() => Node is null ? null : String();

    public long Integer(long min, long max)
    {
        if (Node is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
            long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            if (n < min || n > max) throw Error($"{n} is out of range ({min} to {max})");
            return n;
        }
        throw Error(Node is null ? "is required" : $"expected a whole number, found {Kind()}");
    }

    public bool Boolean(bool fallback)
    {
        if (Node is null) return fallback;
        if (Node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Error($"expected true or false, found {Kind()}");
    }

    public IReadOnlyList<string> Strings() => Items().Select(i => i.String()).ToList();

    public string Kind() => Node switch
    {
        null => "nothing",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string \"{Shorten(v.GetValue<string>())}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => "null",
        },
        _ => "something else",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
