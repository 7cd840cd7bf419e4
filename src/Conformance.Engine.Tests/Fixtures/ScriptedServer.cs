using System.Net.Sockets;
using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>A loopback server that answers the upgrade and then does whatever a test tells it to: a hostile or broken peer.</summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    public ScriptedServer(Func<NetworkStream, string, CancellationToken, Task> afterRequest) =>
        _server = new LoopbackServer(async (stream, cancel) => await afterRequest(stream, await ReadKeyAsync(stream, cancel), cancel));

    public Uri Url => _server.Url;

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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
