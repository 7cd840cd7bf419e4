using System.Security.Cryptography;
using System.Text;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Targets;

/// <summary>What the opening handshake of <see cref="FaultyEchoServer"/> agreed: the octets that followed the request
/// (frames sent at once) and the permessage-deflate parameters, if any.</summary>
internal sealed record Upgraded(ReadOnlyMemory<byte> Early, DeflateParameters? Deflate);

/// <summary>The server side of the opening handshake (RFC 6455 4.2): read the request, answer 101 or 400.</summary>
internal static class FaultyEchoHandshake
{
    private const int MaxRequestBytes = 16 * 1024;

    /// <summary>Reads the request and answers it; null when the request was refused or never ended.</summary>
    public static async Task<Upgraded?> AnswerAsync(Stream stream, ServerFault? fault, bool deflate, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        var count = 0;
        int end;
        while ((end = buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (count == buffer.Length) return null;
            var read = await stream.ReadAsync(buffer.AsMemory(count), cancel);
            if (read == 0) return null;
            count += read;
        }

        var request = Encoding.Latin1.GetString(buffer, 0, end);
        var refusal = Refusal(request, out var key);
        if (refusal is not null)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(refusal), cancel);
            return null;
        }

        var accept = fault == ServerFault.WrongAcceptKey
            ? Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key)))
            : HandshakeKeys.ComputeAccept(key);
        var response = new StringBuilder()
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Accept: {accept}\r\n");
        if (fault == ServerFault.SubprotocolNotOffered) response.Append("Sec-WebSocket-Protocol: chat\r\n");
        var answer = deflate ? DeflateNegotiation.Answer(ExtensionList.Parse(Values(request, "Sec-WebSocket-Extensions"), out _) ?? []) : null;
        if (answer is not null) response.Append($"Sec-WebSocket-Extensions: {answer}\r\n");
        response.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()), cancel);
        return new Upgraded(buffer.AsMemory(end + 4, count - end - 4), answer is null ? null : DeflateNegotiation.Agreed(answer));
    }

    /// <summary>The values of the request's header fields of that name.</summary>
    private static string[] Values(string request, string name) => request.Split("\r\n").Skip(1)
        .Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(p => p[1].Trim(' ', '\t')).ToArray();

    private const string BadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    /// <summary>
    /// The answer refusing the request, or null for a request RFC 6455 4.2.1 lets the server upgrade: GET, HTTP/1.1,
    /// Host, Upgrade naming websocket, Connection naming Upgrade, one Sec-WebSocket-Key of 16 octets in base64, and
    /// one Sec-WebSocket-Version, 13 (another version gets 426 and the version this server speaks, 4.2.2/4.4).
    /// </summary>
    private static string? Refusal(string request, out string key)
    {
        key = "";
        var lines = request.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", _, "HTTP/1.1"]) return BadRequest;
        var headers = new List<(string Name, string Value)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(ch => ch <= ' ' || ch >= 127) || line.Any(ch => ch is '\0' or '\n' or '\r')) return BadRequest;
            headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        string[] Values(string name) => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        bool Names(string name, string token) => Values(name).SelectMany(v => v.Split(',')).Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

        var keys = Values("Sec-WebSocket-Key");
        var versions = Values("Sec-WebSocket-Version");
        if (Values("Host").Length != 1 || !Names("Upgrade", "websocket") || !Names("Connection", "Upgrade") || keys.Length != 1 || versions.Length != 1)
            return BadRequest;
        if (versions[0] != "13")
            return "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        Span<byte> decoded = stackalloc byte[64];
        if (!Convert.TryFromBase64String(keys[0], decoded, out var length) || length != 16) return BadRequest;
        key = keys[0];
        return null;
    }
}
