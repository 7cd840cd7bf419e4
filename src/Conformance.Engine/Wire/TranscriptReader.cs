using System.Buffers;
using System.Text;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Wire;

/// <summary>
/// Reads a transcript entry by entry, as it is recorded or replayed: the opening handshake, then the conversation
/// through the client's rules (<see cref="ClientEndpoint"/>), each direction fed to a frame decoder as it travelled.
/// It keeps what the verdicts need and not the octets themselves, so a case that moves a gigabyte is read in the
/// memory of its largest frame. <see cref="Reading"/> says what it has read so far.
/// </summary>
public sealed class TranscriptReader : IDisposable
{
    private const int LongestRequestHead = DirectionReader.LongestRequestHead;
    private const int LongestResponseHead = DirectionReader.LongestResponseHead;

    private readonly long _maxFramePayload;
    private int _count;
    private long _firstAt;
    private long _lastAt;

    private readonly ArrayBufferWriter<byte> _request = new(1024);
    private readonly ArrayBufferWriter<byte> _response = new(1024);
    private int _requestEnd = -1;
    private ResponseParseStatus _responseStatus = ResponseParseStatus.NeedMoreData;
    private UpgradeResponse? _parsed;
    private string? _parseError;
    /// <summary>Every entry until the handshake is decided, then null: the conversation is read from the first octet.</summary>
    private List<(int Index, WireEntry Entry)>? _waiting = [];
    private Handshake? _handshake;
    private Replay? _replay;

    private string? _error;
    private int? _peerClosedAt;
    private int? _suiteClosedAt;
    private string? _suiteClosedBecause;
    private bool _deadline;
    private int? _firstTimerAt;
    private WireEntry? _firstTimer;
    private int? _lastTimerFiredAt;
    private WireEntry? _recheck;
    private readonly AnswerTimer _answer = new();
    /// <summary>The side the suite played, from the first octets on the wire: it sent the request, or read it.</summary>
    private Role? _role;
    /// <summary>The connection is HTTP/2, the suite's first octets being the client preface: the WebSocket is a stream of it (RFC 8441).</summary>
    private Http2Opening? _http2;
    private string? _sharedConnectionEnded;
    /// <summary>Over HTTP/2: every stream's frames, for the cases that end, reset or open streams.</summary>
    private Http2StreamLog? _streams;

    public TranscriptReader(long maxFramePayload = 64L * 1024 * 1024) => _maxFramePayload = maxFramePayload;

    public void Add(WireEntry e) => Add(e.AtMicroseconds, e.Kind, e.Bytes, e.Text);

    /// <summary>The next entry; its octets are read now and not kept.</summary>
    public void Add(long at, WireEntryKind kind, ReadOnlySpan<byte> bytes, string? text)
    {
        var index = _count++;
        if (index == 0) _firstAt = at;
        _lastAt = at;
        Note(index, at, kind, bytes, text);
        if (_role is null && kind == WireEntryKind.Sent && bytes.StartsWith(Protocol.Http2.Http2Limits.ClientPreface)) _streams = new Http2StreamLog(Http2Carriage.FirstStream);
        _streams?.Feed(index, kind, bytes);
        if (_waiting is null)
        {
            _replay?.Feed(index, at, kind, bytes, text);
            return;
        }
        _waiting.Add((index, new WireEntry(at, kind, bytes.IsEmpty ? null : bytes.ToArray(), text)));
        if (kind == WireEntryKind.SharedHttp2Stream && _role is null) (_role, _http2) = (Role.Client, new Http2Opening(shared: true));
        if (kind is WireEntryKind.Sent or WireEntryKind.Received && !bytes.IsEmpty && _role is null)
        {
            _role = kind == WireEntryKind.Sent ? Role.Client : Role.Server;
            if (kind == WireEntryKind.Sent && bytes.StartsWith(Protocol.Http2.Http2Limits.ClientPreface)) _http2 = new Http2Opening(shared: false);
        }
        if (_http2 is not null)
        {
            _http2.Feed(at, kind, bytes);
            if (_http2.Decided) StartConversation();
            return;
        }
        var requestComes = Role == Role.Client ? WireEntryKind.Sent : WireEntryKind.Received;
        if (kind == requestComes) ReadRequest(bytes);
        else if (kind is WireEntryKind.Sent or WireEntryKind.Received) ReadResponse(bytes);
        var requestDecided = _requestEnd >= 0 || _request.WrittenCount >= LongestRequestHead;
        var responseDecided = _responseStatus != ResponseParseStatus.NeedMoreData || _response.WrittenCount > LongestResponseHead;
        if (requestDecided && responseDecided) StartConversation();
    }

