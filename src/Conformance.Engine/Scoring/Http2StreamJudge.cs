using Conformance.Engine.Cases;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Scoring;

/// <summary>
/// What the server did with the streams a case ended, reset or opened beside the WebSocket's (RFC 8441 5, RFC 9113
/// 5.1, 5.4.2, 6.4), judged from the transcript's HTTP/2 frames alone (<see cref="Http2StreamLog"/>); the WebSocket's
/// own events and close are judged as in every case.
/// </summary>
public static class Http2StreamJudge
{
    private const string ResetRule = "RFC 9113 6.4: after receiving a RST_STREAM on a stream, the receiver MUST NOT send additional frames for that stream, except for PRIORITY";

    public static (Verdict Verdict, string Reason) Judge(CaseDefinition @case, TranscriptReading reading)
    {
        if (reading.Http2Streams is not { } log) return (Verdict.Failed, "the transcript holds no HTTP/2 connection, which the case's steps need");
        var findings = new List<(Verdict Verdict, string Reason)>();
        var webSocket = log.WebSocket;
        var connectionEnded = ConnectionEnded(log);
        var suiteEnded = @case.Steps.Any(s => s is EndStreamStep);
        if (suiteEnded) findings.Add(AfterEndStream(webSocket, connectionEnded));
        if (@case.Steps.Any(s => s is ResetStreamStep)) findings.Add(AfterReset(webSocket, connectionEnded));
        var others = log.Streams.Where(s => s.Id != webSocket.Id).ToList();
        var steps = @case.Steps.OfType<OtherWebSocketStep>().ToList();
        var afterOwnEnd = suiteEnded || @case.Steps.Any(s => s is ResetStreamStep);
        for (var i = 0; i < steps.Count; i++)
            findings.Add(Other(steps[i], i < others.Count ? others[i] : null, connectionEnded, afterOwnEnd, log.SuiteGoAwayAt));
        var worst = findings.Count == 0 ? Verdict.Ok : findings.MaxBy(f => f.Verdict.Badness()).Verdict;
        return (worst, string.Join("; ", findings.Where(f => f.Reason.Length > 0).OrderByDescending(f => f.Verdict.Badness()).Select(f => f.Reason)));
    }

    private static string? ConnectionEnded(Http2StreamLog log) =>
        log.ServerGoAway is { } goAway ? $"the server ended the connection with {goAway}"
        : log.ConnectionEndedAt is not null ? "the server closed the connection (without GOAWAY)"
        : null;

    /// <summary>RFC 8441 5: the suite's END_STREAM is the client's TCP FIN; the server ends its side in turn, and the connection goes on.</summary>
    private static (Verdict, string) AfterEndStream(Http2StreamFacts webSocket, string? connectionEnded)
    {
        if (webSocket.SuiteEndedAt is not { } endedAt)
            return (Verdict.Failed, $"the WebSocket's stream ended ({webSocket.ServerEnd ?? "the connection ended"}) before the suite's END_STREAM could go out");
        if (webSocket.ServerEnd is { } how && webSocket.ServerEndedAt >= endedAt)
            return (Verdict.Ok, $"after the suite's END_STREAM the server ended its side of the stream ({how})");
        if (connectionEnded is not null)
            return (Verdict.NonStrict, $"after the suite's END_STREAM on one stream {connectionEnded} instead of ending its side of that stream: " +
                                       "RFC 8441 5 makes END_STREAM the FIN of this WebSocket's TCP connection alone, and RFC 9113 6.8 says endpoints SHOULD send GOAWAY before closing a connection");
        // The suite had to reset the stream, which the close verdict says (FAILED BY CLIENT, as for a server that never closes TCP).
        return (Verdict.Ok, "");
    }

