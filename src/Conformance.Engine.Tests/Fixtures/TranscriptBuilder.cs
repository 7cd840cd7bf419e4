using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>Writes transcripts by hand, as a session would have recorded them, for scoring tests.</summary>
internal sealed class TranscriptBuilder
{
    private readonly List<WireEntry> _entries = [];
    private long _time;

    public static TranscriptBuilder Opened(string key = "dGhlIHNhbXBsZSBub25jZQ==") => Opened(null, null, key);

    /// <summary>A handshake whose request offers extensions and whose answer accepts them (either may be null).</summary>
    public static TranscriptBuilder Opened(string? offered, string? accepted, string key = "dGhlIHNhbXBsZSBub25jZQ==")
    {
        var b = new TranscriptBuilder();
        var request = new UpgradeRequest("127.0.0.1:9001", "/", key);
        if (offered is not null) request.Extensions.Add(offered);
        b.Add(WireEntryKind.Sent, request.ToBytes());
        b.Add(WireEntryKind.Received, Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n" +
            (accepted is null ? "" : $"Sec-WebSocket-Extensions: {accepted}\r\n") + "\r\n"));
        return b;
    }

    public TranscriptBuilder Add(WireEntryKind kind, byte[]? bytes = null, string? text = null)
    {
        _time += 100;
        _entries.Add(new WireEntry(_time, kind, bytes, text));
        return this;
    }

    public TranscriptBuilder Suite(byte opcode, byte[] payload, bool fin = true, byte rsv = 0) =>
        Add(WireEntryKind.Sent, new Frame(opcode, payload, fin, rsv, [1, 2, 3, 4]).Encode());

    public TranscriptBuilder SuiteClose(ushort? code) =>
        Suite(Opcodes.Close, code is { } c ? ClosePayload.Build(c, []) : []);

    public TranscriptBuilder Server(byte opcode, byte[] payload, bool fin = true, byte rsv = 0) =>
        Add(WireEntryKind.Received, new Frame(opcode, payload, fin, rsv).Encode());

    public TranscriptBuilder ServerText(string text) => Server(Opcodes.Text, Encoding.UTF8.GetBytes(text));

    public TranscriptBuilder ServerClose(ushort? code) =>
        Server(Opcodes.Close, code is { } c ? ClosePayload.Build(c, []) : []);

    public TranscriptBuilder Mark(string tag) => Add(WireEntryKind.Mark, text: tag);
    public TranscriptBuilder PeerClosed() => Add(WireEntryKind.PeerClosed, text: "the server closed the TCP connection");
    public TranscriptBuilder SuiteDropped(string why) => Add(WireEntryKind.ClosedBySuite, text: why);

    public IReadOnlyList<WireEntry> Entries => _entries;
}