    private void Note(int index, long at, WireEntryKind kind, ReadOnlySpan<byte> bytes, string? text)
    {
        _answer.Add(at, kind, bytes);
        switch (kind)
        {
            case WireEntryKind.Error:
                _error ??= text;
                break;
            case WireEntryKind.PeerClosed:
                _peerClosedAt ??= index;
                break;
            case WireEntryKind.ClosedBySuite when _suiteClosedAt is null:
                (_suiteClosedAt, _suiteClosedBecause) = (index, text);
                break;
            case WireEntryKind.Deadline:
                _deadline = true;
                break;
            case WireEntryKind.RecheckPassed or WireEntryKind.RecheckFailed:
                _recheck ??= new WireEntry(at, kind, null, text);
                break;
            case WireEntryKind.TimerFired:
                _lastTimerFiredAt = index;
                break;
            case WireEntryKind.SharedConnectionTrouble:
                _sharedConnectionEnded ??= text;
                break;
        }
        if (kind is WireEntryKind.TimerFired or WireEntryKind.Mark or WireEntryKind.Deadline && _firstTimerAt is null)
            (_firstTimerAt, _firstTimer) = (index, new WireEntry(at, kind, null, text));
    }

    private void ReadRequest(ReadOnlySpan<byte> bytes)
    {
        if (_requestEnd >= 0 || _request.WrittenCount >= LongestRequestHead) return;
        _request.Write(bytes[..Math.Min(bytes.Length, LongestRequestHead - _request.WrittenCount)]);
        _requestEnd = HttpHead.Length(_request.WrittenSpan);
    }

    private void ReadResponse(ReadOnlySpan<byte> bytes)
    {
        if (_responseStatus != ResponseParseStatus.NeedMoreData || _response.WrittenCount > LongestResponseHead) return;
        _response.Write(bytes[..Math.Min(bytes.Length, LongestResponseHead + 1 - _response.WrittenCount)]);
        _responseStatus = UpgradeResponse.TryParse(_response.WrittenSpan, LongestResponseHead, out _parsed, out _, out _parseError);
    }

    /// <summary>The opening handshake as far as it went, read from the request's head and the server's answer.</summary>
    private sealed record Handshake(UpgradeResponse? Response, DeflateParameters? Deflate, string? Problem, bool Done);

    private Role Role => _role ?? Role.Client;

    private Handshake ReadHandshake()
    {
        if (_http2 is not null) return ReadHttp2Handshake(_http2);
        var head = _requestEnd < 0 ? "" : Encoding.Latin1.GetString(_request.WrittenSpan[.._requestEnd]);
        if (Role == Role.Server) return ReadClientsHandshake(head);
        var key = DeflateAgreement.RequestHeaders(head, "Sec-WebSocket-Key").FirstOrDefault();
        string? problem = _responseStatus switch
        {
            ResponseParseStatus.Complete => _parsed!.ValidateAcceptance(key ?? "", ListElements(head, "Sec-WebSocket-Protocol"), ListElements(head, "Sec-WebSocket-Extensions")),
            ResponseParseStatus.Invalid => $"the server's answer is not a valid HTTP response: {_parseError}",
            _ => _response.WrittenCount == 0 ? "the server sent nothing" : "the server's answer ended before its header block did",
        };
        DeflateParameters? deflate = null;
        if (_responseStatus == ResponseParseStatus.Complete && problem is null && _parsed!.StatusCode == 101)
        {
            deflate = DeflateAgreement.Read(head, _parsed, out var deflateProblem);
            problem = deflateProblem is null ? null : $"the permessage-deflate negotiation failed: {deflateProblem}";
        }
        return new Handshake(_parsed, deflate, problem, _responseStatus == ResponseParseStatus.Complete && problem is null && _requestEnd >= 0);
    }

    /// <summary>Over HTTP/2: the extended CONNECT's answer, judged by RFC 8441 5 (<see cref="ExtendedConnect.Judge"/>).</summary>
    private static Handshake ReadHttp2Handshake(Http2Opening opening)
    {
        var answer = opening.Answer is { } fields ? ExtendedConnect.Response(fields) : null;
        DeflateParameters? deflate = null;
        string? problem;
        if (answer is null || opening.Request is null)
            problem = opening.Refusal ?? (opening.Request is null ? "the suite sent no extended CONNECT" : "the server sent no answer to the extended CONNECT");
        else if ((problem = ExtendedConnect.Judge(opening.Request, answer, out deflate, out var deflateProblem)) is null && deflateProblem is not null)
            (problem, deflate) = ($"the permessage-deflate negotiation failed: {deflateProblem}", null);
        return new Handshake(answer, deflate, problem, answer is not null && problem is null);
    }

