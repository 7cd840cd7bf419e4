using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>A target that is broken or malicious: a scripted server, or the faulty echo server with one fault.</summary>
/// <param name="Parallelism">Cases run at a time where the run's default does not fit: more for a server that only stalls.</param>
public sealed record HostileServer(string Name, Func<IAsyncDisposable> Start, Func<IAsyncDisposable, Uri> Url, int? Parallelism = null)
{
    public override string ToString() => Name;
}

/// <summary>The hostile servers the whole catalogue must survive: each case ends on time with a verdict, memory stays bounded.</summary>
internal static class HostileServerZoo
{
    public static IEnumerable<HostileServer> All()
    {
        yield return Scripted("garbage handshake answer", async (stream, _, cancel) =>
        {
            await stream.WriteAsync(Bytes("\x16\x03\x01 garbage ", 0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A), cancel);
            await stream.WriteAsync(Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray(), cancel);
        });
        yield return Scripted("a frame announcing 2^63-1 octets", async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            await stream.WriteAsync(new byte[] { 0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, cancel);
            await DrainAsync(stream, cancel);
        }) with { Parallelism = 64 };
        yield return Scripted("data streamed forever", async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            var burst = Enumerable.Repeat(new Frame(Opcodes.Binary, new byte[16 * 1024]).Encode(), 64).SelectMany(b => b).ToArray();
            while (true) await stream.WriteAsync(burst, cancel);
        });
        yield return Scripted("one octet per second (slowloris)", async (stream, key, cancel) =>
        {
            foreach (var octet in ScriptedServer.Accept(key))
            {
                await stream.WriteAsync(new[] { octet }, cancel);
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
        }) with { Parallelism = 128 };
        yield return Scripted("TCP closed mid-frame", async (stream, key, cancel) =>
        {
            await stream.WriteAsync(ScriptedServer.Accept(key), cancel);
            await stream.WriteAsync(new Frame(Opcodes.Text, Encoding.UTF8.GetBytes("Hello, half a frame")).Encode().AsMemory(0, 9), cancel);
        });
        yield return new HostileServer("never closes (echoes, never answers a close)",
            () => FaultyEchoServer.Start(ServerFault.NeverAnswersClose), s => ((FaultyEchoServer)s).Url) { Parallelism = 64 };
        yield return Scripted("<script> and invalid UTF-8 in headers and close reason", async (stream, key, cancel) =>
        {
            var accept = ScriptedServer.Accept(key);
            var evil = Bytes("X-Evil: <script>alert(1)</script>", 0xC3, 0x28, 0xFF, 0x0D, 0x0A, 0x0D, 0x0A);
            await stream.WriteAsync(accept.AsMemory(0, accept.Length - 2), cancel);
            await stream.WriteAsync(evil, cancel);
            var reason = Bytes("<script>alert(1)</script>", 0xED, 0xA0, 0x80);
            await stream.WriteAsync(new Frame(Opcodes.Close, ClosePayload.Build(1000, reason)).Encode(), cancel);
            await ReadUntilCloseAsync(stream, cancel);
        });
        foreach (var deflating in HostileDeflateServers.All()) yield return deflating;
    }

    private static HostileServer Scripted(string name, Func<System.Net.Sockets.NetworkStream, string, CancellationToken, Task> script) =>
        new(name, () => new ScriptedServer(script), s => ((ScriptedServer)s).Url);

    /// <summary>Reads and discards until the suite closes: a server that stops reading would stall the suite's large writes
    /// until each case's deadline, which tests the deadlines of category 9 (up to 1000 s) rather than the suite.</summary>
    private static async Task DrainAsync(System.Net.Sockets.NetworkStream stream, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer, cancel) > 0)
        {
        }
    }

    /// <summary>
    /// Reads the suite's frames until its close frame, or until it ends the connection, and returns, which closes the
    /// connection. A frame of more than a mebibyte is not kept: the rest is drained until the suite closes.
    /// </summary>
    private static async Task ReadUntilCloseAsync(System.Net.Sockets.NetworkStream stream, CancellationToken cancel)
    {
        var decoder = new FrameDecoder(maxPayloadLength: 1024 * 1024);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            decoder.Append(buffer.AsSpan(0, read));
            while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
            {
                if (frame!.Header.Opcode == Opcodes.Close) return;
            }
            if (decoder.Error is not null)
            {
                await DrainAsync(stream, cancel);
                return;
            }
        }
    }

    private static byte[] Bytes(string ascii, params byte[] raw) => [.. Encoding.ASCII.GetBytes(ascii), .. raw];
}
