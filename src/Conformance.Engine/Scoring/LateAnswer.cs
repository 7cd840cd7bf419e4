using Conformance.Engine.Cases;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Scoring;

/// <summary>
/// Finds verdicts that the case's own timer decided although the server did what the case expects, only after the
/// timer ran out: the echo came, or the server failed the connection with the right code, too late. On a loaded
/// machine, or beside other cases, that is a race the suite may have caused itself, so such a case is worth a
/// second run alone, the way Autobahn|Testsuite runs every case.
/// </summary>
public static class LateAnswer
{
    /// <returns>What the server did after the timer, in words; null when the verdict did not hang on the timer.</returns>
    public static string? Find(CaseDefinition @case, IReadOnlyList<WireEntry> transcript, Score score)
    {
        if (score.Behavior is Verdict.Informational or Verdict.Unimplemented) return null;
        if (score.Behavior == Verdict.Ok && score.BehaviorClose == CloseVerdict.Ok) return null;
        var timer = transcript.FirstOrDefault(e => e.Kind == WireEntryKind.TimerFired);
        if (timer is null) return null;
        var okEvents = @case.Outcomes.Any(o => o.Verdict == Verdict.Ok && o.Events.SequenceEqual(score.Events));
        if (!okEvents) return null;

        var waited = $"the {@case.End.AfterMilliseconds} ms timer ran out";
        if (@case.FinishesOnMatch)
            return $"{waited} before the expected answer arrived";
        if (@case.Close.Initiator == CloseInitiator.Server && score.RemoteCloseCode is { } code && @case.Close.Codes.Contains(code))
            return $"{waited} before the server failed the connection with {code}";
        return null;
    }
}
