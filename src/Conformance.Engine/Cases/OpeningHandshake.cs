namespace Conformance.Engine.Cases;

/// <summary>
/// How a case's opening request differs from the valid request the suite sends by default (suites/README.md,
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
}

/// <summary>What the answer to the opening request must be (suites/README.md, "The expected answer").</summary>
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
}
