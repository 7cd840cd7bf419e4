using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Engine.Cases;

/// <summary>
/// A normative sentence of an RFC that binds the server: its id (what cases name), the RFC and section, the keyword
/// (MUST, MUST NOT, SHOULD, SHOULD NOT, MAY; RFC 6455 writes a few in lower case) and the sentence in the RFC's words. <see cref="Untestable"/> says why
/// no case can check it from the wire, when none can.
/// </summary>
public sealed record Requirement(string Id, string Rfc, string Section, string Keyword, string Words, string? Untestable)
{
    /// <summary>"RFC 6455 5.1".</summary>
    public string Reference => $"{Rfc} {Section}";
}

/// <summary>suites/requirements.json (format: suites/case-format.md): the requirements in the file's order.</summary>
public sealed record RequirementSet(string Source, IReadOnlyList<Requirement> Requirements)
{
    /// <summary>The file's name in a suites folder; the catalogue reads it as no case file.</summary>
    public const string FileName = "requirements.json";

    public static readonly string[] Keywords = ["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY"];

    private static readonly string[] Fields = ["id", "rfc", "section", "keyword", "words", "untestable"];

    public static RequirementSet Empty { get; } = new("", []);

    public Requirement? Find(string id) => Requirements.FirstOrDefault(r => r.Id == id);

    /// <summary>The requirements file of the first of the suites folders (comma-separated, as --suites takes them) that has one; null when none has.</summary>
    public static string? FileIn(string suites) =>
        suites.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(folder => Path.Combine(folder, FileName)).FirstOrDefault(File.Exists);

    /// <summary>Reads a requirements file; a malformed one is a <see cref="CaseFileException"/> naming the file and the field.</summary>
    public static RequirementSet Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CaseFileException(path, "", $"not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(". ")[0]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseFileException(path, "", $"cannot be read: {e.Message}");
        }
        var file = new JsonField(path, "", root);
        file.Only("requirements");
        var seen = new HashSet<string>();
        var requirements = file["requirements"].Items().Select(r =>
        {
            r.Only(Fields);
            var requirement = new Requirement(r["id"].String(), r["rfc"].String(), r["section"].String(), r["keyword"].String(), r["words"].String(),
                r["untestable"].OptionalString());
            if (!seen.Add(requirement.Id)) throw r["id"].Error($"id \"{requirement.Id}\" is used twice");
            if (!Keywords.Contains(requirement.Keyword)) throw r["keyword"].Error($"\"{requirement.Keyword}\" is not one of {string.Join(", ", Keywords)}");
            if (!requirement.Words.Contains(requirement.Keyword, StringComparison.OrdinalIgnoreCase)) throw r["words"].Error($"the words do not say {requirement.Keyword}");
            if (requirement.Untestable is "") throw r["untestable"].Error("is empty: say why no case can check it from the wire");
            return requirement;
        }).ToList();
        return new RequirementSet(path, requirements);
    }
}
