using Conformance.Protocol;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

/// <summary>What each side did with one stream of the connection (RFC 9113 5.1), as the transcript's frames show it.</summary>
public sealed class Http2StreamFacts(uint id)
{
    public uint Id => id;
    /// <summary>The server's :status for the stream's request (its first header block that is not 1xx).</summary>
    public int? Status { get; internal set; }
    /// <summary>The index of the entry with the suite's END_STREAM on the stream (an empty DATA frame, RFC 8441 5's FIN).</summary>
    public int? SuiteEndedAt { get; internal set; }
    /// <summary>The index of the entry with the suite's RST_STREAM on the stream.</summary>
    public int? SuiteResetAt { get; internal set; }
    /// <summary>How the server ended its side first: "END_STREAM" or "RST_STREAM code".</summary>
    public string? ServerEnd { get; internal set; }
    public int? ServerEndedAt { get; internal set; }
    /// <summary>
    /// The server's frames on the stream after the suite's RST_STREAM, but PRIORITY (which RFC 9113 6.4 allows) and
    /// WINDOW_UPDATE (flow-control credit for what the server read before the reset, which may have been in flight).
    /// </summary>
    public List<string> ServerFramesAfterSuiteReset { get; } = [];
    /// <summary>The WebSocket messages the suite sent on the stream, in words (kept for the streams other than the WebSocket's).</summary>
    public List<string> SuiteMessages { get; } = [];
    /// <summary>The WebSocket frames the server sent on the stream, in words (kept for the streams other than the WebSocket's).</summary>
    public List<string> ServerMessages { get; } = [];
    /// <summary>Why the WebSocket frames on the stream could not be read further, when they could not.</summary>
    public string? FramingProblem { get; internal set; }
}

/// <summary>
/// The HTTP/2 streams of a connection as the transcript's octets show them, both directions (RFC 9113, RFC 8441 5): the
/// ends and resets of each stream by either side, the server's frames after the suite reset a stream, the answers to
/// the suite's other extended CONNECTs and the text messages on those streams, the server's GOAWAY, and whether the
/// server ended the connection while the WebSocket's stream was still open. The DATA of the WebSocket's own stream
/// is skipped by length, never held: a case that moves gigabytes costs nothing more here.
/// </summary>
public sealed class Http2StreamLog(uint webSocketStream)
{
    /// <summary>The largest frame payload held (header blocks, control frames, the other streams' DATA); larger ends the reading.</summary>
    private const int LargestHeld = 1024 * 1024;
    /// <summary>How many frames a stream's lists keep in words: a hostile server may send frames without end.</summary>
    private const int FramesKept = 32;
    private readonly Dictionary<uint, Http2StreamFacts> _streams = [];
    private readonly Dictionary<(uint, bool), FrameDecoder> _webSocketFrames = [];
    private readonly FrameWalker _suite = new(carriesPreface: true);
    private readonly FrameWalker _server = new(carriesPreface: false);
    private readonly HpackDecoder _serverHpack = new();
    private List<byte>? _serverBlock;
    private uint _serverBlockStream;
    private bool _peerClosedSeen;

    /// <summary>Every stream the suite opened, in order; the WebSocket's first.</summary>
    public IReadOnlyList<Http2StreamFacts> Streams => [.. _streams.Values.OrderBy(s => s.Id)];
    public Http2StreamFacts WebSocket => Stream(webSocketStream);
    /// <summary>The server's first GOAWAY, in words.</summary>
    public string? ServerGoAway { get; private set; }
    /// <summary>The index of the entry at which the server ended the connection while the WebSocket's stream was open on its side.</summary>
    public int? ConnectionEndedAt { get; private set; }
    /// <summary>The index of the entry with the suite's GOAWAY, which ends the connection at the end of a case.</summary>
    public int? SuiteGoAwayAt { get; private set; }
    /// <summary>Why the frames could not be read further, when they could not.</summary>
    public string? Problem => _suite.Problem ?? _server.Problem;

    public void Feed(int index, WireEntryKind kind, ReadOnlySpan<byte> bytes)
    {
        switch (kind)
        {
            case WireEntryKind.Sent when !bytes.IsEmpty:
                foreach (var (frame, _) in _suite.Feed(bytes, webSocketStream)) Suite(index, frame);
                break;
            case WireEntryKind.Received when !bytes.IsEmpty:
                foreach (var (frame, length) in _server.Feed(bytes, webSocketStream)) Server(index, frame, length);
                break;
            case WireEntryKind.PeerClosed:
                // The first is the end of the WebSocket's stream when the server ended or reset it, the connection's otherwise.
                if (WebSocket.ServerEnd is null || _peerClosedSeen) ConnectionEndedAt ??= index;
                _peerClosedSeen = true;
                break;
        }
    }

