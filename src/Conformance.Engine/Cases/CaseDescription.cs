using System.Text.Json.Serialization;

namespace Conformance.Engine.Cases;

/// <summary>
/// What a case is, as the catalogue and the results both name it: id, title, place, RFC sections, requirement and
/// expectation. A result's JSON starts with these fields (a derived record's own come after them).
/// </summary>
public abstract record CaseDescription
{
    [JsonPropertyOrder(-1)] public required string Id { get; init; }
    [JsonPropertyOrder(-1)] public required string Title { get; init; }
    [JsonPropertyOrder(-1)] public required string Category { get; init; }
    [JsonPropertyOrder(-1)] public required string CategoryTitle { get; init; }
    [JsonPropertyOrder(-1)] public required string Group { get; init; }
    [JsonPropertyOrder(-1)] public required string GroupTitle { get; init; }
    [JsonPropertyOrder(-1)] public required IReadOnlyList<string> Rfc { get; init; }
    [JsonPropertyOrder(-1)] public required string Requirement { get; init; }
    [JsonPropertyOrder(-1)] public required string Expectation { get; init; }
    /// <summary>The ids of the requirements (suites/requirements.json) the case checks.</summary>
    [JsonPropertyOrder(-1)] public IReadOnlyList<string> Requirements { get; init; } = [];
}
