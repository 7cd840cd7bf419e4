using System.IO.Compression;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Tests;

/// <summary>
/// Hostile servers that accept a permessage-deflate offer (RFC 7692) and then misbehave with it. Where nothing was
/// agreed they echo as a plain server does, unless their fault needs no agreement.
/// </summary>
internal static class HostileDeflateServers
{
    private const byte Rsv1 = 4;
    private const int Mebibyte = 1024 * 1024;

    /// <summary>200 MiB of zeros compressed to about 200 KiB (1000:1).</summary>
    private static readonly Lazy<byte[]> Bomb = new(() => CompressedZeros(mebibytes: 200));
    /// <summary>16 MiB of zeros compressed to about 16 KiB.</summary>
    private static readonly Lazy<byte[]> StreamedMessage = new(() => CompressedZeros(mebibytes: 16));

    public static IEnumerable<HostileServer> All() => [DecompressionBomb, EndlessCompressedStream, WindowLargerThanAgreed, Rsv1OnEverything];

    /// <summary>Answers every message with a compressed message of about 200 KiB that inflates to 200 MiB.</summary>
    public static HostileServer DecompressionBomb => Deflating("a decompression bomb (every answer inflates 1000:1 to 200 MiB)", answer => answer, Bomb,
        (connection, cancel) => connection.ServeAsync((opcode, message) => connection.Agreed is null
            ? connection.SendAsync(opcode, message, cancel)
            : connection.SendAsync(opcode, Bomb.Value, cancel, rsv: Rsv1), cancel));

    /// <summary>Once upgraded, sends compressed messages of 16 KiB that inflate to 16 MiB each, until the client goes away.</summary>
    public static HostileServer EndlessCompressedStream => Deflating("compressed messages streamed forever (each inflates 1000:1 to 16 MiB)", answer => answer, StreamedMessage,
        async (connection, cancel) =>
        {
            if (connection.Agreed is null)
            {
                await connection.ServeAsync((opcode, message) => connection.SendAsync(opcode, message, cancel), cancel);
                return;
            }
            var draining = connection.DrainAsync(cancel);
            while (!draining.IsCompleted) await connection.SendAsync(Opcodes.Binary, StreamedMessage.Value, cancel, rsv: Rsv1);
        });

    /// <summary>
    /// Agrees server_max_window_bits=8 (whatever was offered: 8 is never more than an offer allows) and echoes with a
    /// 32 KiB window, so its echoes refer back further than the 256 octets the client keeps.
    /// </summary>
    public static HostileServer WindowLargerThanAgreed => Deflating("a window larger than agreed (agrees 8 bits, compresses with 15)", WithServerWindowOf8Bits,
        async (connection, cancel) =>
        {
            using var deflater = connection.Agreed is { } agreed ? new MessageDeflater(15, !agreed.ServerNoContextTakeover, level: 9) : null;
            await connection.ServeAsync((opcode, message) => deflater is null
                ? connection.SendAsync(opcode, message, cancel)
                : connection.SendAsync(opcode, deflater.Compress(message), cancel, rsv: Rsv1), cancel);
        });

    /// <summary>
    /// Sets RSV1 on every frame, agreed or not: its echoes go uncompressed in two frames (RSV1 on the continuation too),
    /// its pongs and its close carry RSV1.
    /// </summary>
    public static HostileServer Rsv1OnEverything => Deflating("RSV1 on every frame (control, continuation, uncompressed data)", answer => answer,
        (connection, cancel) => connection.ServeAsync(async (opcode, message) =>
        {
            if (message.Length < 2)
            {
                await connection.SendAsync(opcode, message, cancel, rsv: Rsv1);
                return;
            }
            await connection.SendAsync(opcode, message.AsMemory(0, message.Length / 2), cancel, fin: false, rsv: Rsv1);
            await connection.SendAsync(Opcodes.Continuation, message.AsMemory(message.Length / 2), cancel, rsv: Rsv1);
        }, cancel, controlRsv: Rsv1));

    private static HostileServer Deflating(string name, Func<ExtensionElement, ExtensionElement?> negotiate, Func<DeflateServerConnection, CancellationToken, Task> script) =>
        new(name, () => new DeflateScriptedServer(negotiate, script), s => ((DeflateScriptedServer)s).Url);

    /// <summary>A server whose payload is compressed before it starts: compressing it while a case waits would be a stall of its own.</summary>
    private static HostileServer Deflating(string name, Func<ExtensionElement, ExtensionElement?> negotiate, Lazy<byte[]> payload,
        Func<DeflateServerConnection, CancellationToken, Task> script) =>
        new(name, () =>
        {
            _ = payload.Value;
            return new DeflateScriptedServer(negotiate, script);
        }, s => ((DeflateScriptedServer)s).Url);

    private static ExtensionElement WithServerWindowOf8Bits(ExtensionElement answer) => answer with
    {
        Parameters = [.. answer.Parameters.Where(p => p.Name != "server_max_window_bits"), new ExtensionParameter("server_max_window_bits", "8")],
    };

    /// <summary>
    /// Zeros compressed as one permessage-deflate payload: raw DEFLATE ended by a sync flush whose 0x00 0x00 0xff 0xff
    /// tail is removed. Each mebibyte after the first, sync-flushed, refers only to the zeros before it, so it is
    /// compressed once and repeated.
    /// </summary>
    private static byte[] CompressedZeros(int mebibytes)
    {
        using var output = new MemoryStream();
        using var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
        var zeros = new byte[Mebibyte];
        deflate.Write(zeros);
        deflate.Flush();
        var firstLength = (int)output.Length;
        deflate.Write(zeros);
        deflate.Flush();
        var compressed = output.ToArray();
        var (first, next) = (compressed[..firstLength], compressed[firstLength..]);
        ReadOnlySpan<byte> tail = [0x00, 0x00, 0xff, 0xff];
        if (!first.AsSpan().EndsWith(tail) || !next.AsSpan().EndsWith(tail))
            throw new InvalidOperationException("DeflateStream.Flush did not end with a sync flush");
        var payload = new List<byte>(first);
        for (var i = 1; i < mebibytes; i++) payload.AddRange(next);
        return payload.ToArray()[..^4];
    }
}
