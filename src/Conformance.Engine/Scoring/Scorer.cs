using Conformance.Engine.Cases;
using Conformance.Engine.Sessions;
using Conformance.Protocol;

namespace Conformance.Engine.Scoring;

public sealed record Score(
    Verdict Behavior,
    CloseVerdict BehaviorClose,
    string Reason,
    int? RemoteCloseCode,
    string? RemoteCloseReason,
    IReadOnlyList<ConversationEvent> Events);

/// <summary>
/// Judges a case from its transcript alone, the way Autobahn|Testsuite judges: the events are compared with the
/// expected lists (first match wins), and the close is judged by who closed, how cleanly and with which code.
/// </summary>
public static class Scorer
{
    public static Score Score(CaseDefinition @case, IReadOnlyList<WireEntry> transcript)
    {
        var score = ScoreConversation(@case, transcript);
        var recheck = transcript.FirstOrDefault(e => e.Kind is WireEntryKind.RecheckFailed or WireEntryKind.RecheckPassed);
        return recheck?.Kind switch
        {
            WireEntryKind.RecheckFailed => score with { Behavior = Verdict.Failed, Reason = $"{recheck.Text} ({score.Reason})" },
            WireEntryKind.RecheckPassed => score with { Reason = $"{score.Reason}; {recheck.Text}" },
            _ => score,
        };
    }

    private static Score ScoreConversation(CaseDefinition @case, IReadOnlyList<WireEntry> transcript)
    {
        var reading = TranscriptReading.Read(transcript);
        if (@case.Handshake is { } handshake && HandshakeJudge.Judge(@case, handshake, reading) is { } judged) return judged;
        if (!reading.HandshakeCompleted)
        {
            return new Score(Verdict.Failed, CloseVerdict.Failed,
                $"the opening handshake was never completed: {reading.HandshakeProblem}", null, null, []);
        }

        if (@case.DeflateOffers is { } offers && reading.Deflate is null)
        {
            // The case could not run; the suite closed normally at once, and that closing handshake is what is judged.
            var (closing, closeWhy, _) = JudgeClose(ExpectedClose.NormalBySuite, reading, reading.FirstServerClose is { } c ? ClosePayload.Parse(c.Frame.Payload, out _) : null);
            return new Score(Verdict.Unimplemented, closing,
                $"the server accepted none of the permessage-deflate offers ({string.Join(", ", offers)}), so the case could not run; {closeWhy}",
                null, null, []);
        }
        var events = reading.Events.Select(e => e.Event).ToList();
        var serverClose = reading.FirstServerClose is { } sc ? ClosePayload.Parse(sc.Frame.Payload, out _) : null;
        var (closeVerdict, closeReason, wrongInitiator) = JudgeClose(@case.Close, reading, serverClose);
        var (behavior, behaviorReason) = JudgeEvents(@case, events);

        if (reading.ServerViolations.Count > 0)
            (behavior, behaviorReason) = (Verdict.Failed, reading.ServerViolations[0]);
        else if (reading.DeadlinePassed)
            (behavior, behaviorReason) = (Verdict.Failed, "the case did not end before its deadline");
        else if (wrongInitiator && @case.Close.WrongInitiatorFailsBehavior)
            (behavior, behaviorReason) = (Verdict.Failed, $"the server never failed the connection; {closeReason}");
        else if (closeVerdict == CloseVerdict.WrongCode && @case.Close.WrongCodeFailsBehavior)
            (behavior, behaviorReason) = (Verdict.Failed, closeReason);

        var reason = behavior == Verdict.Ok && closeVerdict == CloseVerdict.Ok
            ? $"{behaviorReason}; {closeReason}"
            : behavior != Verdict.Ok ? behaviorReason : closeReason;
        if (@case.Informational)
        {
            (behavior, closeVerdict) = (Verdict.Informational, CloseVerdict.Informational);
            reason = $"the RFC leaves this open; received {ConversationEvent.Describe(events)}; {closeReason}";
        }
        return new Score(behavior, closeVerdict, reason, serverClose?.Code, serverClose?.ReasonText, events);
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

    private static (CloseVerdict Verdict, string Reason, bool WrongInitiator) JudgeClose(
        ExpectedClose expected, TranscriptReading reading, ClosePayload? serverClose)
    {
        var suiteFirst = First(reading.FirstSuiteClose?.EntryIndex, reading.SuiteClosedAt);
        var serverFirst = First(reading.FirstServerClose?.EntryIndex, reading.PeerClosedAt);
        var closedBySuite = suiteFirst is not null && (serverFirst is null || suiteFirst < serverFirst);
        var how = Describe(reading, serverClose, closedBySuite);

        if (closedBySuite != (expected.Initiator == CloseInitiator.Suite))
        {
            var who = expected.Initiator == CloseInitiator.Server
                ? "the server should have failed the connection, but the suite had to close it"
                : "the server closed the connection, but the suite should have";
            return (CloseVerdict.Failed, $"{who} ({how})", true);
        }

        var handshakeDone = reading.FirstSuiteClose is not null && reading.FirstServerClose is not null;
        var serverDroppedTcp = reading.PeerClosedAt is { } p && (reading.SuiteClosedAt is null || p < reading.SuiteClosedAt);
        var clean = handshakeDone && serverDroppedTcp;
        if (expected.RequireClean && !clean)
            return (CloseVerdict.Unclean, $"the closing handshake was not clean ({how})", false);

        if (serverClose?.Code is { } code && !expected.Codes.Contains(code))
            return (CloseVerdict.WrongCode, $"the server closed with {CloseCodes.Describe(code)}, expected {string.Join(" or ", expected.Codes)} ({how})", false);

        if (!serverDroppedTcp && reading.SuiteClosedAt is not null)
            return (CloseVerdict.FailedByClient, $"the suite had to drop the TCP connection: {reading.SuiteClosedBecause}", false);

        return (CloseVerdict.Ok, how, false);
    }

    private static int? First(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static string Describe(TranscriptReading reading, ClosePayload? serverClose, bool closedBySuite)
    {
        var parts = new List<string>();
        parts.Add(closedBySuite ? "the suite started the close" : "the server started the close");
        if (reading.FirstServerClose is null) parts.Add("the server sent no close frame");
        else if (serverClose?.Code is { } c) parts.Add($"server close code {c}");
        else parts.Add("server close without code");
        if (reading.PeerClosedAt is not null && (reading.SuiteClosedAt is null || reading.PeerClosedAt < reading.SuiteClosedAt))
            parts.Add("the server closed TCP");
        else if (reading.SuiteClosedBecause is { } why)
            parts.Add($"the suite dropped TCP: {why}");
        return string.Join(", ", parts);
    }
}
