using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Conformance.Engine.Cases;
using Conformance.Engine.Scoring;
using Conformance.Engine.Wire;

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
        var reading = transcript.Reading();
        var suite = reading.Role;
        string[] opening = @case.Request is { } request ? [request.Describe()] : @case.Http2Request is { } h2 ? [h2.Describe()] : @case.Answer is { } answer ? [answer.Describe()] : [];
        Steps = [.. opening, .. @case.Steps.Select(s => s.Describe(suite))];
        Expectation = suite.Worded(@case.Expectation);
        ExpectedHandshake = @case.Handshake?.Describe(@case.OnlyOverHttp2);
        ExpectedEvents = @case.Outcomes.ToDictionary(o => o.Verdict, o => ConversationEvent.Describe(o.Events));
        ExpectedClose = @case.EndsAfterHandshake ? "" : suite.Worded(@case.Close.Describe());
        ReceivedEvents = ConversationEvent.Describe(score.Events);
        Behavior = score.Behavior;
        BehaviorClose = score.BehaviorClose;
        Reason = score.Reason;
        StartedAt = transcript.StartedAt;
        DurationMs = (reading.LastAtMicroseconds - reading.FirstAtMicroseconds) / 1000;
        RemoteCloseCode = score.RemoteCloseCode;
        RemoteCloseReason = score.RemoteCloseReason;
        Transcript = transcript.Stored();
        Violations = score.Violations;
        Race = @case.Race is { } why ? new RaceClass(@case.RaceVerdicts, why) : null;
    }

    /// <summary>This result, confirmed by a second run (alone, unless said): the second run's verdicts, the first run kept beside them.</summary>
    public CaseResult ConfirmedBy(CaseResult second, string why, string how = "alone") => second with
    {
        Reason = $"{second.Reason}; run a second time, {how}, because the first time {why}",
        RunAgainBecause = why,
        FirstRun = new EarlierRun(Behavior, BehaviorClose, Reason, StartedAt, DurationMs, Transcript),
        Violations = [.. Violations, .. second.Violations.Except(Violations)],
    };
}

/// <summary>A case's first run, when a timer decided it and the case ran again alone.</summary>
public sealed record EarlierRun(
    Verdict Behavior, CloseVerdict BehaviorClose, string Reason, DateTimeOffset StartedAt, long DurationMs, IReadOnlyList<TranscriptEntry> Transcript);

/// <summary>Behaviour verdicts a case may move between by a race inside the server (suites/case-format.md, "race").</summary>
public sealed record RaceClass(IReadOnlyList<Verdict> Behaviors, string Why);
