using System.Buffers.Binary;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Wire;

/// <summary>Something the suite, as the client, does in answer to a frame the server sent.</summary>
public abstract record ClientAction;

/// <summary>A message or pong the server caused: an event the case's expected lists are compared with.</summary>
public sealed record DeliverEvent(ConversationEvent Event) : ClientAction;

/// <summary>Answer a ping with a pong carrying its payload.</summary>
public sealed record SendPong(byte[] Payload) : ClientAction;

/// <summary>Send a close frame: the reply to the server's close, or the suite failing the connection.</summary>
public sealed record SendClose(byte[] Payload, bool FailsTheConnection) : ClientAction;

/// <summary>Close the TCP connection at once.</summary>
public sealed record DropConnection(string Reason) : ClientAction;

public enum ClientPhase { Open, Closing, Closed }

/// <summary>
/// The suite in the role of a WebSocket client, frame by frame: the same rules whether the session plays it live or
/// the scorer replays a transcript. They are RFC 6455's (5.1, 5.2, 5.4, 5.5, 5.6, 7.1.7, 8.1) and RFC 7692's, applied
/// the way Autobahn|Testsuite's client applies them (it fails the connection with a close frame rather than a TCP
/// drop), so that the facts its verdicts come from mean the same here:
/// <list type="bullet">
/// <item>a frame the server must not send fails the connection: while open, the suite sends a close (1002, or 1007
/// for invalid UTF-8) and so starts the closing handshake itself; once closing, it drops TCP at once and reads no
/// further;</item>
/// <item>after failing, no data message counts as received, but pongs still do, and a close frame, even an invalid
/// one, still ends the handshake;</item>
/// <item>frames after the server's close frame are read until TCP closes: an answer given after the close counts;</item>
/// <item>an undefined close code is read as 1000 once the connection has been failed for it.</item>
/// </list>
/// Not thread-safe: the session calls it under its own lock.
/// </summary>
public sealed class ClientEndpoint : IDisposable
{
    private readonly DeflateParameters? _deflate;
    private readonly bool _decompress;
    private readonly long _maxMessageBytes;
    private readonly long _maxInflatedBytes;
    private readonly Role _role;
    private readonly List<string> _violations = [];
    private MessageInflater? _inflater;
    private long _inflatedBytes;

    private bool _insideMessage;
    private byte _messageOpcode;
    private bool _messageCompressed;
    /// <summary>The message so far, as its event keeps it (decompressed when it is compressed and the suite decompresses).</summary>
    private PayloadDigest? _message;
    private string? _inflateError;
    private long _messageBytes;
    private Utf8Validator _utf8;

    /// <summary>The most octets one compressed message may decompress to: as many as the largest frame the suite reads.</summary>
    public const long LargestInflatedMessage = 64L * 1024 * 1024;

    /// <summary>The most octets a case's compressed messages may decompress to, together: twice the largest series the catalogue sends.</summary>
    public const long LargestInflatedCase = 512L * 1024 * 1024;

    /// <param name="deflate">The permessage-deflate parameters the handshake agreed, if any.</param>
    /// <param name="decompress">False: compressed messages are delivered as they came (the live session only counts them).</param>
    /// <param name="maxMessageBytes">The most octets a message may have on the wire (and decompressed, up to <see cref="LargestInflatedMessage"/>).</param>
    /// <param name="maxInflatedBytes">The most octets the server's compressed messages may decompress to in one case, together.</param>
    /// <param name="role">The side the suite plays: the client (the peer is a server), or the server, when the peer is a
    /// client, whose frames must be masked; the rules are otherwise the same (RFC 6455 5.1).</param>
    public ClientEndpoint(DeflateParameters? deflate = null, bool decompress = true, long maxMessageBytes = 256L * 1024 * 1024,
        long maxInflatedBytes = LargestInflatedCase, Role role = Role.Client)
    {
        _role = role;
        _deflate = deflate;
        _decompress = decompress;
        _maxMessageBytes = maxMessageBytes;
        _maxInflatedBytes = maxInflatedBytes;
    }

    public ClientPhase Phase { get; private set; } = ClientPhase.Open;

