using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Conformance.Engine.Cases;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Results;

/// <summary>One case's outcome: what it is, the verdicts, and the wire transcript they came from.</summary>
public sealed record CaseResult : CaseDescription
{
    public CaseResult()
    {
    }

    /// <summary>What the suite did, step by step, in words.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];
    /// <summary>The expected event lists by verdict, each event in words ("nothing" for an empty list).</summary>
    public IReadOnlyDictionary<Verdict, string> ExpectedEvents { get; init; } = new Dictionary<Verdict, string>();
    public string ExpectedClose { get; init; } = "";
    /// <summary>The expected answer to the opening request, in words; null for cases that only need a valid handshake.</summary>
    public string? ExpectedHandshake { get; init; }
    /// <summary>The events the server caused, in words.</summary>
    public string ReceivedEvents { get; init; } = "";
    public required Verdict Behavior { get; init; }
    public required CloseVerdict BehaviorClose { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required long DurationMs { get; init; }
    public int? RemoteCloseCode { get; init; }
    public string? RemoteCloseReason { get; init; }
    public required IReadOnlyList<TranscriptEntry> Transcript { get; init; }
    /// <summary>What the server sent that it must not have, in either run; the verdicts say what the suite made of it.</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];
    /// <summary>Why the case was run a second time, alone (a timer decided its first verdict); null when it ran once.</summary>
    public string? RunAgainBecause { get; init; }
    /// <summary>The first run of a case run twice: kept as evidence, its verdicts replaced by the run alone.</summary>
    public EarlierRun? FirstRun { get; init; }
    /// <summary>The behaviour verdicts the case's outcome may move between by a race inside the server, and why; null for most cases.</summary>
    public RaceClass? Race { get; init; }

    /// <summary>Whether the behaviour verdict is one of the race class's (where a move to another of them is no change).</summary>
    public bool IsWithinRace => Race is { } race && race.Behaviors.Contains(Behavior);

    /// <summary>
    /// The case counts as failed (a failed test, a JUnit failure): FAILED behaviour, or a close verdict other than OK
    /// or INFORMATIONAL. NON-STRICT and INFORMATIONAL pass with their reason; UNIMPLEMENTED is neither.
    /// </summary>
    public bool Fails => Behavior == Verdict.Failed || BehaviorClose is not (CloseVerdict.Ok or CloseVerdict.Informational);

    [JsonIgnore]
    public VerdictPair Verdicts => new(Behavior, BehaviorClose);

    public static CaseResult From(CaseDefinition @case, Transcript transcript, Score score) => new(@case, transcript, score);

    [SetsRequiredMembers]
    private CaseResult(CaseDefinition @case, Transcript transcript, Score score) : base(@case)
    {
        var entries = transcript.Entries;
        Steps = [.. @case.Request is { } request ? [request.Describe()] : Array.Empty<string>(), .. @case.Steps.Select(s => s.Describe())];
        ExpectedHandshake = @case.Handshake?.Describe();
        ExpectedEvents = @case.Outcomes.ToDictionary(o => o.Verdict, o => ConversationEvent.Describe(o.Events));
        ExpectedClose = @case.EndsAfterHandshake ? "" : @case.Close.Describe();
        ReceivedEvents = ConversationEvent.Describe(score.Events);
        Behavior = score.Behavior;
        BehaviorClose = score.BehaviorClose;
        Reason = score.Reason;
        StartedAt = transcript.StartedAt;
        DurationMs = entries.Count == 0 ? 0 : (entries[^1].AtMicroseconds - entries[0].AtMicroseconds) / 1000;
        RemoteCloseCode = score.RemoteCloseCode;
        RemoteCloseReason = score.RemoteCloseReason;
        Transcript = TranscriptEntry.Store(entries);
        Violations = score.Violations;
        Race = @case.Race is { } why ? new RaceClass(@case.RaceVerdicts, why) : null;
    }

    /// <summary>This result, confirmed by a second run alone: the second run's verdicts, the first run kept beside them.</summary>
    public CaseResult ConfirmedBy(CaseResult second, string why) => second with
    {
        Reason = $"{second.Reason}; run a second time, alone, because the first time {why}",
        RunAgainBecause = why,
        FirstRun = new EarlierRun(Behavior, BehaviorClose, Reason, StartedAt, DurationMs, Transcript),
        Violations = [.. Violations, .. second.Violations.Except(Violations)],
    };
}

/// <summary>A case's first run, when a timer decided it and the case ran again alone.</summary>
public sealed record EarlierRun(
    Verdict Behavior, CloseVerdict BehaviorClose, string Reason, DateTimeOffset StartedAt, long DurationMs, IReadOnlyList<TranscriptEntry> Transcript);

/// <summary>Behaviour verdicts a case may move between by a race inside the server (suites/README.md, "race").</summary>
public sealed record RaceClass(IReadOnlyList<Verdict> Behaviors, string Why);

/// <summary>
/// A transcript entry as stored: time in microseconds, kind, octets (base64) or text. Verdicts are scored on the
/// whole transcript; what is stored is folded so that a 16 MiB echo or 16,384 chopped writes do not make results of
/// hundreds of megabytes: the first <see cref="StoredOctetsPerDirection"/> octets of each direction are kept whole,
/// and of the reads or writes after that only the last few keep their first <see cref="StoredOctetsPerEntry"/>
/// octets (the end of a conversation, where the closing handshake is). Omitted counts the octets left out;
/// consecutive reads or writes left out entirely become one entry, Merged saying how many (also when reads and
/// writes alternate, as in a round-trip series: then one entry for each direction).
/// </summary>
public sealed record TranscriptEntry(long T, string Kind, string? Data, string? Text, long? Omitted = null, int? Merged = null)
{
    public const int StoredOctetsPerDirection = 64 * 1024;
    public const int StoredOctetsPerEntry = 256;
    public const int EntriesKeptAtTheEnd = 8;

