using Conformance.Engine.Cases;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Results;

/// <summary>One case's outcome: what it is, the verdicts, and the wire transcript they came from.</summary>
public sealed record CaseResult
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Category { get; init; }
    public required string CategoryTitle { get; init; }
    public required string Group { get; init; }
    public required string GroupTitle { get; init; }
    public required IReadOnlyList<string> Rfc { get; init; }
    public required string Requirement { get; init; }
    public required string Expectation { get; init; }
    public required string Behavior { get; init; }
    public required string BehaviorClose { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required long DurationMs { get; init; }
    public int? RemoteCloseCode { get; init; }
    public string? RemoteCloseReason { get; init; }
    public required IReadOnlyList<TranscriptEntry> Transcript { get; init; }

    public static CaseResult From(CaseDefinition @case, Transcript transcript, Score score)
    {
        var entries = transcript.Entries;
        return new CaseResult
        {
            Id = @case.Id,
            Title = @case.Title,
            Category = @case.Category,
            CategoryTitle = @case.CategoryTitle,
            Group = @case.Group,
            GroupTitle = @case.GroupTitle,
            Rfc = @case.Rfc,
            Requirement = @case.Requirement,
            Expectation = @case.Expectation,
            Behavior = score.Behavior.Word(),
            BehaviorClose = score.BehaviorClose.Word(),
            Reason = score.Reason,
            StartedAt = transcript.StartedAt,
            DurationMs = entries.Count == 0 ? 0 : (entries[^1].AtMicroseconds - entries[0].AtMicroseconds) / 1000,
            RemoteCloseCode = score.RemoteCloseCode,
            RemoteCloseReason = score.RemoteCloseReason,
            Transcript = entries.Select(TranscriptEntry.From).ToList(),
        };
    }
}

/// <summary>A transcript entry as stored: time in microseconds, kind, octets (base64) or text.</summary>
public sealed record TranscriptEntry(long T, string Kind, string? Data, string? Text)
{
    public static TranscriptEntry From(WireEntry e) =>
        new(e.AtMicroseconds, e.Kind.ToString(), e.Bytes is null ? null : Convert.ToBase64String(e.Bytes), e.Text);

    public WireEntry ToWireEntry() =>
        new(T, Enum.Parse<WireEntryKind>(Kind), Data is null ? null : Convert.FromBase64String(Data), Text);
}