    /// <summary>The suite started the closing handshake (its own close, or failing the connection), rather than replying to the server's.</summary>
    public bool ClosedBySuite { get; private set; }

    /// <summary>The suite failed the connection because of something the server sent.</summary>
    public bool FailedBySuite { get; private set; }

    /// <summary>The suite closed the TCP connection (before the server did).</summary>
    public bool DroppedBySuite { get; private set; }

    public string? DropReason { get; private set; }

    /// <summary>A close frame from the server ended the closing handshake, and nothing since made it unclean.</summary>
    public bool WasClean { get; private set; }

    /// <summary>The server's first close frame that was read as a close, whatever was wrong with it.</summary>
    public DecodedFrame? ServerClose { get; private set; }

    /// <summary>The server sent a close frame that broke the framing rules while the suite was closing: it dropped TCP instead of reading it.</summary>
    public bool ServerCloseRefused { get; private set; }

    /// <summary>The server's close code as a client takes it: null without one; 1000 for a code that may not be sent.</summary>
    public int? ServerCloseCodeTaken { get; private set; }

    /// <summary>What the server sent that it must not have, in order.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>The suite sent a close frame of its own (a step, a timer, or the end of a case that got its events).</summary>
    public void SuiteSentClose()
    {
        if (Phase != ClientPhase.Open) return;
        Phase = ClientPhase.Closing;
        ClosedBySuite = true;
    }

    /// <summary>The suite closed TCP for a reason of its own (a timer, a limit, the deadline).</summary>
    public void SuiteDropped(string reason)
    {
        if (Phase == ClientPhase.Closed) return;
        Phase = ClientPhase.Closed;
        DroppedBySuite = true;
        DropReason = reason;
        // Playing the server, the suite closes TCP first once the closing handshake is done (RFC 6455 7.1.1).
        WasClean &= _role == Role.Server;
    }

    public void PeerClosed() => Phase = ClientPhase.Closed;

    /// <summary>The server's octets could not be decoded into frames at all: nothing more can be read.</summary>
    public IReadOnlyList<ClientAction> Undecodable(string error)
    {
        var actions = new List<ClientAction>();
        Fail($"the server sent an undecodable frame: {error}", CloseCodes.ProtocolError, actions);
        return actions;
    }

    /// <summary>One frame from the server: what the suite does about it, in order.</summary>
    public IReadOnlyList<ClientAction> Receive(DecodedFrame frame)
    {
        var actions = new List<ClientAction>();
        if (Phase == ClientPhase.Closed) return actions;
        foreach (var violation in FramingViolations(frame.Header))
        {
            Fail(violation, CloseCodes.ProtocolError, actions);
            if (Phase != ClientPhase.Closed) continue;
            ServerCloseRefused |= frame.Header.Opcode == Opcodes.Close;
            return actions;
        }
        if (Opcodes.IsControl(frame.Header.Opcode)) Control(frame, actions);
        else Data(frame, actions);
        return actions;
    }

    private void Control(DecodedFrame frame, List<ClientAction> actions)
    {
        switch (frame.Header.Opcode)
        {
            case Opcodes.Pong:
                actions.Add(new DeliverEvent(ConversationEvent.Pong(frame.Payload)));
                break;
            case Opcodes.Ping when Phase == ClientPhase.Open:
                actions.Add(new SendPong(frame.Payload));
                break;
            case Opcodes.Close:
                Close(frame, actions);
                break;
        }
    }

    private void Close(DecodedFrame frame, List<ClientAction> actions)
    {
        var payload = frame.Payload;
        ServerClose ??= frame;
        ushort? code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : null;
        if (code is { } c && !CloseCodes.IsValidOnWire(c))
        {
            Fail($"the server's close frame carries {CloseCodes.Describe(c)}, which may not be sent in a close frame (RFC 6455 7.4.1)",
                CloseCodes.ProtocolError, actions);
            ServerCloseCodeTaken = CloseCodes.Normal;
        }
        else
        {
            ServerCloseCodeTaken = code;
        }
        if (payload.Length > 2 && !Utf8Validator.IsValid(payload.AsSpan(2)))
            Fail("the server's close reason is not valid UTF-8 (RFC 6455 5.5.1)", CloseCodes.InvalidPayload, actions);

        switch (Phase)
        {
            case ClientPhase.Open:
                WasClean = true;
                Phase = ClientPhase.Closing;
                actions.Add(new SendClose(code is { } echoed && CloseCodes.IsValidOnWire(echoed) ? ClosePayload.Build(echoed, []) : [], false));
                break;
            case ClientPhase.Closing:
                WasClean = true;
                break;
            case ClientPhase.Closed:
                WasClean = false;
                break;
        }
    }

