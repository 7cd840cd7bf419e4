using System.Security.Cryptography;
using System.Text;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Targets;

/// <summary>What the opening handshake of <see cref="FaultyEchoServer"/> agreed: the octets that followed the request
/// (frames sent at once) and the permessage-deflate parameters, if any.</summary>
internal sealed record Upgraded(ReadOnlyMemory<byte> Early, DeflateParameters? Deflate);

/// <summary>The server side of the opening handshake (RFC 6455 4.2): read the request, answer 101 or an error status.</summary>
internal static class FaultyEchoHandshake
{
    private const int MaxRequestBytes = 16 * 1024;

    /// <summary>How long a server with <see cref="ServerFault.StopsServingAfterABadRequest"/> waits for a request to end.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads the request and answers it; null when the request was refused or never ended. With
    /// <see cref="ServerFault.StopsServingAfterABadRequest"/>, stopServing is called before a bad request is answered or dropped.
    /// </summary>
    public static async Task<Upgraded?> AnswerAsync(Stream stream, ServerFault? fault, bool deflate, Action stopServing, CancellationToken cancel)
    {
        void BadRequest()
        {
            if (fault == ServerFault.StopsServingAfterABadRequest) stopServing();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (fault == ServerFault.StopsServingAfterABadRequest) timeout.CancelAfter(RequestTimeout);
        var buffer = new byte[MaxRequestBytes];
        var count = 0;
        int end;
        try
        {
            while ((end = buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (count == buffer.Length)
                {
                    BadRequest();
                    return null;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(count), timeout.Token);
                if (read == 0) return null;
                count += read;
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            BadRequest();
            return null;
        }

        var request = ParsedRequest.Parse(Encoding.Latin1.GetString(buffer, 0, end), literally: fault == ServerFault.MatchesHeadersLiterally);
        var refusal = fault == ServerFault.UpgradesEveryRequest ? null : Refusal(request);
        if (refusal is not null)
        {
            BadRequest();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(refusal), cancel);
            return null;
        }

        var key = request.Values("Sec-WebSocket-Key").FirstOrDefault() ?? "";
        var accept = fault == ServerFault.WrongAcceptKey
            ? Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key)))
            : HandshakeKeys.ComputeAccept(key);
        var response = new StringBuilder()
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Accept: {accept}\r\n");
        var subprotocols = request.Values("Sec-WebSocket-Protocol");
        if (fault == ServerFault.SubprotocolNotOffered) response.Append("Sec-WebSocket-Protocol: chat\r\n");
        if (fault == ServerFault.EchoesOfferedSubprotocols && subprotocols.Length > 0)
            response.Append($"Sec-WebSocket-Protocol: {string.Join(", ", subprotocols)}\r\n");

        var (extensions, agreed) = Extensions(request.Values("Sec-WebSocket-Extensions"), fault, deflate);
        if (extensions is not null) response.Append($"Sec-WebSocket-Extensions: {extensions}\r\n");
        response.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()), cancel);
        var early = fault == ServerFault.DropsFramesSentWithTheRequest ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(end + 4, count - end - 4);
        return new Upgraded(early, agreed);
    }

    /// <summary>The Sec-WebSocket-Extensions answer and what it agreed: the first valid permessage-deflate offer when the
    /// server speaks it (RFC 7692 5.1), unless its fault answers otherwise.</summary>
    private static (string? Answer, DeflateParameters? Agreed) Extensions(string[] offers, ServerFault? fault, bool deflate)
    {
        var offered = ExtensionList.Parse(offers, out _) ?? [];
        if (fault == ServerFault.EchoesOfferedExtensions)
        {
            if (offers.Length == 0) return (null, null);
            var echoedDeflate = offered.FirstOrDefault(DeflateNegotiation.IsDeflate);
            return (string.Join(", ", offers), deflate && echoedDeflate is not null ? DeflateNegotiation.Agreed(echoedDeflate) : null);
        }
        if (fault == ServerFault.AcceptsDeflateNotOffered)
            return (DeflateParameters.ExtensionName, deflate ? new DeflateParameters() : null);
        if (!deflate || DeflateNegotiation.Answer(offered) is not { } answer) return (null, null);
        return (answer.ToString(), DeflateNegotiation.Agreed(answer));
    }

    private const string BadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /// <summary>
    /// The answer refusing the request, or null for a request RFC 6455 4.2.1 lets the server upgrade: GET, HTTP/1.1,
    /// Host, Upgrade naming websocket, Connection naming Upgrade, one Sec-WebSocket-Key of 16 octets in base64, and
    /// one Sec-WebSocket-Version, 13 (another version gets 426 and the version this server speaks, 4.2.2/4.4).
    /// </summary>
    private static string? Refusal(ParsedRequest request)
    {
        if (request.Malformed || request.RequestLine is not ["GET", _, "HTTP/1.1"]) return BadRequest;
        var keys = request.Values("Sec-WebSocket-Key");
        var versions = request.Values("Sec-WebSocket-Version");
        if (request.Values("Host").Length != 1 || !request.Names("Upgrade", "websocket") || !request.Names("Connection", "Upgrade")
            || keys.Length != 1 || versions.Length != 1)
            return BadRequest;
        if (versions[0] != "13")
            return "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        Span<byte> decoded = stackalloc byte[64];
        if (!Convert.TryFromBase64String(keys[0], decoded, out var length) || length != 16) return BadRequest;
        return null;
    }

    /// <summary>
    /// A request head split into its request line and header fields. Read as HTTP says (names case-insensitive, values
    /// without the whitespace around them, Connection and Upgrade as lists of case-insensitive tokens), or, literally,
    /// as a server matching strings does: the name exactly as written, the value after ": " exactly, the whole value compared.
    /// </summary>
    private sealed class ParsedRequest(string[] requestLine, bool literally)
    {
        private readonly List<(string Name, string Value)> _headers = [];

        public string[] RequestLine { get; } = requestLine;
        public bool Malformed { get; private set; }

        public static ParsedRequest Parse(string head, bool literally)
        {
            var lines = head.Split("\r\n");
            var request = new ParsedRequest(lines[0].Split(' '), literally);
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
            .Where(h => h.Name.Equals(name, literally ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Value).ToArray();

        /// <summary>Whether a field of that name holds the token.</summary>
        public bool Names(string name, string token) => literally
            ? Values(name).Any(v => v == token)
            : Values(name).SelectMany(v => v.Split(',')).Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));
    }
}
