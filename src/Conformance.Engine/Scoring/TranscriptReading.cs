using System.Text;
using Conformance.Engine.Cases;
using Conformance.Engine.Sessions;
using Conformance.Protocol;

namespace Conformance.Engine.Scoring;

/// <summary>A frame read back from the transcript, with the index of the entry in which its last octet travelled.</summary>
public sealed record WireFrame(int EntryIndex, DecodedFrame Frame);

/// <summary>The facts a transcript holds, read from its octets alone.</summary>
public sealed class TranscriptReading
{
    public string? ConnectionError { get; private init; }
    public UpgradeResponse? Response { get; private init; }
    public string? HandshakeProblem { get; private init; }
    public IReadOnlyList<WireFrame> ServerFrames { get; private init; } = [];
    public IReadOnlyList<WireFrame> SuiteFrames { get; private init; } = [];
    public IReadOnlyList<(int EntryIndex, ConversationEvent Event)> Events { get; private init; } = [];
    public IReadOnlyList<string> ServerViolations { get; private init; } = [];
    public int? PeerClosedAt { get; private init; }
    public int? SuiteClosedAt { get; private init; }
    public string? SuiteClosedBecause { get; private init; }
    public bool DeadlinePassed { get; private init; }

    public bool HandshakeCompleted => Response is not null && HandshakeProblem is null;
    public WireFrame? FirstServerClose => ServerFrames.FirstOrDefault(f => f.Frame.Header.Opcode == Opcodes.Close);
    /// <summary>The suite's first close frame that starts the closing handshake (a malformed one only provokes the server).</summary>
    public WireFrame? FirstSuiteClose => SuiteFrames.FirstOrDefault(f => f.Frame.Header.IsWellFormedClose);