    private void Data(DecodedFrame frame, List<ClientAction> actions)
    {
        var h = frame.Header;
        if (!_insideMessage)
        {
            _insideMessage = true;
            _messageOpcode = h.Opcode;
            _messageCompressed = _deflate is not null && (h.Rsv & 4) != 0;
            _message = new PayloadDigest();
            _inflateError = _inflatedBytes > _maxInflatedBytes ? InflatedOverLimit : null;
            _messageBytes = 0;
            _utf8 = new Utf8Validator();
            if (Inflates)
                (_inflater ??= _role == Role.Client
                    ? _deflate!.ServerInflater(Math.Min(_maxMessageBytes, LargestInflatedMessage))
                    : _deflate!.ClientInflater(Math.Min(_maxMessageBytes, LargestInflatedMessage))).BeginMessage();
        }
        _messageBytes += frame.Payload.Length;
        if (_messageBytes > _maxMessageBytes)
        {
            Fail($"a message from the server grew past the suite's limit of {_maxMessageBytes} octets", CloseCodes.TooBig, actions);
            if (Phase == ClientPhase.Closed) return;
        }
        if (!FailedBySuite) Take(frame.Payload);
        if (_messageOpcode == Opcodes.Text && !_messageCompressed && _utf8.Feed(frame.Payload) == Utf8Status.Invalid)
        {
            Fail($"the server's text message is not valid UTF-8 (octet {_utf8.InvalidAtOffset} of the message; RFC 6455 8.1)", CloseCodes.InvalidPayload, actions);
            if (Phase == ClientPhase.Closed) return;
        }
        if (!h.Fin) return;

        _insideMessage = false;
        if (_messageOpcode == Opcodes.Text && !_messageCompressed && _utf8.Status == Utf8Status.Incomplete)
        {
            Fail("the server's text message ends inside a UTF-8 sequence (RFC 6455 8.1)", CloseCodes.InvalidPayload, actions);
            if (Phase == ClientPhase.Closed) return;
        }
        var message = _message!;
        _message = null;
        if (FailedBySuite || _messageOpcode is not (Opcodes.Text or Opcodes.Binary)) return;
        if (Inflates)
        {
            _inflateError ??= _inflater!.EndMessage(message.Append);
            if (_inflateError is not null)
            {
                NotDelivered($"the server's compressed {Opcodes.Name(_messageOpcode)} message of {_messageBytes} octets does not decompress with the agreed parameters ({_deflate}): {_inflateError} (RFC 7692 7.2.2)");
                return;
            }
        }
        var summary = message.Finish();
        if (Inflates && _messageOpcode == Opcodes.Text && !summary.IsUtf8)
        {
            NotDelivered("the server's compressed text message is not valid UTF-8 once decompressed (RFC 6455 8.1)");
            return;
        }
        actions.Add(new DeliverEvent(ConversationEvent.Message(_messageOpcode == Opcodes.Binary, summary)));
    }

    private bool Inflates => _messageCompressed && _decompress;

    /// <summary>A data frame's payload into the message: as it came, or decompressed, within the case's limit on decompressed octets.</summary>
    private void Take(byte[] payload)
    {
        if (!Inflates)
        {
            _message!.Append(payload);
            return;
        }
        if (_inflateError is not null) return;
        var before = _message!.Length;
        _inflateError = _inflater!.Feed(payload, _message.Append);
        _inflatedBytes += _message.Length - before;
        if (_inflateError is null && _inflatedBytes > _maxInflatedBytes) _inflateError = InflatedOverLimit;
    }

    private string InflatedOverLimit =>
        $"the server's compressed messages decompress to more than {_maxInflatedBytes} octets in this case, the suite's limit";

