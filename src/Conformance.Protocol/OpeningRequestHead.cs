namespace Conformance.Protocol;

/// <summary>
/// A client's opening request head (RFC 6455 4.1), as a server reads it: split into its request line and header
/// fields. Read as HTTP says (names case-insensitive, values without the whitespace around them, Connection and Upgrade
/// as lists of case-insensitive tokens), or, literally, as a server matching strings does: the name exactly as written,
/// the value after ": " exactly, the whole value compared.
/// </summary>
public sealed class OpeningRequestHead
{
    private readonly List<(string Name, string Value)> _headers = [];
    private readonly bool _literally;

    private OpeningRequestHead(string[] requestLine, bool literally)
    {
        RequestLine = requestLine;
        _literally = literally;
    }

    public string[] RequestLine { get; }
    public bool Malformed { get; private set; }

    /// <summary>The request target (the path and query), or "" when the request line has none.</summary>
    public string Target => RequestLine.Length > 1 ? RequestLine[1] : "";

    /// <param name="head">The head without the blank line that ends it, as Latin-1 text.</param>
    public static OpeningRequestHead Parse(string head, bool literally = false)
    {
        var lines = head.Split("\r\n");
        var request = new OpeningRequestHead(lines[0].Split(' '), literally);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(ch => ch <= ' ' || ch >= 127) || line.Any(ch => ch is '\0' or '\n' or '\r'))
            {
                request.Malformed = true;
                continue;
            }
            var value = line[(colon + 1)..];
            request._headers.Add((line[..colon], literally ? value.StartsWith(' ') ? value[1..] : value : value.Trim(' ', '\t')));
        }
        return request;
    }

    public string[] Values(string name) => _headers
        .Where(h => h.Name.Equals(name, _literally ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
        .Select(h => h.Value).ToArray();

    /// <summary>Whether a field of that name holds the token.</summary>
    public bool Names(string name, string token) => _literally
        ? Values(name).Any(v => v == token)
        : Values(name).SelectMany(v => v.Split(',')).Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one Sec-WebSocket-Key, or "".</summary>
    public string Key => Values("Sec-WebSocket-Key").FirstOrDefault() ?? "";

    /// <summary>The 101 answer that upgrades the request, with the Sec-WebSocket-Accept its key asks for (RFC 6455 4.2.2).</summary>
    public string SwitchingProtocols() =>
        $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(Key)}\r\n\r\n";

    public const string BadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /// <summary>
    /// The answer refusing the request, or null for a request RFC 6455 4.2.1 lets the server upgrade: GET, HTTP/1.1,
    /// Host, Upgrade naming websocket, Connection naming Upgrade, one Sec-WebSocket-Key of 16 octets in base64, and
    /// one Sec-WebSocket-Version, 13 (another version gets 426 and the version this server speaks, 4.2.2/4.4).
    /// </summary>
    public string? Refusal()
    {
        if (ProblemBeforeVersion() is not null) return BadRequest;
        if (Values("Sec-WebSocket-Version")[0] != "13")
            return "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return Problem() is null ? null : BadRequest;
    }

    /// <summary>Why a server must not upgrade this request (RFC 6455 4.2.1), in words; null when it may.</summary>
    public string? Problem()
    {
        if (ProblemBeforeVersion() is { } problem) return problem;
        if (Values("Sec-WebSocket-Version")[0] != "13") return $"the request asks for version {Values("Sec-WebSocket-Version")[0]}, not 13 (RFC 6455 4.2.1)";
        Span<byte> decoded = stackalloc byte[64];
        return !Convert.TryFromBase64String(Key, decoded, out var length) || length != 16
            ? "the Sec-WebSocket-Key is not 16 octets in base64 (RFC 6455 4.2.1)"
            : null;
    }

    private string? ProblemBeforeVersion()
    {
        if (Malformed) return "the request has a malformed header line";
        if (RequestLine is not ["GET", _, "HTTP/1.1"]) return "the request line is not GET ... HTTP/1.1 (RFC 6455 4.2.1)";
        if (Values("Host").Length != 1) return "the request does not have one Host field (RFC 6455 4.2.1)";
        if (!Names("Upgrade", "websocket")) return "the request's Upgrade field does not name websocket (RFC 6455 4.2.1)";
        if (!Names("Connection", "Upgrade")) return "the request's Connection field does not name Upgrade (RFC 6455 4.2.1)";
        if (Values("Sec-WebSocket-Key").Length != 1) return "the request does not have one Sec-WebSocket-Key (RFC 6455 4.2.1)";
        if (Values("Sec-WebSocket-Version").Length != 1) return "the request does not have one Sec-WebSocket-Version (RFC 6455 4.2.1)";
        return null;
    }
}
