using Conformance.Engine.Cases;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Scoring;

public sealed record Score(
    Verdict Behavior,
    CloseVerdict BehaviorClose,
    string Reason,
    int? RemoteCloseCode,
    string? RemoteCloseReason,
    IReadOnlyList<ConversationEvent> Events,
    IReadOnlyList<string>? Violations = null)
{
    /// <summary>What the server sent that it must not have; the verdicts say what the suite made of it.</summary>
    public IReadOnlyList<string> Violations { get; init; } = Violations ?? [];

    /// <summary>
    /// The suite's timer that may have decided a verdict other than OK, in words; null when the server decided it. A
    /// timer decides when it ran out before the server had sent anything that settles the case: no violation, and the
    /// events until then still the start of an expected list. A slower server, or a busier machine, could have had the
    /// same answer a little later, so such a verdict is worth confirming with the case run alone.
    /// </summary>
    public string? DecidedByTimer { get; init; }
}

/// <summary>
/// Judges a case from its transcript alone, the way Autobahn|Testsuite judges: the events are compared with the
/// expected lists (first match wins), and the close is judged by who closed, how cleanly and with which code.
/// </summary>
public static class Scorer
{
    public static Score Score(CaseDefinition @case, IReadOnlyList<WireEntry> transcript) =>
        Score(@case, TranscriptReading.Read(transcript));

    /// <summary>The score from a transcript already read (<see cref="TranscriptReading.Read"/>, <see cref="Transcript.Reading"/>).</summary>
    public static Score Score(CaseDefinition @case, TranscriptReading reading)
    {
        var score = ScoreConversation(@case, reading);
        var recheck = reading.Recheck;
        score = recheck?.Kind switch
        {
            WireEntryKind.RecheckFailed => score with { Behavior = Verdict.Failed, Reason = $"{recheck.Text} ({score.Reason})" },
            WireEntryKind.RecheckPassed => score with { Reason = $"{score.Reason}; {recheck.Text}" },
            _ => score,
        };
        return score with { Reason = reading.Role.Worded(score.Reason), DecidedByTimer = TimerThatDecided(@case, reading, score) };
    }

    private static string? TimerThatDecided(CaseDefinition @case, TranscriptReading reading, Score score)
    {
        var best = score.Behavior is Verdict.Ok or Verdict.Informational or Verdict.Unimplemented
                   && score.BehaviorClose is CloseVerdict.Ok or CloseVerdict.Informational;
        if (best || reading.FirstTimerAt is not { } timer || reading.FirstViolationAt is not null) return null;
        var before = reading.Events.Where(e => e.EntryIndex < timer).Select(e => e.Event).ToList();
        if (!@case.Outcomes.Any(o => before.Count <= o.Events.Count && before.Select((e, i) => e.Equals(o.Events[i])).All(same => same))) return null;
        var entry = reading.FirstTimer!;
        return entry.Kind switch
        {
            WireEntryKind.Mark => $"the wait that ends in mark {entry.Text} passed",
            _ => entry.Text ?? entry.Kind.ToString(),
        };
    }

    private static Score ScoreConversation(CaseDefinition @case, TranscriptReading reading)
    {
        if (@case.Handshake is { } handshake && HandshakeJudge.Judge(@case, handshake, reading) is { } judged) return judged;
        if (!reading.HandshakeCompleted)
        {
            return new Score(Verdict.Failed, CloseVerdict.Failed,
                $"the opening handshake was never completed: {reading.HandshakeProblem}", null, null, []);
        }

        var serverClose = reading.FirstServerClose is { } sc ? ClosePayload.Parse(sc.Frame.Payload, out _) : null;
        if (@case.DeflateOffers is { } offers && reading.Deflate is null)
        {
            // The case could not run; the suite closed normally at once, and that closing handshake is what is judged.
            var (closing, closeWhy, _) = JudgeClose(ExpectedClose.NormalBySuite, reading, serverClose);
            var none = reading.Role == Role.Client
                ? $"the server accepted none of the permessage-deflate offers ({string.Join(", ", offers)})"
                : $"the client offered no permessage-deflate that allows what the case asks of it ({string.Join(" or ", offers)}, with server and client swapped), so the suite agreed none";
            return new Score(Verdict.Unimplemented, closing,
                $"{none}, so the case could not run; {closeWhy}",
                null, null, [], reading.ServerViolations);
        }
        var events = reading.Events.Select(e => e.Event).ToList();
        var (closeVerdict, closeReason, wrongInitiator) = JudgeClose(@case.Close, reading, serverClose);
        var (behavior, behaviorReason) = JudgeEvents(@case, events);

        if (reading.DeadlinePassed)
            (behavior, behaviorReason) = (Verdict.Failed, "the case did not end before its deadline");
        else if (wrongInitiator && @case.Close.WrongInitiatorFailsBehavior)
            (behavior, behaviorReason) = (Verdict.Failed, $"the server never failed the connection; {closeReason}");
        else if (closeVerdict == CloseVerdict.WrongCode && @case.Close.WrongCodeFailsBehavior)
            (behavior, behaviorReason) = (Verdict.Failed, closeReason);

        var reason = behavior == Verdict.Ok && closeVerdict == CloseVerdict.Ok
            ? $"{behaviorReason}; {closeReason}"
            : behavior != Verdict.Ok ? behaviorReason : closeReason;
        if (@case.ActsOnHttp2Streams)
        {
            var (streams, streamsReason) = Http2StreamJudge.Judge(@case, reading);
            reason = streams.Badness() > behavior.Badness() ? $"{streamsReason}; {reason}" : $"{reason}; {streamsReason}";
            if (streams.Badness() > behavior.Badness()) behavior = streams;
        }
        if (@case.Informational)
        {
            // The RFC leaves the outcome open, not the framing rules: what the server broke on the way is still said.
            (behavior, closeVerdict) = (Verdict.Informational, CloseVerdict.Informational);
            reason = $"the RFC leaves this open; received {ConversationEvent.Describe(events)}; {closeReason}";
        }
        if (reading.ServerViolations.Count > 0)
            reason = $"{reason}; the server broke the rules, and the suite failed the connection: {string.Join("; ", reading.ServerViolations)}";
        return new Score(behavior, closeVerdict, reason, serverClose?.Code, serverClose?.ReasonText, events, reading.ServerViolations);
    }

