using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Wire;

/// <summary>What permessage-deflate the opening handshake agreed, read from the request the suite wrote and the server's answer.</summary>
public static class DeflateAgreement
{
    /// <summary>The agreed parameters; null when nothing was agreed, with problem set when the answer is one a client must fail.</summary>
    public static DeflateParameters? Read(string requestHead, UpgradeResponse response, out string? problem)
    {
        problem = null;
        var answerValues = response.Headers.Where(h => h.Key.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        if (answerValues.Count == 0) return null;
        var answered = ExtensionList.Parse(answerValues, out var answerError);
        if (answered is null)
        {
            problem = $"the server's Sec-WebSocket-Extensions is malformed: {answerError} (RFC 6455 9.1)";
            return null;
        }
        if (!answered.Any(DeflateNegotiation.IsDeflate)) return null;
        var offered = ExtensionList.Parse(RequestHeaders(requestHead, "Sec-WebSocket-Extensions"), out var offerError);
        if (offered is null)
        {
            problem = $"the server accepted {DeflateParameters.ExtensionName} although the request's offer was malformed ({offerError}); RFC 7692 5.1: a server MUST decline such an offer";
            return null;
        }
        return DeflateNegotiation.Judge(offered, answered, out problem);
    }

    /// <summary>The values of the request's header fields of that name (lines may end in a bare LF).</summary>
    public static IEnumerable<string> RequestHeaders(string head, string name) =>
        head.Split('\n').Skip(1).Select(l => l.TrimEnd('\r').Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim());
}
