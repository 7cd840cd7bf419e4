using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Conformance.Protocol;

namespace Conformance.Targets;

/// <summary>Autobahn's client driver loop (getCaseCount, runCase for each case with every message echoed, updateReports), written in .NET.</summary>
public static class ClientDrivers
{
    /// <summary>The loop on .NET's own client, <see cref="ClientWebSocket"/>.</summary>
    /// <param name="trust">For a wss:// server, the certificate to trust (the suite's own, made for the run).</param>
    public static async Task ClientWebSocketAsync(Uri server, string agent, X509Certificate2? trust = null)
    {
        var count = int.Parse(await ClientWebSocketExchangeAsync(new Uri(server, "getCaseCount"), echo: false, trust) ?? "0");
        for (var n = 1; n <= count; n++)
            await ClientWebSocketExchangeAsync(new Uri(server, $"runCase?case={n}&agent={Uri.EscapeDataString(agent)}"), echo: true, trust);
        await ClientWebSocketExchangeAsync(new Uri(server, $"updateReports?agent={Uri.EscapeDataString(agent)}"), echo: false, trust);
    }

    /// <summary>One connection: every message echoed (or the first kept), the close answered; the first text message, if any.</summary>
    private static async Task<string?> ClientWebSocketExchangeAsync(Uri url, bool echo, X509Certificate2? trust)
    {
        using var socket = new ClientWebSocket();
        if (trust is not null)
            socket.Options.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(trust.RawData);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? first = null;
        try
        {
            await socket.ConnectAsync(url, timeout.Token);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, timeout.Token);
                    message.Write(buffer, 0, received.Count);
                } while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(received.CloseStatus ?? WebSocketCloseStatus.Empty, null, timeout.Token);
                    return first;
                }
                if (!echo)
                {
                    first ??= Encoding.UTF8.GetString(message.ToArray());
                    continue;
                }
                await socket.SendAsync(message.ToArray(), received.MessageType, endOfMessage: true, timeout.Token);
            }
        }
        catch (WebSocketException)
        {
            return first; // the case may end the connection any way it likes; the suite judges it
        }
    }

    /// <summary>
    /// A client written on raw TCP that checks the server's answer as RFC 6455 4.1 says (status 101, Upgrade, Connection,
    /// Sec-WebSocket-Accept, no subprotocol or extension it did not offer: it offers none) and closes the connection on
    /// an answer it must fail; then echoes each data frame as it came (a fragment as a fragment), answers pings and the
    /// close, and masks its frames. With a fault, it breaks one of those rules.
    /// </summary>
    public static async Task RawAsync(Uri server, string agent, ClientFault fault, int count)
    {
        for (var n = 1; n <= count; n++) await RawCaseAsync(server, $"/runCase?case={n}&agent={Uri.EscapeDataString(agent)}", fault);
        await RawCaseAsync(server, $"/updateReports?agent={Uri.EscapeDataString(agent)}", fault);
    }

    private static async Task RawCaseAsync(Uri server, string target, ClientFault fault)
    {
        var masks = fault != ClientFault.DoesNotMask;
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var key = HandshakeKeys.NewKey();
        var request = $"GET {target} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[64 * 1024];
        var head = new List<byte>();
        var decoder = new FrameDecoder(FrameDecoder.LargestPayloadLength);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) return;
                var data = buffer.AsSpan(0, read);
                if (head is not null)
                {
                    head.AddRange(data.ToArray());
                    var end = HttpHead.Length(head.ToArray());
                    if (end < 0) continue;
                    if (!Accepts(head.ToArray().AsSpan(0, end), key, fault)) return;
                    decoder.Append(head.ToArray().AsSpan(end));
                    head = null;
                }
                else
                {
                    decoder.Append(data);
                }
                while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
                {
                    var h = frame!.Header;
                    var answer = h.Opcode switch
                    {
                        Opcodes.Ping => Opcodes.Pong,
                        Opcodes.Pong => (byte?)null,
                        _ => h.Opcode,
                    };
                    if (answer is not { } opcode) continue;
                    var reply = new Frame(opcode, frame.Payload, h.Fin, 0, masks ? Masking.NewKey() : null);
                    await stream.WriteAsync(reply.Encode(), timeout.Token);
                    if (opcode == Opcodes.Close) break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>Whether the client goes on with this answer head; a client that ignores Sec-WebSocket-Accept reads it as if it were right.</summary>
    private static bool Accepts(ReadOnlySpan<byte> head, string key, ClientFault fault)
    {
        if (fault == ClientFault.ChecksNoAnswer) return true;
        if (UpgradeResponse.TryParse(head, head.Length, out var response, out _, out _) != ResponseParseStatus.Complete) return false;
        if (fault == ClientFault.IgnoresAccept)
        {
            var lines = Encoding.Latin1.GetString(head).Split("\r\n").Where(l => !l.StartsWith("Sec-WebSocket-Accept:", StringComparison.OrdinalIgnoreCase)).ToList();
            lines.Insert(1, $"Sec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}");
            var rewritten = Encoding.Latin1.GetBytes(string.Join("\r\n", lines));
            UpgradeResponse.TryParse(rewritten, rewritten.Length, out response, out _, out _);
        }
        return response!.ValidateAcceptance(key, [], []) is null;
    }
}

/// <summary>A fault of the raw client (<see cref="ClientDrivers.RawAsync"/>), each against a rule of RFC 6455 a client must follow.</summary>
public enum ClientFault
{
    None,
    /// <summary>Sends its frames unmasked (5.1: a client MUST mask every frame it sends).</summary>
    DoesNotMask,
    /// <summary>Takes any Sec-WebSocket-Accept, or none, as right (4.1: the client MUST fail the connection on a wrong one).</summary>
    IgnoresAccept,
    /// <summary>Goes on after any answer at all (4.1: the client MUST validate the server's response).</summary>
    ChecksNoAnswer,
}