    /// <summary>RFC 8441 5: the suite's RST_STREAM is a TCP reset; the stream is closed (RFC 9113 5.1) and the server sends nothing more on it.</summary>
    private static (Verdict, string) AfterReset(Http2StreamFacts webSocket, string? connectionEnded)
    {
        if (webSocket.SuiteResetAt is null)
            return (Verdict.Failed, $"the WebSocket's stream ended ({webSocket.ServerEnd ?? "the connection ended"}) before the suite could reset it");
        if (webSocket.ServerFramesAfterSuiteReset.Count > 0)
            return (Verdict.Failed, $"after the suite's RST_STREAM the server sent {string.Join(", ", webSocket.ServerFramesAfterSuiteReset)} on the stream ({ResetRule}" +
                                    (webSocket.ServerFramesAfterSuiteReset.Any(f => f.StartsWith("RST_STREAM")) ? "; RFC 9113 5.4.2: an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame)" : ")"));
        if (connectionEnded is not null)
            return (Verdict.NonStrict, $"after the suite reset one stream {connectionEnded}: RFC 9113 5.4.2 makes RST_STREAM the end of that stream alone, and RFC 9113 6.8 says endpoints SHOULD send GOAWAY before closing a connection");
        return (Verdict.Ok, "after the suite's RST_STREAM the server sent nothing more on the stream");
    }

    /// <summary>Another WebSocket on the connection: answered 2xx (RFC 8441 5), its echo on its own stream alone, nothing after its reset.</summary>
    private static (Verdict, string) Other(OtherWebSocketStep step, Http2StreamFacts? stream, string? connectionEnded, bool afterOwnEnd, int? suiteGoAwayAt)
    {
        var expected = $"text \"{System.Text.Encoding.UTF8.GetString(step.Payload)}\"";
        // A server may end the connection after the client ended or reset a stream (RFC 9113 leaves it free); it then serves no new WebSocket.
        (Verdict, string)? ended = connectionEnded is null ? null : (afterOwnEnd ? Verdict.NonStrict : Verdict.Failed, $"no other WebSocket could open on the connection: {connectionEnded}");
        if (stream is null) return ended ?? (Verdict.Failed, "the suite could not open another stream on the connection");
        var name = $"stream {stream.Id}";
        if (stream.Status is not { } status)
        {
            if (ended is { } e) return e;
            return stream.ServerEnd is { } refusal
                ? (Verdict.Failed, $"the server refused another WebSocket on the connection ({name}: {refusal}), though it allows extended CONNECT (RFC 8441 3, 5)")
                : (Verdict.Failed, $"the server did not answer another extended CONNECT on the connection ({name})");
        }
        if (status is < 200 or > 299) return (Verdict.Failed, $"the server answered another extended CONNECT on the connection with :status {status} ({name}), not 2xx (RFC 8441 5)");
        var echoes = stream.ServerMessages.Where(m => !m.StartsWith("close")).ToList();
        if (stream.FramingProblem is { } problem) return (Verdict.Failed, $"{name}: the WebSocket frames could not be read: {problem}");
        if (echoes is not [var echo] || echo != expected)
            return ended is { } e2 && echoes.Count == 0 ? e2
                : (Verdict.Failed, $"{name} carried {(echoes.Count == 0 ? "no message" : string.Join(", ", echoes))} back, expected only the echo of its own {expected}: " +
                                   "RFC 8441 5 carries each WebSocket in the DATA frames of its own stream");
        if (step.Reset)
        {
            if (stream.ServerFramesAfterSuiteReset.Count > 0)
                return (Verdict.Failed, $"after the suite's RST_STREAM on {name} the server sent {string.Join(", ", stream.ServerFramesAfterSuiteReset)} on it ({ResetRule})");
            return (Verdict.Ok, $"{name} echoed its own {expected}, then was reset, and the server sent nothing more on it");
        }
        if (stream.ServerEnd is { } end && (suiteGoAwayAt is null || stream.ServerEndedAt < suiteGoAwayAt))
            return (Verdict.Failed, $"the server ended {name} ({end}), which the suite kept open: the other streams' ends must not end it (RFC 8441 5, RFC 9113 5.1)");
        return (Verdict.Ok, $"{name} echoed its own {expected}");
    }
}
