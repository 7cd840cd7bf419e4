using System.Net.Sockets;
using System.Text;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Tests;

/// <summary>
/// A loopback server that reads the whole opening request, answers 101 with the permessage-deflate answer its
/// negotiation gives to the request's first valid offer (none when it gives none or nothing was offered), and then
/// hands the connection to a script: a hostile peer that speaks the extension.
/// </summary>
internal sealed class DeflateScriptedServer : IAsyncDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private readonly LoopbackServer _server;

    /// <param name="negotiate">The answer to a valid offer (RFC 7692 5.1), given the answer a conforming server would give; null declines.</param>
    /// <param name="script">What the server does once upgraded.</param>
    public DeflateScriptedServer(Func<ExtensionElement, ExtensionElement?> negotiate, Func<DeflateServerConnection, CancellationToken, Task> script) =>
        _server = new LoopbackServer(async (stream, cancel) =>
        {
            var (upgraded, agreed) = await UpgradeAsync(stream, negotiate, cancel);
            if (upgraded) await script(new DeflateServerConnection(stream, agreed), cancel);
        });

    public Uri Url => _server.Url;

    private static async Task<(bool Upgraded, DeflateParameters? Agreed)> UpgradeAsync(NetworkStream stream, Func<ExtensionElement, ExtensionElement?> negotiate, CancellationToken cancel)
    {
        var head = await ReadHeadAsync(stream, cancel);
        if (head is null) return (false, null);
        var lines = head.Split("\r\n");
        string[] Values(string name) => lines.Skip(1).Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).ToArray();
        var key = Values("Sec-WebSocket-Key").FirstOrDefault() ?? "";
        var response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n");
        DeflateParameters? agreed = null;
        if (DeflateNegotiation.Answer(ExtensionList.Parse(Values("Sec-WebSocket-Extensions"), out _) ?? []) is { } conforming
            && negotiate(conforming) is { } answer)
        {
            response.Append($"Sec-WebSocket-Extensions: {answer}\r\n");
            agreed = DeflateNegotiation.Agreed(answer);
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response.Append("\r\n").ToString()), cancel);
        return (true, agreed);
    }

    /// <summary>The request head, read octet by octet so that frames sent with it stay unread; null when it never ends.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new List<byte>();
        var octet = new byte[1];
        while (head.Count < MaxRequestBytes)
        {
            if (await stream.ReadAsync(octet, cancel) == 0) return null;
            head.Add(octet[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                return Encoding.Latin1.GetString(head.ToArray(), 0, head.Count - 4);
        }
        return null;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>
/// The server's side of one upgraded connection: reads the client's frames without judging them (a hostile server checks
/// nothing), decompresses the client's compressed messages with the agreed parameters, answers pings and the close.
/// </summary>
internal sealed class DeflateServerConnection(NetworkStream stream, DeflateParameters? agreed)
{
    private const long MaxMessageBytes = 64L * 1024 * 1024;
    private const byte Rsv1 = 4;

    /// <summary>The permessage-deflate parameters the handshake agreed; null when none.</summary>
    public DeflateParameters? Agreed { get; } = agreed;

    public Task SendAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancel, bool fin = true, byte rsv = 0) =>
        stream.WriteAsync(new Frame(opcode, payload, fin, rsv).Encode(), cancel).AsTask();

    /// <summary>Reads and discards until the client closes TCP.</summary>
    public async Task DrainAsync(CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer, cancel) > 0)
        {
        }
    }

    /// <summary>
    /// Reads until the client closes: each data message (decompressed) goes to onMessage, each ping is answered with a
    /// pong and the client's close with a close (both with controlRsv), after which TCP is closed.
    /// </summary>
    public async Task ServeAsync(Func<byte, byte[], Task> onMessage, CancellationToken cancel, byte controlRsv = 0)
    {
        using var inflater = Agreed?.ClientInflater(MaxMessageBytes);
        var decoder = new FrameDecoder(MaxMessageBytes);
        var buffer = new byte[64 * 1024];
        List<byte[]>? fragments = null;
        long length = 0;
        byte opcode = 0;
        var compressed = false;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancel);
            if (read == 0) return;
            decoder.Append(buffer.AsSpan(0, read));
            while (true)
            {
                var status = decoder.TryRead(out var frame);
                if (status == DecodeStatus.Error) return;
                if (status == DecodeStatus.NeedMoreData) break;
                var h = frame!.Header;
                switch (h.Opcode)
                {
                    case Opcodes.Ping:
                        await SendAsync(Opcodes.Pong, frame.Payload, cancel, rsv: controlRsv);
                        continue;
                    case Opcodes.Close:
                        await SendAsync(Opcodes.Close, frame.Payload.Length >= 2 ? frame.Payload[..2] : [], cancel, rsv: controlRsv);
                        return;
                    case Opcodes.Text or Opcodes.Binary when fragments is null:
                        (fragments, length, opcode, compressed) = ([], 0, h.Opcode, inflater is not null && (h.Rsv & Rsv1) != 0);
                        break;
                    case Opcodes.Continuation when fragments is not null:
                        break;
                    default:
                        continue;
                }
                fragments.Add(frame.Payload);
                length += frame.Payload.Length;
                if (!h.Fin) continue;
                var message = Fragments.Join(fragments, length);
                fragments = null;
                if (compressed)
                {
                    if (inflater!.Decompress(message, out _) is not { } inflated) return;
                    message = inflated;
                }
                await onMessage(opcode, message);
            }
        }
    }
}
