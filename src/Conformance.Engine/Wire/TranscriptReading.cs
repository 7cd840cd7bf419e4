using System.Text;
using Conformance.Protocol;

namespace Conformance.Engine.Wire;

/// <summary>A frame read back from the transcript, with the index of the entry in which its last octet travelled.</summary>
public sealed record WireFrame(int EntryIndex, DecodedFrame Frame);

/// <summary>
/// How the connection ended, as a client sees it (Autobahn|Testsuite's facts): who started the closing handshake,
/// whether it completed cleanly, who closed TCP, and the server's close code as the client took it.
/// </summary>
public sealed record ClosingFacts(
    bool ClosedBySuite,
    bool WasClean,
    bool DroppedBySuite,
    string? DropReason,
    int? ServerCloseCodeTaken,
    bool ServerClosedTcp,
    bool ServerCloseRefused = false);

/// <summary>The facts a transcript holds, read from its octets alone.</summary>
public sealed class TranscriptReading
{
    public string? ConnectionError { get; private init; }
    public UpgradeResponse? Response { get; private init; }
    /// <summary>The permessage-deflate parameters the handshake agreed, if any.</summary>
    public Protocol.Deflate.DeflateParameters? Deflate { get; private init; }
    public string? HandshakeProblem { get; private init; }
    /// <summary>The server's first close frame that was read as one (possibly invalid).</summary>
    public WireFrame? FirstServerClose { get; private init; }
    /// <summary>The suite's first close frame that starts the closing handshake (a malformed one only provokes the server).</summary>
    public WireFrame? FirstSuiteClose { get; private init; }
    public IReadOnlyList<(int EntryIndex, ConversationEvent Event)> Events { get; private init; } = [];
    /// <summary>What the server sent that it must not have, in the order the suite met it.</summary>
    public IReadOnlyList<string> ServerViolations { get; private init; } = [];
    public ClosingFacts Closing { get; private init; } = new(false, false, false, null, null, false);
    public int? PeerClosedAt { get; private init; }
    public int? SuiteClosedAt { get; private init; }
    public string? SuiteClosedBecause { get; private init; }
    public bool DeadlinePassed { get; private init; }
    /// <summary>The index of the entry in which the server's first violation travelled, or null.</summary>
    public int? FirstViolationAt { get; private init; }
    /// <summary>The index of the first entry at which one of the suite's timers fired (a mark is one), or null.</summary>
    public int? FirstTimerAt { get; private init; }
    /// <summary>The index of the entry in which the server's last frame other than a close travelled, or null.</summary>
    public int? LastServerFrameAt { get; private init; }

    public bool HandshakeCompleted => Response is not null && HandshakeProblem is null;

    /// <summary>The most of the request that is searched for the end of its header block.</summary>
    private const int LongestRequestHead = 1024 * 1024;
    private const int LongestResponseHead = 64 * 1024;

