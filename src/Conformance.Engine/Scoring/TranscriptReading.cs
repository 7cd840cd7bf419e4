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
    /// <summary>The server's first close frame, the last frame of its that is read.</summary>
    public WireFrame? FirstServerClose { get; private init; }
    /// <summary>The suite's first close frame that starts the closing handshake (a malformed one only provokes the server).</summary>
    public WireFrame? FirstSuiteClose { get; private init; }
    public IReadOnlyList<(int EntryIndex, ConversationEvent Event)> Events { get; private init; } = [];
    public IReadOnlyList<string> ServerViolations { get; private init; } = [];
    public int? PeerClosedAt { get; private init; }
    public int? SuiteClosedAt { get; private init; }
    public string? SuiteClosedBecause { get; private init; }
    public bool DeadlinePassed { get; private init; }

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
        var requestEnd = IndexOfHeaderEnd(requestStart);
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
        WireFrame? serverClose = null;
        var events = new List<(int, ConversationEvent)>();
        var violations = new List<string>();
        if (status == ResponseParseStatus.Complete && problem is null)
        {
            using var assembler = new MessageAssembler(deflate: deflate);
            foreach (var (frame, index, decodeError) in Decode(incoming, consumed, maxFramePayload))
            {
                if (decodeError is not null) { violations.Add($"the server sent an undecodable frame: {decodeError}"); break; }
                var ev = assembler.Accept(frame!, out var violation);
                if (violation is not null) violations.Add(violation);
                if (ev is not null) events.Add((index, ev));
                if (frame!.Header.Opcode == Opcodes.Close)
                {
                    serverClose = new WireFrame(index, frame);
                    ClosePayload.Parse(frame.Payload, out var closeViolation);
                    if (closeViolation is not null) violations.Add($"the server's close frame is invalid: {closeViolation}");
                    break;
                }
            }
        }
        var suiteClose = requestEnd < 0 ? null : Decode(outgoing, requestEnd, FrameDecoder.LargestPayloadLength)
            .TakeWhile(d => d.Error is null).Where(d => d.Frame!.Header.IsWellFormedClose)
            .Select(d => new WireFrame(d.Index, d.Frame!)).FirstOrDefault();

        int? Find(WireEntryKind kind) => entries.Select((e, i) => (e, i)).Where(p => p.e.Kind == kind).Select(p => (int?)p.i).FirstOrDefault();
        var peerClosedAt = Find(WireEntryKind.PeerClosed);
        var closeSeenAt = new[] { peerClosedAt, serverClose?.EntryIndex }
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
            FirstServerClose = serverClose,
            FirstSuiteClose = suiteClose,
            Events = events.OrderBy(e => e.Item1).ToList(),
            ServerViolations = violations,
            PeerClosedAt = peerClosedAt,
            SuiteClosedAt = suiteClosedAt,
            SuiteClosedBecause = suiteClosedAt is { } s ? entries[s].Text : null,
            DeadlinePassed = Find(WireEntryKind.Deadline) is not null,
        };
    }

    /// <summary>
    /// Decodes one direction from an offset, fed entry by entry as it travelled, so a frame's index is the entry that
    /// carried its last octet and no more than a frame is held at once.
    /// </summary>
    private static IEnumerable<(DecodedFrame? Frame, int Index, string? Error)> Decode(Direction direction, int start, long maxPayload)
    {
        var decoder = new FrameDecoder(maxPayload);
        foreach (var (piece, index) in direction.From(start))
        {
            decoder.Append(piece.Span);
            while (true)
            {
                var status = decoder.TryRead(out var frame);
                if (status == DecodeStatus.NeedMoreData) break;
                if (status == DecodeStatus.Error) { yield return (null, -1, decoder.Error); yield break; }
                yield return (frame, index, null);
            }
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

    /// <summary>One direction's octets, entry by entry as the transcript holds them; never joined whole.</summary>
    private sealed class Direction(IReadOnlyList<WireEntry> entries, WireEntryKind kind)
    {
        public bool IsEmpty => !Pieces().Any();

        /// <summary>The first octets, up to max, joined.</summary>
        public byte[] Prefix(int max)
        {
            var prefix = new List<byte>();
            foreach (var (piece, _) in Pieces())
            {
                var take = Math.Min(piece.Length, max - prefix.Count);
                prefix.AddRange(piece.Span[..take]);
                if (prefix.Count == max) break;
            }
            return [.. prefix];
        }

        /// <summary>The octets from a stream offset on, in the pieces they travelled in, with each piece's entry index.</summary>
        public IEnumerable<(ReadOnlyMemory<byte> Piece, int Index)> From(long offset)
        {
            long at = 0;
            foreach (var (piece, index) in Pieces())
            {
                var skip = (int)Math.Clamp(offset - at, 0, piece.Length);
                at += piece.Length;
                if (skip < piece.Length) yield return (piece[skip..], index);
            }
        }

        private IEnumerable<(ReadOnlyMemory<byte> Piece, int Index)> Pieces()
        {
            for (var i = 0; i < entries.Count; i++)
                if (entries[i].Kind == kind && entries[i].Bytes is { Length: > 0 } bytes) yield return (bytes, i);
        }
    }
}
