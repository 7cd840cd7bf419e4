using System.Net.Sockets;
using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>
/// A loopback server whose answer to the opening request a test writes: it reads the request head, sends what
/// Answer returns (or, for null, stops serving altogether, as a crashed server would), then reads and discards
/// until the client goes.
/// </summary>
internal sealed class FaultyHandshakeServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    public FaultyHandshakeServer(Func<string, byte[]?> answer) => _server = new LoopbackServer((stream, cancel) => ServeAsync(stream, answer, cancel));

    public Uri Url => _server.Url;

    /// <summary>The valid 101 for a request head, with extra header lines.</summary>
    public static byte[] Switching(string head, string extraHeaders = "", string? accept = null) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {accept ?? HandshakeKeys.ComputeAccept(Header(head, "Sec-WebSocket-Key") ?? "")}\r\n{extraHeaders}\r\n");

    public static string? Header(string head, string name) => head.Split("\r\n")
        .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    private async Task ServeAsync(NetworkStream stream, Func<string, byte[]?> answer, CancellationToken cancel)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 256 * 1024)
        {
            if (await stream.ReadAsync(one, cancel) == 0) return;
            head.Append((char)one[0]);
        }
        var bytes = answer(head.ToString());
        if (bytes is null)
        {
            _server.StopListening();
            return;
        }
        await stream.WriteAsync(bytes, cancel);
        var sink = new byte[4096];
        while (await stream.ReadAsync(sink, cancel) > 0) { }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