    public static IReadOnlyList<TranscriptEntry> Store(IReadOnlyList<WireEntry> entries)
    {
        var lastOnes = new HashSet<int>();
        foreach (var kind in new[] { WireEntryKind.Sent, WireEntryKind.Received })
        {
            for (int i = entries.Count - 1, kept = 0; i >= 0 && kept < EntriesKeptAtTheEnd; i--)
                if (entries[i].Kind == kind && entries[i].Bytes is not null) { lastOnes.Add(i); kept++; }
        }
        long sent = 0, received = 0;
        var stored = new List<TranscriptEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Bytes is null)
            {
                stored.Add(new(e.AtMicroseconds, e.Kind.ToString(), null, e.Text));
                continue;
            }
            ref var used = ref e.Kind == WireEntryKind.Sent ? ref sent : ref received;
            var allowance = Math.Max(StoredOctetsPerDirection - used, lastOnes.Contains(i) ? StoredOctetsPerEntry : 0);
            var keep = (int)Math.Min(allowance, e.Bytes.Length);
            used += keep;
            var omitted = e.Bytes.Length - keep;
            if (keep == 0 && omitted > 0 && MergeTarget(stored, e.Kind.ToString(), e.Text) is { } at)
            {
                var last = stored[at];
                stored[at] = last with { Omitted = last.Omitted + omitted, Merged = (last.Merged ?? 1) + 1 };
                continue;
            }
            stored.Add(new(e.AtMicroseconds, e.Kind.ToString(), Convert.ToBase64String(e.Bytes, 0, keep), e.Text,
                omitted > 0 ? omitted : null));
        }
        return stored;
    }

    /// <summary>
    /// The left-out entry of this direction, with the same label, that a further left-out read or write joins: the last
    /// entry, or the one before it when the last is a left-out entry of the other direction (a round-trip series
    /// alternates writes and reads, and a thousand of them become two entries).
    /// </summary>
    private static int? MergeTarget(List<TranscriptEntry> stored, string kind, string? text)
    {
        static bool LeftOut(TranscriptEntry e) => e is { Data: "", Omitted: not null };
        if (stored.Count > 0 && LeftOut(stored[^1]) && stored[^1].Kind == kind && stored[^1].Text == text) return stored.Count - 1;
        if (stored.Count > 1 && LeftOut(stored[^1]) && LeftOut(stored[^2]) && stored[^2].Kind == kind && stored[^2].Text == text) return stored.Count - 2;
        return null;
    }
}
