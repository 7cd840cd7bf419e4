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

        var request = OpeningRequestHead.Parse(Encoding.Latin1.GetString(buffer, 0, end), literally: fault == ServerFault.MatchesHeadersLiterally);
        var refusal = fault == ServerFault.UpgradesEveryRequest ? null : request.Refusal();
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
}