    private static (Verdict, string) JudgeEvents(CaseDefinition @case, IReadOnlyList<ConversationEvent> events)
    {
        foreach (var outcome in @case.Outcomes)
        {
            if (events.Count == outcome.Events.Count && events.SequenceEqual(outcome.Events))
                return (outcome.Verdict, $"received {ConversationEvent.Describe(events)} as expected");
        }
        var expected = string.Join(" or ", @case.Outcomes.Select(o => ConversationEvent.Describe(o.Events)));
        return (Verdict.Failed, $"expected {expected}; received {ConversationEvent.Describe(events)}{FirstDifference(@case.Outcomes[0].Events, events)}");
    }

    /// <summary>Where a long received list first parts from the expected one, so a vendor finds the message that went wrong.</summary>
    private static string FirstDifference(IReadOnlyList<ConversationEvent> expected, IReadOnlyList<ConversationEvent> received)
    {
        if (expected.Count < 3) return "";
        for (var i = 0; i < Math.Min(expected.Count, received.Count); i++)
        {
            if (!expected[i].Equals(received[i]))
                return $"; event {i + 1} of {expected.Count} is the first that differs: expected {expected[i]}, received {received[i]}";
        }
        return received.Count < expected.Count
            ? $"; the first {received.Count} of {expected.Count} events were as expected, then nothing more came"
            : $"; the {expected.Count} expected events came, then {received.Count - expected.Count} more";
    }

    /// <summary>
    /// The close verdict from the facts a client has, in Autobahn|Testsuite's order: the wrong side started the
    /// closing handshake (FAILED); a clean close was required and did not happen (UNCLEAN); the server's close code is
    /// not an accepted one (WRONG CODE, where an undefined code counts as 1000, as a client takes it); the suite had
    /// to close TCP itself (FAILED BY CLIENT); else OK.
    /// </summary>
    private static (CloseVerdict Verdict, string Reason, bool WrongInitiator) JudgeClose(
        ExpectedClose expected, TranscriptReading reading, ClosePayload? serverClose)
    {
        var facts = reading.Closing;
        var how = Describe(reading, serverClose);
        if (facts.ClosedBySuite != (expected.Initiator == CloseInitiator.Suite))
        {
            var who = expected.Initiator == CloseInitiator.Server
                ? "the server should have failed the connection, but the suite had to close it"
                : "the server closed the connection, but the suite should have";
            return (CloseVerdict.Failed, $"{who} ({how})", true);
        }
        if (expected.RequireClean && !facts.WasClean)
            return (CloseVerdict.Unclean, $"the closing handshake was not clean ({how})", false);
        if (facts.ServerCloseCodeTaken is { } code && !expected.Codes.Contains(code))
        {
            var sent = serverClose?.Code is { } actual && actual != code ? $"{CloseCodes.Describe(actual)}, which a client takes as {code}" : CloseCodes.Describe(code);
            return (CloseVerdict.WrongCode, $"the server closed with {sent}, expected {string.Join(" or ", expected.Codes)} ({how})", false);
        }
        // Playing the server, the suite closes TCP first (RFC 6455 7.1.1); Autobahn's fuzzingserver does the same.
        if (facts.DroppedBySuite && reading.Role == Role.Client)
            return (CloseVerdict.FailedByClient, $"the suite had to drop the TCP connection: {facts.DropReason ?? reading.SuiteClosedBecause}", false);
        return (CloseVerdict.Ok, how, false);
    }

    private static string Describe(TranscriptReading reading, ClosePayload? serverClose)
    {
        var facts = reading.Closing;
        var parts = new List<string>();
        parts.Add(facts.ClosedBySuite ? "the suite started the close" : reading.FirstServerClose is null ? "no close frame started the close" : "the server started the close");
        if (facts.ServerCloseRefused) parts.Add("the server's close frame broke the framing rules, so the suite did not take it as one");
        else if (reading.FirstServerClose is null) parts.Add("the server sent no close frame");
        else if (serverClose?.Code is { } c) parts.Add($"server close code {c}");
        else parts.Add("server close without code");
        if (facts.ServerClosedTcp) parts.Add(reading.OverHttp2 ? "the server ended or reset the stream" : "the server closed TCP");
        else if (facts.DroppedBySuite)
            parts.Add($"{(reading.OverHttp2 ? "the suite reset the stream" : "the suite dropped TCP")}: {facts.DropReason ?? reading.SuiteClosedBecause}");
        return string.Join(", ", parts);
    }
}
