using Conformance.Engine.Cases;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Scoring;

/// <summary>
/// Judges the server's answer to a case's opening request (suites/case-format.md, "The expected answer"). A case whose
/// request must be upgraded, and was, goes on to be judged by its steps like any other.
/// </summary>
internal static class HandshakeJudge
{
    /// <summary>The score, or null when the handshake succeeded as expected and the steps decide.</summary>
    public static Score? Judge(CaseDefinition @case, HandshakeExpectation expected, TranscriptReading reading)
    {
        var response = reading.Response;
        // Over HTTP/2 a 2xx answer to extended CONNECT opens the WebSocket (RFC 8441 5), and a stream refused with
        // RST_STREAM or GOAWAY is refused as a malformed request must be (RFC 9113 8.1.1).
        var upgraded = reading.OverHttp2 ? response?.StatusCode is >= 200 and <= 299 : response?.StatusCode == 101;
        if (expected.Upgrade == true)
        {
            return reading.HandshakeCompleted ? null
                : Behavior(Verdict.Failed, CloseVerdict.Failed, $"a conforming client would fail the connection: {reading.HandshakeProblem}");
        }

        var answered = Answered(reading);
        if (upgraded && !reading.HandshakeCompleted)
            return Behavior(Verdict.Failed, CloseVerdict.Failed, $"the server upgraded, but a conforming client would fail the connection: {reading.HandshakeProblem}");
        if (@case.Informational && !(upgraded && expected.Upgrade == false))
            return Behavior(Verdict.Informational, CloseVerdict.Informational, $"the RFC leaves this open; {answered}");
        if (expected.Upgrade is null)
        {
            var verdict = upgraded || IsErrorStatus(response) || reading.StreamRefused ? Verdict.Ok : response is null ? Verdict.NonStrict : Verdict.Failed;
            return Behavior(verdict, CloseOf(reading), verdict == Verdict.Failed ? $"neither an upgrade nor an error status: {answered}" : answered);
        }

        if (upgraded)
        {
            var verdict = expected.IfUpgraded;
            return Behavior(verdict, verdict == Verdict.Failed ? CloseVerdict.Failed : CloseVerdict.Ok,
                $"the server upgraded a request it should have refused ({answered})");
        }
        if (reading.StreamRefused)
        {
            return expected.VersionHeader
                ? Behavior(Verdict.NonStrict, CloseVerdict.Ok, $"the server refused, but not with an error status listing the versions it understands: {answered}")
                : Behavior(Verdict.Ok, CloseVerdict.Ok, answered);
        }
        if (response is null)
            return Behavior(Verdict.NonStrict, CloseVerdict.Informational, $"the server did not upgrade, but did not answer with an error status either: {answered}");
        if (!IsErrorStatus(response))
            return Behavior(Verdict.Failed, CloseVerdict.Ok, $"the server must refuse with an error status, not {Status(response)}");
        if (expected.VersionHeader && !HttpSyntax.ListContainsToken(response.GetHeader("Sec-WebSocket-Version"), "13"))
        {
            var header = response.GetHeader("Sec-WebSocket-Version") is { } v ? $"Sec-WebSocket-Version: {v}" : "no Sec-WebSocket-Version header";
            return Behavior(Verdict.Failed, CloseVerdict.Ok, $"the refusal ({Status(response)}) must list the versions the server understands, but has {header}");
        }
        if (!Matches(expected.Status, response.StatusCode))
            return Behavior(Verdict.NonStrict, CloseVerdict.Ok, $"the server refused with {Status(response)}, expected {expected.Status}");
        return Behavior(Verdict.Ok, CloseVerdict.Ok, answered);
    }

    private static Score Behavior(Verdict behavior, CloseVerdict close, string reason) => new(behavior, close, reason, null, null, []);

    /// <summary>The server answered as HTTP allows whether it then kept the connection or closed it; silence is noted, not judged.</summary>
    private static CloseVerdict CloseOf(TranscriptReading reading) => reading.Response is null ? CloseVerdict.Informational : CloseVerdict.Ok;

    private static bool IsErrorStatus(UpgradeResponse? response) => response?.StatusCode is >= 400 and <= 599;

    private static bool Matches(string pattern, int status)
    {
        var digits = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return digits.Length == 3 && pattern.Zip(digits).All(p => p.First == 'x' || p.First == p.Second);
    }

    private static string Status(UpgradeResponse response) => $"{response.StatusCode} {response.ReasonPhrase}".TrimEnd();

    private static string Answered(TranscriptReading reading)
    {
        var closed = reading.PeerClosedAt is not null && (reading.SuiteClosedAt is null || reading.PeerClosedAt < reading.SuiteClosedAt);
        if (reading.Response is { } r) return $"the server answered {Status(r)}{(closed ? " and closed the connection" : "")}";
        return $"{reading.HandshakeProblem ?? "no answer"}{(closed ? "; the server closed the connection" : "")}";
    }
}