    private Http2StreamFacts Stream(uint id) => _streams.TryGetValue(id, out var s) ? s : _streams[id] = new Http2StreamFacts(id);

    private void Suite(int index, Http2Frame frame)
    {
        if (frame.KnownType == Http2FrameType.GoAway) SuiteGoAwayAt ??= index;
        if (frame.StreamId == 0) return;
        switch (frame.KnownType)
        {
            case Http2FrameType.Headers:
                Stream(frame.StreamId);
                break;
            case Http2FrameType.Data when _streams.ContainsKey(frame.StreamId):
                var stream = Stream(frame.StreamId);
                if (frame.StreamId != webSocketStream) Messages(stream, frame, fromServer: false);
                if (frame.HasFlag(Http2Flags.EndStream)) stream.SuiteEndedAt ??= index;
                break;
            case Http2FrameType.RstStream when _streams.ContainsKey(frame.StreamId):
                Stream(frame.StreamId).SuiteResetAt ??= index;
                break;
        }
    }

    /// <param name="length">the frame's payload length, which a skipped DATA frame of the WebSocket's stream does not hold</param>
    private void Server(int index, Http2Frame frame, int length)
    {
        if (frame.KnownType is Http2FrameType.Headers or Http2FrameType.Continuation or Http2FrameType.PushPromise) HeaderBlock(frame);
        if (frame.KnownType == Http2FrameType.GoAway && ServerGoAway is null && Http2FrameContent.Read(frame).Content is GoAwayContent g)
            ServerGoAway = $"GOAWAY {Http2FrameRead.ErrorName(g.Code)}";
        if (frame.StreamId == 0 || !_streams.TryGetValue(frame.StreamId, out var stream)) return;
        if (stream.SuiteResetAt is not null && frame.KnownType is not (Http2FrameType.Priority or Http2FrameType.WindowUpdate) && stream.ServerFramesAfterSuiteReset.Count < FramesKept)
            stream.ServerFramesAfterSuiteReset.Add(frame.IsKnownType ? $"{Http2FrameRead.TypeName(frame.Type)} ({length} octets)" : $"frame type 0x{frame.Type:x2}");
        switch (frame.KnownType)
        {
            case Http2FrameType.Data:
                if (frame.StreamId != webSocketStream) Messages(stream, frame, fromServer: true);
                if (frame.HasFlag(Http2Flags.EndStream)) Ended(stream, index, "END_STREAM");
                break;
            case Http2FrameType.Headers when frame.HasFlag(Http2Flags.EndStream):
                Ended(stream, index, "END_STREAM");
                break;
            case Http2FrameType.RstStream when Http2FrameContent.Read(frame).Content is RstStreamContent r:
                Ended(stream, index, $"RST_STREAM {Http2FrameRead.ErrorName(r.Code)}");
                break;
        }
    }

    private static void Ended(Http2StreamFacts stream, int index, string how)
    {
        if (stream.ServerEnd is not null) return;
        (stream.ServerEnd, stream.ServerEndedAt) = (how, index);
    }

    /// <summary>The server's header blocks, decoded in order to keep the HPACK table in step; a response's :status is kept.</summary>
    private void HeaderBlock(Http2Frame frame)
    {
        var (content, _) = Http2FrameContent.Read(frame);
        var (fragment, ends) = content switch
        {
            HeadersContent h => (h.BlockFragment, h.EndHeaders),
            PushPromiseContent p => (p.BlockFragment, p.EndHeaders),
            ContinuationContent c => (c.BlockFragment, c.EndHeaders),
            _ => (null, false),
        };
        if (fragment is null) return;
        if (content is not ContinuationContent) (_serverBlock, _serverBlockStream) = ([], content is HeadersContent ? frame.StreamId : 0);
        if (_serverBlock is null) return;
        _serverBlock.AddRange(fragment);
        if (!ends) return;
        var (fields, _) = _serverHpack.Decode(_serverBlock.ToArray());
        _serverBlock = null;
        if (fields is null || !_streams.TryGetValue(_serverBlockStream, out var stream) || stream.Status is not null) return;
        if (int.TryParse(fields.FirstOrDefault(f => f.Name == ":status").Value, out var status) && status is < 100 or >= 200) stream.Status = status;
    }

