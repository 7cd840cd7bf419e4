using System.Security.Cryptography;
using System.Text;
using Conformance.Protocol;

namespace Conformance.Targets;

/// <summary>The server side of the opening handshake (RFC 6455 4.2): read the request, answer 101 or 400.</summary>
internal static class FaultyEchoHandshake
{
    private const int MaxRequestBytes = 16 * 1024;

    /// <summary>
    /// Reads the request and answers it. Returns the octets that followed the request (frames sent at once),
    /// or null when the request was refused or never ended.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> AnswerAsync(Stream stream, ServerFault? fault, CancellationToken cancel)
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

        var lines = Encoding.Latin1.GetString(buffer, 0, end).Split("\r\n");
        var key = Header(lines, "Sec-WebSocket-Key");
        var isUpgrade = lines[0].StartsWith("GET ", StringComparison.Ordinal)
                        && Header(lines, "Upgrade")?.Contains("websocket", StringComparison.OrdinalIgnoreCase) == true
                        && Header(lines, "Sec-WebSocket-Version") == "13"
                        && key is not null;
        if (!isUpgrade)
        {
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), cancel);
            return null;
        }

        var accept = fault == ServerFault.WrongAcceptKey
            ? Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key!)))
            : HandshakeKeys.ComputeAccept(key!);
        var response = new StringBuilder()
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Accept: {accept}\r\n");
        if (fault == ServerFault.SubprotocolNotOffered) response.Append("Sec-WebSocket-Protocol: chat\r\n");
        response.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()), cancel);
        return buffer.AsMemory(end + 4, count - end - 4);
    }

    private static string? Header(string[] lines, string name) =>
        lines.Skip(1).Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
}
