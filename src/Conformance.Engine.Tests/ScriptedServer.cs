using System.Net;
using System.Net.Sockets;
using System.Text;
using Conformance.Protocol;

namespace Conformance.Engine.Tests;

/// <summary>A loopback server that answers the upgrade and then does whatever a test tells it to: a hostile or broken peer.</summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ScriptedServer(Func<NetworkStream, string, CancellationToken, Task> afterRequest)
    {
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            var key = await ReadKeyAsync(stream, _stop.Token);
                            await afterRequest(stream, key, _stop.Token);
                        }
                        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
                    }
                });
            }
        });
    }

    public Uri Url { get; }

    public static byte[] Accept(string key) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n\r\n");

    private static async Task<string> ReadKeyAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n"))
        {
            if (await stream.ReadAsync(buffer, cancel) == 0) throw new IOException("closed");
            head.Append((char)buffer[0]);
        }
        return head.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