    public static TranscriptReading Read(IReadOnlyList<WireEntry> entries, long maxFramePayload = 64L * 1024 * 1024)
    {
        var outgoing = new StreamReassembly(entries, WireEntryKind.Sent);
        var incoming = new StreamReassembly(entries, WireEntryKind.Received);
        var error = entries.FirstOrDefault(e => e.Kind == WireEntryKind.Error)?.Text;

        var requestEnd = IndexOfHeaderEnd(outgoing.Bytes);
        var requestHead = requestEnd < 0 ? "" : Encoding.ASCII.GetString(outgoing.Bytes, 0, requestEnd);
        var status = UpgradeResponse.TryParse(incoming.Bytes, 64 * 1024, out var response, out var consumed, out var parseError);
        string? problem = status switch
        {
            ResponseParseStatus.Complete => response!.ValidateAcceptance(RequestAsSent(requestHead)),
            ResponseParseStatus.Invalid => $"the server's answer is not a valid HTTP response: {parseError}",
            _ => incoming.Bytes.Length == 0 ? "the server sent nothing" : "the server's answer ended before its header block did",
        };

        var serverFrames = new List<WireFrame>();
        var events = new List<(int, ConversationEvent)>();
        var violations = new List<string>();
        if (status == ResponseParseStatus.Complete && problem is null)
        {
            var assembler = new MessageAssembler();
            foreach (var (frame, index, decodeError) in Decode(incoming, consumed, maxFramePayload))
            {
                if (decodeError is not null) { violations.Add($"the server sent an undecodable frame: {decodeError}"); break; }
                serverFrames.Add(new WireFrame(index, frame!));
                var ev = assembler.Accept(frame!, out var violation);
                if (violation is not null) violations.Add(violation);
                if (ev is not null) events.Add((index, ev));
                if (frame!.Header.Opcode == Opcodes.Close)
                {
                    ClosePayload.Parse(frame.Payload, out var closeViolation);
                    if (closeViolation is not null) violations.Add($"the server's close frame is invalid: {closeViolation}");
                    break;
                }
            }
        }
        var suiteFrames = requestEnd < 0 ? [] : Decode(outgoing, requestEnd, FrameDecoder.LargestPayloadLength)
            .TakeWhile(d => d.Error is null).Select(d => new WireFrame(d.Index, d.Frame!)).ToList();

        int? Find(WireEntryKind kind) => entries.Select((e, i) => (e, i)).Where(p => p.e.Kind == kind).Select(p => (int?)p.i).FirstOrDefault();
        var peerClosedAt = Find(WireEntryKind.PeerClosed);
        var closeSeenAt = new[] { peerClosedAt, serverFrames.FirstOrDefault(f => f.Frame.Header.Opcode == Opcodes.Close)?.EntryIndex }
            .Where(i => i is not null).Min();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Kind == WireEntryKind.Mark && (closeSeenAt is null || i < closeSeenAt))
                events.Add((i, ConversationEvent.MarkEvent(entries[i].Text ?? "")));
        }
        var suiteClosedAt = Find(WireEntryKind.ClosedBySuite);
        return new TranscriptReading
        {
            ConnectionError = error,
            Response = response,
            HandshakeProblem = status == ResponseParseStatus.Complete ? problem : error ?? problem,
            ServerFrames = serverFrames,
            SuiteFrames = suiteFrames,
            Events = events.OrderBy(e => e.Item1).ToList(),
            ServerViolations = violations,
            PeerClosedAt = peerClosedAt,
            SuiteClosedAt = suiteClosedAt,
            SuiteClosedBecause = suiteClosedAt is { } s ? entries[s].Text : null,
            DeadlinePassed = Find(WireEntryKind.Deadline) is not null,
        };
    }

    private static IEnumerable<(DecodedFrame? Frame, int Index, string? Error)> Decode(StreamReassembly stream, int start, long maxPayload)
    {
        var decoder = new FrameDecoder(maxPayload);
        decoder.Append(stream.Bytes.AsSpan(start));
        while (true)
        {
            var status = decoder.TryRead(out var frame);
            if (status == DecodeStatus.NeedMoreData) yield break;
            if (status == DecodeStatus.Error) { yield return (null, -1, decoder.Error); yield break; }
            yield return (frame, stream.EntryIndexAt(start + frame!.StreamOffset + frame.Header.HeaderLength + frame.Payload.Length - 1), null);
        }
    }

    /// <summary>What the suite offered (key, subprotocols, extensions), read back from the request it sent.</summary>
    private static UpgradeRequest RequestAsSent(string head)
    {
        var key = FindHeader(head, "Sec-WebSocket-Key");
        var request = new UpgradeRequest("host", "/", string.IsNullOrEmpty(key) ? "-" : key);
        foreach (var p in ListHeader(head, "Sec-WebSocket-Protocol")) request.Subprotocols.Add(p);
        foreach (var e in ListHeader(head, "Sec-WebSocket-Extensions")) request.Extensions.Add(e);
        return request;
    }

    private static IEnumerable<string> ListHeader(string head, string name) =>
        (FindHeader(head, name) ?? "").Split(',').Select(v => v.Trim()).Where(v => v.Length > 0);

    private static int IndexOfHeaderEnd(byte[] bytes)
    {
        var i = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    private static string? FindHeader(string head, string name) =>
        head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    /// <summary>One direction's octets joined, remembering which entry each came from.</summary>
    private sealed class StreamReassembly
    {
        private readonly List<(long Start, int Entry)> _pieces = [];

        public StreamReassembly(IReadOnlyList<WireEntry> entries, WireEntryKind kind)
        {
            var buffer = new MemoryStream();
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Kind != kind || entries[i].Bytes is not { Length: > 0 } bytes) continue;
                _pieces.Add((buffer.Length, i));
                buffer.Write(bytes);
            }
            Bytes = buffer.ToArray();
        }

        public byte[] Bytes { get; }

        public int EntryIndexAt(long offset)
        {
            var lo = 0;
            var hi = _pieces.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (_pieces[mid].Start <= offset) lo = mid; else hi = mid - 1;
            }
            return _pieces[lo].Entry;
        }
    }
}
