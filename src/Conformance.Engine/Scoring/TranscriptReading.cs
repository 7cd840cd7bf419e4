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
    /// <summary>The permessage-deflate parameters the handshake agreed, if any.</summary>
    public Protocol.Deflate.DeflateParameters? Deflate { get; private init; }
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
        var head = requestEnd < 0 ? "" : Encoding.Latin1.GetString(outgoing.Bytes, 0, requestEnd);
        var key = FindHeaders(head, "Sec-WebSocket-Key").FirstOrDefault();
        var status = UpgradeResponse.TryParse(incoming.Bytes, 64 * 1024, out var response, out var consumed, out var parseError);
        string? problem = status switch
        {
            ResponseParseStatus.Complete => response!.ValidateAcceptance(key ?? "", ListElements(head, "Sec-WebSocket-Protocol"), ListElements(head, "Sec-WebSocket-Extensions")),
            ResponseParseStatus.Invalid => $"the server's answer is not a valid HTTP response: {parseError}",
            _ => incoming.Bytes.Length == 0 ? "the server sent nothing" : "the server's answer ended before its header block did",
        };

        Protocol.Deflate.DeflateParameters? deflate = null;
        if (status == ResponseParseStatus.Complete && problem is null && response!.StatusCode == 101)
        {
            deflate = DeflateAgreement.Read(head, response, out var deflateProblem);
            problem = deflateProblem is null ? null : $"the permessage-deflate negotiation failed: {deflateProblem}";
        }
        var serverFrames = new List<WireFrame>();
        var events = new List<(int, ConversationEvent)>();
        var violations = new List<string>();
        if (status == ResponseParseStatus.Complete && problem is null)
        {
            using var assembler = new MessageAssembler(deflate: deflate);
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
            Deflate = deflate,
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

    /// <summary>The end of the request's header block; lines may end in a bare LF (RFC 9112 2.2).</summary>
    private static int IndexOfHeaderEnd(byte[] bytes)
    {
        var crlf = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var lf = bytes.AsSpan().IndexOf("\n\n"u8);
        return crlf >= 0 && (lf < 0 || crlf + 2 < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    }

    private static IEnumerable<string> FindHeaders(string head, string name) => DeflateAgreement.RequestHeaders(head, name);

    private static List<string> ListElements(string head, string name) =>
        FindHeaders(head, name).SelectMany(v => v.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();

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