    public static TranscriptReading Read(IReadOnlyList<WireEntry> entries, long maxFramePayload = 64L * 1024 * 1024)
    {
        var outgoing = new Direction(entries, WireEntryKind.Sent);
        var incoming = new Direction(entries, WireEntryKind.Received);
        var error = entries.FirstOrDefault(e => e.Kind == WireEntryKind.Error)?.Text;

        var requestStart = outgoing.Prefix(LongestRequestHead);
        var requestEnd = HttpHead.Length(requestStart);
        var head = requestEnd < 0 ? "" : Encoding.Latin1.GetString(requestStart, 0, requestEnd);
        var key = FindHeaders(head, "Sec-WebSocket-Key").FirstOrDefault();
        var status = UpgradeResponse.TryParse(incoming.Prefix(LongestResponseHead + 1), LongestResponseHead, out var response, out var consumed, out var parseError);
        string? problem = status switch
        {
            ResponseParseStatus.Complete => response!.ValidateAcceptance(key ?? "", ListElements(head, "Sec-WebSocket-Protocol"), ListElements(head, "Sec-WebSocket-Extensions")),
            ResponseParseStatus.Invalid => $"the server's answer is not a valid HTTP response: {parseError}",
            _ => incoming.IsEmpty ? "the server sent nothing" : "the server's answer ended before its header block did",
        };

        Protocol.Deflate.DeflateParameters? deflate = null;
        if (status == ResponseParseStatus.Complete && problem is null && response!.StatusCode == 101)
        {
            deflate = DeflateAgreement.Read(head, response, out var deflateProblem);
            problem = deflateProblem is null ? null : $"the permessage-deflate negotiation failed: {deflateProblem}";
        }

        int? Find(WireEntryKind kind) => entries.Select((e, i) => (e, i)).Where(p => p.e.Kind == kind).Select(p => (int?)p.i).FirstOrDefault();
        var peerClosedAt = Find(WireEntryKind.PeerClosed);
        var suiteClosedAt = Find(WireEntryKind.ClosedBySuite);
        var timerAt = entries.Select((e, i) => (e, i))
            .Where(p => p.e.Kind is WireEntryKind.TimerFired or WireEntryKind.Mark or WireEntryKind.Deadline)
            .Select(p => (int?)p.i).FirstOrDefault();
        var handshakeDone = status == ResponseParseStatus.Complete && problem is null && requestEnd >= 0;
        var replay = handshakeDone ? Replay.Run(entries, requestEnd, consumed, deflate, maxFramePayload) : null;
        return new TranscriptReading
        {
            ConnectionError = error,
            Response = response,
            Deflate = deflate,
            HandshakeProblem = status == ResponseParseStatus.Complete ? problem : error ?? problem,
            PeerClosedAt = peerClosedAt,
            SuiteClosedAt = suiteClosedAt,
            SuiteClosedBecause = suiteClosedAt is { } s ? entries[s].Text : null,
            DeadlinePassed = Find(WireEntryKind.Deadline) is not null,
            FirstTimerAt = timerAt,
            FirstServerClose = replay?.ServerClose,
            FirstSuiteClose = replay?.SuiteClose,
            Events = replay?.Events ?? [],
            ServerViolations = replay?.Violations ?? [],
            FirstViolationAt = replay?.FirstViolationAt,
            LastServerFrameAt = replay?.LastServerFrameAt,
            Closing = replay?.Closing ?? new(false, false, suiteClosedAt is not null, null, null, false),
        };
    }

    /// <summary>
    /// The conversation after the handshake, entry by entry in the order it happened: the suite's frames and the
    /// server's, each direction fed to a decoder as it travelled, the server's through the client's rules.
    /// </summary>
    private sealed class Replay
    {
        public List<(int, ConversationEvent)> Events { get; } = [];
        public IReadOnlyList<string> Violations { get; private set; } = [];
        public int? FirstViolationAt { get; private set; }
        public WireFrame? ServerClose { get; private set; }
        public WireFrame? SuiteClose { get; private set; }
        public int? LastServerFrameAt { get; private set; }
        public ClosingFacts Closing { get; private set; } = null!;