    /// <summary>The WebSocket frames in a DATA frame of a stream other than the WebSocket's, in words.</summary>
    private void Messages(Http2StreamFacts stream, Http2Frame frame, bool fromServer)
    {
        if (stream.FramingProblem is not null || Http2FrameContent.Read(frame).Content is not DataContent data || data.Data.Length == 0) return;
        if (!_webSocketFrames.TryGetValue((stream.Id, fromServer), out var decoder)) _webSocketFrames[(stream.Id, fromServer)] = decoder = new FrameDecoder(LargestHeld);
        decoder.Append(data.Data);
        while (true)
        {
            var status = decoder.TryRead(out var read);
            if (status == DecodeStatus.NeedMoreData) return;
            if (status == DecodeStatus.Error)
            {
                stream.FramingProblem = decoder.Error;
                return;
            }
            var kept = fromServer ? stream.ServerMessages : stream.SuiteMessages;
            if (kept.Count >= FramesKept) continue;
            var said = Describe(read!);
            kept.Add(fromServer && read!.Header.Masked ? $"masked {said} (RFC 6455 5.1: a server MUST NOT mask any frames)" : said);
        }
    }

    private static string Describe(DecodedFrame frame) => frame.Header.Opcode switch
    {
        Opcodes.Text when frame.Header.Fin && frame.Payload.Length <= 125 => $"text \"{System.Text.Encoding.UTF8.GetString(frame.Payload)}\"",
        Opcodes.Close => $"close{(ClosePayload.Parse(frame.Payload, out _)?.Code is { } code ? $" {code}" : "")}",
        var opcode => $"{Opcodes.Name(opcode)} frame of {frame.Payload.Length} octets{(frame.Header.Fin ? "" : " without FIN")}",
    };

    /// <summary>
    /// One direction's frames, from their octets in order: a frame's header, then its payload, held only where it is
    /// read (not the DATA of the WebSocket's stream, which is passed by with its flags and an empty payload).
    /// </summary>
    private sealed class FrameWalker(bool carriesPreface)
    {
        private int _prefaceLeft = carriesPreface ? Http2Limits.ClientPreface.Length : 0;
        private readonly byte[] _header = new byte[Http2Limits.FrameHeaderLength];
        private int _headerHave;
        private int _payloadLeft;
        private int _length;
        private byte[]? _payload;
        private int _payloadHave;

        public string? Problem { get; private set; }

        /// <summary>The frames the octets complete, each with its payload's length.</summary>
        public List<(Http2Frame Frame, int Length)> Feed(ReadOnlySpan<byte> octets, uint skippedStream)
        {
            var frames = new List<(Http2Frame, int)>();
            if (_prefaceLeft > 0)
            {
                var take = Math.Min(_prefaceLeft, octets.Length);
                _prefaceLeft -= take;
                octets = octets[take..];
            }
            while (!octets.IsEmpty && Problem is null)
            {
                if (_headerHave < _header.Length)
                {
                    var take = Math.Min(_header.Length - _headerHave, octets.Length);
                    octets[..take].CopyTo(_header.AsSpan(_headerHave));
                    _headerHave += take;
                    octets = octets[take..];
                    if (_headerHave < _header.Length) break;
                    _payloadLeft = _length = _header[0] << 16 | _header[1] << 8 | _header[2];
                    var skipped = _header[3] == (byte)Http2FrameType.Data && StreamOf(_header) == skippedStream;
                    if (!skipped && _payloadLeft > LargestHeld)
                    {
                        Problem = $"a frame of {_payloadLeft} octets, more than the {LargestHeld} read here";
                        break;
                    }
                    (_payload, _payloadHave) = (skipped ? null : new byte[_payloadLeft], 0);
                }
                var part = Math.Min(_payloadLeft, octets.Length);
                if (_payload is not null) octets[..part].CopyTo(_payload.AsSpan(_payloadHave));
                _payloadHave += part;
                _payloadLeft -= part;
                octets = octets[part..];
                if (_payloadLeft > 0) break;
                frames.Add((new Http2Frame(_header[3], _header[4], StreamOf(_header), _payload ?? []), _length));
                _headerHave = 0;
            }
            return frames;
        }

        private static uint StreamOf(byte[] header) => (uint)(header[5] << 24 | header[6] << 16 | header[7] << 8 | header[8]) & 0x7fff_ffff;
    }
}
