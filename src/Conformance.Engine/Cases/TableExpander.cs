using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conformance.Engine.Cases;

/// <summary>
/// Turns a table (a case template and rows of parameters) into case nodes. With "each", every row is combined with
/// every entry of "each" (the values of both), so a 5 x 18 matrix is two short lists.
/// </summary>
internal static partial class TableExpander
{
    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    public static IEnumerable<JsonField> Expand(JsonField table)
    {
        table.Only("case", "rows", "each");
        var template = table["case"];
        template.AsObject();
        var each = table.Has("each") ? table["each"].Items().ToList() : null;
        foreach (var row in table["rows"].Items())
        {
            foreach (var (values, at) in Combined(row, each))
                yield return at with { Node = Substitute(template.Node!.DeepClone(), values, at) };
        }
    }

    private static IEnumerable<(JsonObject Values, JsonField At)> Combined(JsonField row, List<JsonField>? each)
    {
        if (each is null)
        {
            yield return (row.AsObject(), row);
            yield break;
        }
        foreach (var other in each)
        {
            var values = row.AsObject().DeepClone().AsObject();
            foreach (var (key, value) in other.AsObject())
            {
                if (values.ContainsKey(key)) throw other[key].Error($"\"{key}\" is also given by {row.Path}");
                values[key] = value?.DeepClone();
            }
            yield return (values, row with { Path = $"{row.Path} with {other.Path}" });
        }
    }

    private static JsonNode? Substitute(JsonNode? node, JsonObject values, JsonField row)
    {
        switch (node)
        {
            case JsonObject obj:
                var substituted = new JsonObject();
                foreach (var (key, child) in obj.ToList())
                {
                    obj.Remove(key);
                    substituted[Placeholder().Replace(key, m => Text(Lookup(m.Groups[1].Value, values, row)))] = Substitute(child, values, row);
                }
                return substituted;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) array[i] = Substitute(array[i]?.DeepClone(), values, row);
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var whole = Placeholder().Match(text);
                if (whole.Success && whole.Length == text.Length) return Lookup(whole.Groups[1].Value, values, row)?.DeepClone();
                return JsonValue.Create(Placeholder().Replace(text, m => Text(Lookup(m.Groups[1].Value, values, row))));
            default:
                return node;
        }
    }

    /// <summary>Filled in when an opening request is written, not by tables (unless a row gives them).</summary>
    private static readonly string[] RequestPlaceholders = ["host", "path", "key", "origin"];

    private static JsonNode? Lookup(string name, JsonObject values, JsonField row) =>
        values.TryGetPropertyValue(name, out var v) ? v
        : RequestPlaceholders.Contains(name) ? JsonValue.Create($"{{{name}}}")
        : throw row.Error($"the row has no value for {{{name}}}");

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "null";
}