        public static Replay Run(IReadOnlyList<WireEntry> entries, int requestEnd, int responseEnd,
            Protocol.Deflate.DeflateParameters? deflate, long maxFramePayload)
        {
            var replay = new Replay();
            using var client = new ClientEndpoint(deflate);
            var suiteFrames = new FrameDecoder(FrameDecoder.LargestPayloadLength);
            var serverFrames = new FrameDecoder(maxFramePayload);
            long sent = 0, received = 0;
            var suiteUndecodable = false;
            var serverUndecodable = false;
            int? closeSeenAt = null;
            var serverClosedTcp = false;
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                switch (e.Kind)
                {
                    case WireEntryKind.Sent when e.Bytes is { Length: > 0 } bytes:
                        var fromSent = (int)Math.Clamp(requestEnd - sent, 0, bytes.Length);
                        sent += bytes.Length;
                        if (suiteUndecodable || fromSent == bytes.Length) break;
                        suiteFrames.Append(bytes.AsSpan(fromSent));
                        while (true)
                        {
                            var status = suiteFrames.TryRead(out var frame);
                            if (status == DecodeStatus.NeedMoreData) break;
                            if (status == DecodeStatus.Error) { suiteUndecodable = true; break; }
                            if (!frame!.Header.IsWellFormedClose) continue;
                            replay.SuiteClose ??= new WireFrame(i, frame);
                            client.SuiteSentClose();
                        }
                        break;
                    case WireEntryKind.Received when e.Bytes is { Length: > 0 } bytes:
                        var fromReceived = (int)Math.Clamp(responseEnd - received, 0, bytes.Length);
                        received += bytes.Length;
                        if (serverUndecodable || fromReceived == bytes.Length || client.Phase == ClientPhase.Closed) break;
                        serverFrames.Append(bytes.AsSpan(fromReceived));
                        while (client.Phase != ClientPhase.Closed)
                        {
                            var status = serverFrames.TryRead(out var frame);
                            if (status == DecodeStatus.NeedMoreData) break;
                            if (status == DecodeStatus.Error)
                            {
                                serverUndecodable = true;
                                client.Undecodable(serverFrames.Error!);
                                replay.FirstViolationAt ??= i;
                                break;
                            }
                            var hadClose = client.ServerClose is not null;
                            if (frame!.Header.Opcode != Opcodes.Close) replay.LastServerFrameAt = i;
                            foreach (var action in client.Receive(frame!))
                                if (action is DeliverEvent d) replay.Events.Add((i, d.Event));
                            if (client.Violations.Count > 0) replay.FirstViolationAt ??= i;
                            if (!hadClose && client.ServerClose is not null)
                            {
                                replay.ServerClose = new WireFrame(i, frame!);
                                closeSeenAt ??= i;
                            }
                        }
                        break;
                    case WireEntryKind.Mark when closeSeenAt is null:
                        replay.Events.Add((i, ConversationEvent.MarkEvent(e.Text ?? "")));
                        break;
                    case WireEntryKind.ClosedBySuite:
                        client.SuiteDropped(e.Text ?? "");
                        break;
                    case WireEntryKind.PeerClosed:
                        serverClosedTcp |= client.Phase != ClientPhase.Closed;
                        closeSeenAt ??= i;
                        client.PeerClosed();
                        break;
                }
            }
            replay.Violations = client.Violations;
            replay.Closing = new ClosingFacts(client.ClosedBySuite, client.WasClean, client.DroppedBySuite, client.DropReason,
                client.ServerCloseCodeTaken, serverClosedTcp, client.ServerCloseRefused);
            return replay;
        }
    }

    private static IEnumerable<string> FindHeaders(string head, string name) => DeflateAgreement.RequestHeaders(head, name);

    private static List<string> ListElements(string head, string name) =>
        FindHeaders(head, name).SelectMany(v => v.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();

    /// <summary>One direction's octets, entry by entry as the transcript holds them; never joined whole.</summary>
    private sealed class Direction(IReadOnlyList<WireEntry> entries, WireEntryKind kind)
    {
        public bool IsEmpty => !Pieces().Any();

        /// <summary>The first octets, up to max, joined.</summary>
        public byte[] Prefix(int max)
        {
            var prefix = new List<byte>();
            foreach (var piece in Pieces())
            {
                var take = Math.Min(piece.Length, max - prefix.Count);
                prefix.AddRange(piece.Span[..take]);
                if (prefix.Count == max) break;
            }
            return [.. prefix];
        }

        private IEnumerable<ReadOnlyMemory<byte>> Pieces()
        {
            for (var i = 0; i < entries.Count; i++)
                if (entries[i].Kind == kind && entries[i].Bytes is { Length: > 0 } bytes) yield return bytes;
        }
    }
}
