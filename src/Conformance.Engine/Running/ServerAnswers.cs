using Conformance.Engine.Scoring;
using Conformance.Protocol;
using Conformance.Engine.Sessions;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Running;

/// <summary>How long the server took to answer, or that a timer ran out first; neither when nothing was asked or the connection ended.</summary>
public readonly record struct ServerAnswer(TimeSpan? Took, bool TimedOut)
{
    public static ServerAnswer None => default;
}

/// <summary>The server's answer times a transcript shows: to the opening handshake, and to the suite's own close.</summary>
public static class ServerAnswers
{
    /// <summary>From the opening request's first octet out to the end of the answer's head in.</summary>
    public static ServerAnswer Handshake(TranscriptReading reading) => reading.HandshakeTiming switch
    {
        { RequestAt: null } => ServerAnswer.None,
        { TimerFirst: true } => new(null, true),
        { RequestAt: { } sent, AnsweredAt: { } answered } => new(TimeSpan.FromMicroseconds(answered - sent), false),
        _ => ServerAnswer.None,
    };

    /// <summary>
    /// From the suite's own first close frame out to the server's close frame in, when the server's came after it (an
    /// answer); timed out when one of the suite's timers ran out after the suite's close and no close came.
    /// </summary>
    public static ServerAnswer Close(TranscriptReading reading)
    {
        if (reading.FirstSuiteClose is not { } sent) return ServerAnswer.None;
        if (reading.FirstServerClose is { } answered)
            return answered.EntryIndex > sent.EntryIndex ? new(TimeSpan.FromMicroseconds(answered.AtMicroseconds - sent.AtMicroseconds), false) : ServerAnswer.None;
        return reading.LastTimerFiredAt > sent.EntryIndex ? new(null, true) : ServerAnswer.None;
    }
}
