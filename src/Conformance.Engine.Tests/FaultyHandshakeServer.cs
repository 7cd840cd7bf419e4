using System.Net;
using System.Net.Sockets;
using System.Text;
using Conformance.Protocol;

namespace Conformance.Engine.Tests;

/// <summary>
/// A loopback server whose answer to the opening request a test writes: it reads the request head, sends what
/// Answer returns (or, for null, stops serving altogether, as a crashed server would), then reads and discards
/// until the client goes.
/// </summary>
internal sealed class FaultyHandshakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FaultyHandshakeServer(Func<string, byte[]?> answer)
    {
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(() => ServeAsync(client, answer));
            }
        });
    }

    public Uri Url { get; }

    /// <summary>The valid 101 for a request head, with extra header lines.</summary>
    public static byte[] Switching(string head, string extraHeaders = "", string? accept = null) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {accept ?? HandshakeKeys.ComputeAccept(Header(head, "Sec-WebSocket-Key") ?? "")}\r\n{extraHeaders}\r\n");

    public static string? Header(string head, string name) => head.Split("\r\n")
        .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    private async Task ServeAsync(TcpClient client, Func<string, byte[]?> answer)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 256 * 1024)
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0) return;
                    head.Append((char)one[0]);
                }
                var bytes = answer(head.ToString());
                if (bytes is null)
                {
                    _listener.Stop();
                    return;
                }
                await stream.WriteAsync(bytes, _stop.Token);
                var sink = new byte[4096];
                while (await stream.ReadAsync(sink, _stop.Token) > 0) { }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