    /// <summary>
    /// Playing the server: the client's request must be one a server may upgrade (RFC 6455 4.2.1), and the suite's
    /// answer complete: a 101, or the answer of a case that tests what a client accepts, which may be any answer and is
    /// followed by the steps all the same. permessage-deflate is agreed when the suite's answer accepted a client's offer
    /// validly (an answer a client must fail agrees nothing).
    /// </summary>
    private Handshake ReadClientsHandshake(string head)
    {
        string? problem;
        if (_requestEnd < 0)
            problem = _request.WrittenCount == 0 ? "the client sent nothing" : "the client's request ended before its header block did";
        else if (OpeningRequestHead.Parse(head.TrimEnd('\r', '\n')).Problem() is { } refused)
            problem = $"the client's opening request is not one a server may upgrade: {refused}";
        else if (_responseStatus != ResponseParseStatus.Complete)
            problem = "the suite did not answer the request";
        else
            problem = null;
        var deflate = problem is null && _parsed!.StatusCode == 101 ? DeflateAgreement.Read(head, _parsed, out _) : null;
        return new Handshake(_parsed, deflate, problem, problem is null);
    }

    private static List<string> ListElements(string head, string name) =>
        DeflateAgreement.RequestHeaders(head, name).SelectMany(v => v.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();

    /// <summary>The handshake is decided: the conversation is read from the start, and from now on entry by entry.</summary>
    private void StartConversation()
    {
        _handshake = ReadHandshake();
        var waiting = _waiting!;
        _waiting = null;
        if (!_handshake.Done) return;
        _replay = new Replay(_handshake.Deflate, _maxFramePayload, Role, _http2 is null ? null : new Http2Carriage(_http2.Shared, _http2.Stream ?? Http2Carriage.FirstStream));
        foreach (var (index, e) in waiting) _replay.Feed(index, e.AtMicroseconds, e.Kind, e.Bytes, e.Text);
    }

    /// <summary>What the transcript says so far.</summary>
    public TranscriptReading Reading()
    {
        var handshake = _handshake ?? ReadHandshake();
        var replay = _replay;
        return new TranscriptReading
        {
            Role = Role,
            ConnectionError = _error,
            Response = handshake.Response,
            OverHttp2 = _http2 is not null,
            SharedConnectionTrouble = _sharedConnectionEnded,
            Http2Streams = _streams,
            StreamRefused = _http2 is { RefusedByFrame: true, Answer: null },
            Deflate = handshake.Deflate,
            HandshakeProblem = (_http2 is null ? _responseStatus == ResponseParseStatus.Complete : _http2.Decided) ? handshake.Problem : _error ?? handshake.Problem,
            PeerClosedAt = _peerClosedAt,
            SuiteClosedAt = _suiteClosedAt,
            SuiteClosedBecause = _suiteClosedBecause,
            DeadlinePassed = _deadline,
            FirstTimerAt = _firstTimerAt,
            FirstTimer = _firstTimer,
            LastTimerFiredAt = _lastTimerFiredAt,
            Recheck = _recheck,
            HandshakeTiming = _http2 is null ? _answer.Timing : _http2.Timing with { TimerFirst = _http2.AnsweredAt is null && _lastTimerFiredAt is not null },
            EntryCount = _count,
            FirstAtMicroseconds = _firstAt,
            LastAtMicroseconds = _lastAt,
            FirstServerClose = replay?.ServerClose,
            FirstSuiteClose = replay?.SuiteClose,
            Events = replay?.Events.ToArray() ?? [],
            ServerViolations = replay?.Violations ?? [],
            FirstViolationAt = replay?.FirstViolationAt,
            LastServerFrameAt = replay?.LastServerFrameAt,
            Closing = replay?.Closing ?? new(false, false, _suiteClosedAt is not null, null, null, false),
        };
    }

    public void Dispose() => _replay?.Dispose();

    /// <summary>
    /// From the opening request's first octet out to the end of the answer's head in (looked for in the first 64 KiB
    /// the server sent); or that one of the suite's timers ran out before the head was complete.
    /// </summary>
    private sealed class AnswerTimer
    {
        private const int LongestHead = 64 * 1024;
        private readonly ArrayBufferWriter<byte> _head = new(1024);
        private long? _requestAt;
        private long? _answeredAt;
        private bool _timerFirst;
        private bool _done;

        public HandshakeTiming Timing => new(_requestAt, _answeredAt, _timerFirst);

        public void Add(long at, WireEntryKind kind, ReadOnlySpan<byte> bytes)
        {
            if (kind == WireEntryKind.Sent) _requestAt ??= at;
            if (_done) return;
            if (kind == WireEntryKind.TimerFired) (_timerFirst, _done) = (true, true);
            if (kind != WireEntryKind.Received || bytes.IsEmpty) return;
            _head.Write(bytes[..Math.Min(bytes.Length, LongestHead - _head.WrittenCount)]);
            if (HttpHead.Length(_head.WrittenSpan) >= 0) (_answeredAt, _done) = (at, true);
            else if (_head.WrittenCount >= LongestHead) _done = true;
        }
    }

    /// <summary>
    /// The conversation after the handshake, entry by entry in the order it happened: the suite's frames and the
    /// server's, each direction fed to a decoder as it travelled, the server's through the client's rules.
    /// </summary>
    private sealed class Replay(DeflateParameters? deflate, long maxFramePayload, Role role, Http2Carriage? http2) : IDisposable
    {
        private readonly ClientEndpoint _client = new(deflate, role: role);
        private readonly DirectionReader _suiteFrames = http2 is not null
            ? DirectionReader.OverHttp2(FrameDecoder.LargestPayloadLength, http2.SuiteSendsPreface, http2.Stream)
            : new(FrameDecoder.LargestPayloadLength, role == Role.Client ? DirectionReader.LongestRequestHead : DirectionReader.LongestResponseHead);
        private readonly DirectionReader _serverFrames = http2 is not null
            ? DirectionReader.OverHttp2(maxFramePayload, carriesPreface: false, http2.Stream)
            : new(maxFramePayload, role == Role.Client ? DirectionReader.LongestResponseHead : DirectionReader.LongestRequestHead);
        private int? _closeSeenAt;
        private bool _serverClosedTcp;

        public List<(int, ConversationEvent)> Events { get; } = [];
        public IReadOnlyList<string> Violations => _client.Violations.ToArray();
        public int? FirstViolationAt { get; private set; }
        public WireFrame? ServerClose { get; private set; }
        public WireFrame? SuiteClose { get; private set; }
        public int? LastServerFrameAt { get; private set; }

        public ClosingFacts Closing => new(_client.ClosedBySuite, _client.WasClean, _client.DroppedBySuite, _client.DropReason,
            _client.ServerCloseCodeTaken, _serverClosedTcp, _client.ServerCloseRefused);

        public void Feed(int i, long at, WireEntryKind kind, ReadOnlySpan<byte> bytes, string? text)
        {
            switch (kind)
            {
                case WireEntryKind.Sent when !bytes.IsEmpty:
                    _suiteFrames.Append(bytes);
                    while (true)
                    {
                        var status = _suiteFrames.TryRead(out var frame);
                        if (status is DirectionStatus.NeedMoreData or DirectionStatus.Undecodable) break;
                        if (status != DirectionStatus.Frame || !frame!.Header.IsWellFormedClose) continue;
                        SuiteClose ??= new WireFrame(i, at, frame);
                        _client.SuiteSentClose();
                    }
                    break;
                case WireEntryKind.Received when !bytes.IsEmpty:
                    if (_serverFrames.Error is not null || _client.Phase == ClientPhase.Closed) break;
                    _serverFrames.Append(bytes);
                    while (_client.Phase != ClientPhase.Closed)
                    {
                        var status = _serverFrames.TryRead(out var frame);
                        if (status == DirectionStatus.NeedMoreData) break;
                        if (status is DirectionStatus.Head or DirectionStatus.Http2Frame) continue;
                        if (status == DirectionStatus.Undecodable)
                        {
                            _client.Undecodable(_serverFrames.Error!);
                            FirstViolationAt ??= i;
                            break;
                        }
                        var hadClose = _client.ServerClose is not null;
                        if (frame!.Header.Opcode != Opcodes.Close) LastServerFrameAt = i;
                        foreach (var action in _client.Receive(frame!))
                            if (action is DeliverEvent d) Events.Add((i, d.Event));
                        if (_client.Violations.Count > 0) FirstViolationAt ??= i;
                        if (!hadClose && _client.ServerClose is not null)
                        {
                            ServerClose = new WireFrame(i, at, frame!);
                            _closeSeenAt ??= i;
                        }
                    }
                    break;
                case WireEntryKind.Mark when _closeSeenAt is null:
                    Events.Add((i, ConversationEvent.MarkEvent(text ?? "")));
                    break;
                case WireEntryKind.ClosedBySuite:
                    _client.SuiteDropped(text ?? "");
                    break;
                case WireEntryKind.PeerClosed:
                    _serverClosedTcp |= _client.Phase != ClientPhase.Closed;
                    _closeSeenAt ??= i;
                    _client.PeerClosed();
                    break;
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
