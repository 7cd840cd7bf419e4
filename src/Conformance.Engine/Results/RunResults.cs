namespace Conformance.Engine.Results;

/// <summary>results.json: the runs of one invocation, one per target, in the order they were given.</summary>
public sealed record ResultsDocument
{
    public string Tool { get; init; } = "conformance";
    public required string ToolVersion { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public required IReadOnlyList<RunResults> Runs { get; init; }
}

/// <summary>The results of one run against one target.</summary>
public sealed record RunResults
{
    public required string ToolVersion { get; init; }
    public required string Target { get; init; }
    public required string Agent { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>True when the run stopped before every selected case ran (interrupt or run deadline).</summary>
    public bool Interrupted { get; init; }
    public string? Error { get; init; }
    public required int CasesSelected { get; init; }
    public required IReadOnlyList<CaseResult> Cases { get; init; }
}