    /// <summary>
    /// The suite fails the connection: while open it sends a close with the code and so starts the closing handshake;
    /// once closing (its close is out, or it has answered the server's) it drops TCP and reads no further.
    /// </summary>
    private void Fail(string violation, ushort code, List<ClientAction> actions)
    {
        _violations.Add(_role.Worded(violation));
        FailedBySuite = true;
        switch (Phase)
        {
            case ClientPhase.Open:
                Phase = ClientPhase.Closing;
                ClosedBySuite = true;
                actions.Add(new SendClose(ClosePayload.Build(code, []), true));
                break;
            case ClientPhase.Closing:
                Phase = ClientPhase.Closed;
                DroppedBySuite = true;
                DropReason = $"the suite failed the connection while closing: {violation}";
                actions.Add(new DropConnection(DropReason));
                break;
        }
    }

    /// <summary>
    /// A compressed message that is wrong inside: the live session does not decompress (it only counts messages), so it
    /// cannot have failed the connection for it; the message is not received, and the violation is reported.
    /// </summary>
    private void NotDelivered(string violation)
    {
        _violations.Add(_role.Worded(violation));
        FailedBySuite = true;
    }

    /// <summary>What is wrong with a frame's header, in the order a client checks it (RFC 6455 5.1, 5.2, 5.4, 5.5; RFC 7692 6.1).</summary>
    private IEnumerable<string> FramingViolations(FrameHeader h)
    {
        var name = Opcodes.Name(h.Opcode);
        if (_deflate is not null && h.Rsv == 4)
        {
            if (Opcodes.IsControl(h.Opcode))
                yield return $"the server set RSV1 on a {name} frame (RFC 7692 6.1: an endpoint MUST NOT set the Per-Message Compressed bit of control frames)";
            else if (h.Opcode == Opcodes.Continuation)
                yield return "the server set RSV1 on a continuation frame (RFC 7692 6.1: an endpoint MUST NOT set the Per-Message Compressed bit of non-first fragments of a data message)";
        }
        else if (h.Rsv != 0)
        {
            yield return _deflate is null
                ? $"the server set RSV bits {h.Rsv} on a {name} frame without a negotiated extension (RFC 6455 5.2)"
                : $"the server set RSV bits {h.Rsv} on a {name} frame; permessage-deflate defines only RSV1 (RFC 6455 5.2)";
        }
        if (h.Masked && _role == Role.Client) yield return $"the server sent a masked {name} frame (RFC 6455 5.1: a server MUST NOT mask any frames)";
        if (!h.Masked && _role == Role.Server)
            yield return $"the client sent an unmasked {name} frame (RFC 6455 5.1: a server MUST close the connection upon receiving a frame that is not masked)";
        if (Opcodes.IsControl(h.Opcode))
        {
            if (!h.Fin) yield return $"the server fragmented a {name} frame (RFC 6455 5.5: control frames MUST NOT be fragmented)";
            if (h.PayloadLength > ClosePayload.MaxLength) yield return $"the server sent a {name} frame with {h.PayloadLength} octets (RFC 6455 5.5: at most 125)";
            if (Opcodes.IsReserved(h.Opcode)) yield return $"the server sent a frame with the reserved opcode {h.Opcode} (RFC 6455 5.2)";
            if (h.Opcode == Opcodes.Close && h.PayloadLength == 1) yield return "the server's close frame has a 1-octet payload, too short for a status code (RFC 6455 5.5.1)";
        }
        else
        {
            if (Opcodes.IsReserved(h.Opcode)) yield return $"the server sent a frame with the reserved opcode {h.Opcode} (RFC 6455 5.2)";
            if (h.Opcode == Opcodes.Continuation && !_insideMessage) yield return "the server sent a continuation frame with no message to continue (RFC 6455 5.4)";
            if (h.Opcode != Opcodes.Continuation && _insideMessage) yield return $"the server started a new {name} message inside a fragmented one (RFC 6455 5.4)";
        }
        if (!h.MinimalLengthEncoding)
            yield return $"the server encoded the {h.PayloadLength}-octet length of a {name} frame in more octets than needed (RFC 6455 5.2: the minimal number of bytes MUST be used)";
    }

    public void Dispose() => _inflater?.Dispose();
}
