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
            Transcript = TranscriptEntry.Store(entries),
        };
    }
}

/// <summary>
/// A transcript entry as stored: time in microseconds, kind, octets (base64) or text. Past the first
/// <see cref="StoredOctetsPerDirection"/> octets of a direction, octets are folded: each entry keeps its first
/// <see cref="StoredOctetsPerEntry"/> octets (enough for frame headers and control frames) and Omitted counts the
/// rest, so a 16 MiB echo does not make a results file of hundreds of megabytes. The verdicts are scored on the
/// whole transcript before it is stored.
/// </summary>
public sealed record TranscriptEntry(long T, string Kind, string? Data, string? Text, long? Omitted = null)
{
    public const int StoredOctetsPerDirection = 128 * 1024;
    public const int StoredOctetsPerEntry = 256;

    public static IReadOnlyList<TranscriptEntry> Store(IReadOnlyList<WireEntry> entries)
    {
        long sent = 0, received = 0;
        var stored = new List<TranscriptEntry>(entries.Count);
        foreach (var e in entries)
        {
            if (e.Bytes is null)
            {
                stored.Add(new(e.AtMicroseconds, e.Kind.ToString(), null, e.Text));
                continue;
            }
            ref var used = ref e.Kind == WireEntryKind.Sent ? ref sent : ref received;
            var keep = (int)Math.Min(Math.Max(StoredOctetsPerDirection - used, StoredOctetsPerEntry), e.Bytes.Length);
            used += keep;
            var omitted = e.Bytes.Length - keep;
            stored.Add(new(e.AtMicroseconds, e.Kind.ToString(), Convert.ToBase64String(e.Bytes, 0, keep), e.Text,
                omitted > 0 ? omitted : null));
        }
        return stored;
    }
}