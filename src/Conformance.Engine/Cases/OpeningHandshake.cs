namespace Conformance.Engine.Cases;

/// <summary>
/// How a case's opening request differs from the valid request the suite sends by default (suites/case-format.md,
/// "The opening request"). Header names compare case-insensitively; a name in Headers replaces the default
/// header in place, with the case's spelling of the name.
/// </summary>
public sealed record OpeningRequest
{
    public static OpeningRequest Default { get; } = new();

    public string Method { get; init; } = "GET";
    /// <summary>The request target; "{path}" is the target URL's path and query.</summary>
    public string Target { get; init; } = "{path}";
    public string Version { get; init; } = "HTTP/1.1";
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    /// <summary>Header lines added after the others, even when a header of that name is already there.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Add { get; init; } = [];
    public IReadOnlyList<string> Omit { get; init; } = [];
    /// <summary>Lines written as they are after the headers, before the blank line.</summary>
    public IReadOnlyList<byte[]> Lines { get; init; } = [];
    /// <summary>The whole request, with {host}, {path}, {key} and {origin} filled in; replaces everything above.</summary>
    public string? Raw { get; init; }
    public int? Chop { get; init; }
    /// <summary>False: the blank line that ends the request is never sent.</summary>
    public bool Complete { get; init; } = true;
    /// <summary>The octets of the first step go out in the same write as the request.</summary>
    public bool Pipeline { get; init; }

    /// <summary>The request in words, for reports: how it differs from the suite's valid request.</summary>
    public string Describe()
    {
        if (Raw is not null) return $"send the opening request as written in the case ({Raw.Length} characters)" + Sending();
        var parts = new List<string>();
        if (Method != "GET" || Target != "{path}" || Version != "HTTP/1.1") parts.Add($"request line {Method} {Target} {Version}");
        parts.AddRange(Headers.Select(h => $"{h.Key}: {h.Value}"));
        parts.AddRange(Add.Select(h => $"an added {h.Key}: {h.Value}"));
        parts.AddRange(Omit.Select(name => $"no {name}"));
        if (Lines.Count > 0) parts.Add($"{Lines.Count} extra header line(s) of {Lines.Sum(l => l.Length)} octets in all");
        return (parts.Count == 0 ? "send the suite's valid opening request" : "send the opening request with " + string.Join("; ", parts)) + Sending();
    }

    private string Sending() =>
        (Chop is { } c ? $", written in pieces of {c} octet(s)" : "")
        + (Complete ? "" : ", never finished (no blank line)")
        + (Pipeline ? ", with the first step's octets in the same write" : "");
}

/// <summary>What the answer to the opening request must be (suites/case-format.md, "The expected answer").</summary>
public sealed record HandshakeExpectation
{
    /// <summary>True: the server must upgrade; false: it must refuse; null: either (the RFC is silent).</summary>
    public bool? Upgrade { get; init; }
    /// <summary>The refusal's status, digits with x for any digit, such as "4xx" or "426".</summary>
    public string Status { get; init; } = "4xx";
    /// <summary>The refusal must carry Sec-WebSocket-Version listing 13 (RFC 6455 4.4).</summary>
    public bool VersionHeader { get; init; }
    /// <summary>The behaviour verdict when a request that should be refused is upgraded.</summary>
    public Verdict IfUpgraded { get; init; } = Verdict.Failed;
    /// <summary>After the case, a normal connection to the target must still open.</summary>
    public bool Recheck { get; init; }

    /// <summary>The expected answer in words, for reports; over HTTP/2, to an extended CONNECT (RFC 8441 5, RFC 9113 8.1.1).</summary>
    public string Describe(bool overHttp2 = false) =>
        (Upgrade switch
        {
            true when overHttp2 => "a 2xx answer a conforming client accepts",
            true => "101 Switching Protocols with an answer a conforming client accepts",
            false when overHttp2 => $"no WebSocket: a {Status} answer" + (VersionHeader ? " with sec-websocket-version listing 13" : ", or the stream reset (RST_STREAM) or the connection ended (GOAWAY) before an answer"),
            false => $"no upgrade: a {Status} answer" + (VersionHeader ? " with Sec-WebSocket-Version listing 13" : ""),
            null => "either a valid upgrade or a refusal (the RFC leaves it open)",
        })
        + (Upgrade == false && IfUpgraded != Verdict.Failed ? $"; upgrading is {IfUpgraded.Word()}" : "")
        + (Recheck ? "; afterwards a normal connection still opens" : "");
}
