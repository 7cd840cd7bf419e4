using System.Net.WebSockets;
using Conformance.Protocol;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// .NET's own server-side WebSocket (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>
/// with IsServer, the code ASP.NET Core's Kestrel runs after the upgrade) as an echo server fed what a client
/// sends. Input: one octet of settings (bit 0: permessage-deflate; bits 1-2: the receive buffer, 1, 16, 125 or
/// 4096 octets; bit 3: server_no_context_takeover; bit 4: client_no_context_takeover; bits 5-7: the client's
/// window bits, 9 to 15), then the client's octets. Every message is echoed, a close answered; refusing what the
/// client sent with a WebSocketException is the expected end, any other exception a crash.
/// </summary>
public sealed class DotnetWebSocketHarness : Harness
{
    private static readonly int[] ReceiveBufferSizes = [1, 16, 125, 4096];

    public override string Name => "dotnet-websocket";

    public override string Description => ".NET's System.Net.WebSockets server (ManagedWebSocket, as inside Kestrel) echoing what a client sends";

    public override IReadOnlyList<InstrumentedAssembly> Instrumented { get; } = [new("System.Net.WebSockets.dll")];

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        byte settings = input[0];
        var options = new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero };
        if ((settings & 1) != 0)
        {
            options.DangerousDeflateOptions = new WebSocketDeflateOptions
            {
                ServerContextTakeover = (settings & 0x08) == 0,
                ClientContextTakeover = (settings & 0x10) == 0,
                ClientMaxWindowBits = 9 + (settings >> 5) % 7,
            };
        }

        using var socket = WebSocket.CreateFromStream(new ClientOctets(input[1..].ToArray()), options);
        try
        {
            Echo(socket, new byte[ReceiveBufferSizes[(settings >> 1) & 3]]);
        }
        catch (WebSocketException)
        {
        }
    }

    private static void Echo(WebSocket socket, byte[] buffer)
    {
        var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result = socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, socket.CloseStatusDescription, CancellationToken.None)
                    .GetAwaiter().GetResult();
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage) continue;
            socket.SendAsync(message.ToArray(), result.MessageType, true, CancellationToken.None).GetAwaiter().GetResult();
            message.SetLength(0);
        }
    }

    public override IEnumerable<byte[]> Seeds(SeedMaterial material)
    {
        // "Hello" compressed, as in RFC 7692 7.2.3.1, from a client: masked, RSV1 set.
        byte[] deflatedHello = new Frame(Opcodes.Text, new byte[] { 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00 }, rsv: 4, maskKey: [1, 2, 3, 4]).Encode();
        return material.ClientStreams.Select(s => (byte[])[0x06, .. s])
            .Concat(material.ClientStreams.Take(40).Select(s => (byte[])[0x07, .. s]))
            .Append([0x07, .. deflatedHello, .. deflatedHello]);
    }

    /// <summary>A client's octets to read, then the end of the stream; what the server writes is dropped.</summary>
    private sealed class ClientOctets(byte[] octets) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, octets.Length - _position);
            octets.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Write(byte[] buffer, int offset, int count) { }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush() { }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
