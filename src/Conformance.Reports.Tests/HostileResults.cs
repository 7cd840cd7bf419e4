using System.Text;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;
using Conformance.Engine.Wire;
using Conformance.Engine;
using Conformance.Protocol;
using Conformance.Protocol.Http2;

namespace Conformance.Reports.Tests;

/// <summary>
/// A case result as a hostile server would leave it: script in a response header, in a pong, in the close reason
/// (with invalid UTF-8 and control characters), recorded on the wire and scored like any other.
/// </summary>
internal static class HostileResults
{
    public const string Script = "<script>document.title='PWNED'</script>";

    public static CaseResult Case()
    {
        const string key = "dGhlIHNhbXBsZSBub25jZQ==";
        var entries = new List<WireEntry>();
        long t = 0;
        void Add(WireEntryKind kind, byte[]? bytes = null, string? text = null) => entries.Add(new WireEntry(t += 100, kind, bytes, text));

        Add(WireEntryKind.Sent, new UpgradeRequest("127.0.0.1:9001", "/", key).ToBytes());
        Add(WireEntryKind.Received, Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"X-Evil: {Script}\r\nSec-WebSocket-Accept: {HandshakeKeys.ComputeAccept(key)}\r\n\r\n"));
        Add(WireEntryKind.Sent, new Frame(Opcodes.Ping, "hello"u8.ToArray(), maskKey: [1, 2, 3, 4]).Encode());
        Add(WireEntryKind.Received, new Frame(Opcodes.Pong, Encoding.UTF8.GetBytes(Script)).Encode());
        byte[] reason = [.. Encoding.UTF8.GetBytes(Script), 0xFF, 0x01, 0x1B];
        Add(WireEntryKind.Received, new Frame(Opcodes.Close, ClosePayload.Build(1000, reason)).Encode());
        Add(WireEntryKind.Sent, new Frame(Opcodes.Close, ClosePayload.Build(CloseCodes.InvalidPayload, []), maskKey: [5, 6, 7, 8]).Encode());
        Add(WireEntryKind.PeerClosed, text: "the server closed the TCP connection");

        var @case = new CaseDefinition
        {
            Id = "2.2", Title = $"A ping {Script}", Category = "2", CategoryTitle = "Pings/Pongs", Group = "2", GroupTitle = "Pings/Pongs",
            Rfc = ["RFC6455 5.5.2"], Requirement = "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response.",
            Expectation = "a pong", Steps = [new SendFramesStep([new FrameSpec(Opcodes.Ping, "hello"u8.ToArray())], null)],
            Outcomes = [new ExpectedOutcome(Verdict.Ok, [ConversationEvent.Pong("hello"u8.ToArray())])],
            Close = ExpectedClose.NormalBySuite, End = EndTimer.Default, SourceFile = "test",
        };
        return CaseResult.From(@case, new Transcript(DateTimeOffset.UtcNow, entries), Scorer.Score(@case, entries));
    }

    /// <summary>The same conversation over HTTP/2 (RFC 8441): the script in the answer's header list, the DATA, and a GOAWAY's debug data.</summary>
    public static CaseResult Http2Case()
    {
        var entries = new List<WireEntry>();
        long t = 0;
        void Add(WireEntryKind kind, byte[]? bytes = null, string? text = null) => entries.Add(new WireEntry(t += 100, kind, bytes, text));
        var request = ExtendedConnect.Request("http", "127.0.0.1:9001", "/", []);
        Add(WireEntryKind.Sent, [.. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings().Encode(),
            .. Http2FrameEncoder.Headers(1, HpackBlockBuilder.Encode(request), endStream: false, endHeaders: true).Encode()]);
        Add(WireEntryKind.Received, [.. Http2FrameEncoder.Settings((Http2SettingId.EnableConnectProtocol, 1u)).Encode(),
            .. Http2FrameEncoder.Headers(1, HpackBlockBuilder.Encode([new HeaderField(":status", "200"), new HeaderField("x-evil", Script)], huffman: true),
                endStream: false, endHeaders: true).Encode()]);
        Add(WireEntryKind.Sent, Http2FrameEncoder.Data(1, new Frame(Opcodes.Ping, "hello"u8.ToArray(), maskKey: [1, 2, 3, 4]).Encode()).Encode());
        Add(WireEntryKind.Received, Http2FrameEncoder.Data(1, new Frame(Opcodes.Pong, Encoding.UTF8.GetBytes(Script)).Encode()).Encode());
        Add(WireEntryKind.Received, Http2FrameEncoder.GoAway(1, Http2ErrorCode.NoError, Encoding.UTF8.GetBytes(Script)).Encode());
        Add(WireEntryKind.PeerClosed, text: "the server ended the HTTP/2 connection: GOAWAY NO_ERROR");
        var @case = new CaseDefinition
        {
            Id = "2.2", Title = "A ping", Category = "2", CategoryTitle = "Pings/Pongs", Group = "2", GroupTitle = "Pings/Pongs",
            Rfc = ["RFC6455 5.5.2"], Requirement = "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response.",
            Expectation = "a pong", Steps = [new SendFramesStep([new FrameSpec(Opcodes.Ping, "hello"u8.ToArray())], null)],
            Outcomes = [new ExpectedOutcome(Verdict.Ok, [ConversationEvent.Pong("hello"u8.ToArray())])],
            Close = ExpectedClose.NormalBySuite, End = EndTimer.Default, SourceFile = "test",
        };
        return CaseResult.From(@case, new Transcript(DateTimeOffset.UtcNow, entries), Scorer.Score(@case, entries));
    }

    public static RunResults Run(string agent, params CaseResult[] cases) => new()
    {
        ToolVersion = "test", Target = "ws://127.0.0.1:9001/", Agent = agent, StartedAt = DateTimeOffset.UtcNow,
        FinishedAt = DateTimeOffset.UtcNow, CasesSelected = cases.Length, Cases = cases,
    };

    public static ResultsDocument Document(params RunResults[] runs) =>
        new() { ToolVersion = "test", GeneratedAt = DateTimeOffset.UtcNow, Runs = runs };
}
