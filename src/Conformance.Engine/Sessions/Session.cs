using Conformance.Engine.Cases;
using Conformance.Engine.Wire;
using Conformance.Protocol.Deflate;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// Plays one case over one connection and records the transcript. It takes part as a client against a server
/// (<see cref="RunAsync(CaseDefinition, SessionOptions, TimeSpan, CancellationToken)"/>) or as a server against a client
/// that connected (<see cref="ServeAsync"/>), by the same rules (<see cref="ClientEndpoint"/>: answers pings, answers or
/// fails the close, notices the events matched), and performs every scripted step while the TCP connection is open;
/// the role decides who masks and who closes TCP first. Judging is the scorer's job, from the transcript alone.
/// </summary>
public sealed class Session
{
    private readonly CaseDefinition _case;
    private readonly SessionOptions _options;
    private readonly Transcript _transcript;
    private readonly Role _role;
    private readonly SessionState _state = new();
    /// <summary>Playing the server: the octets the client sent after its request, read with it.</summary>
    private ReadOnlyMemory<byte> _early;
    private int _closeWritten;
    private ISessionWire _wire = null!;
    private string _key = "";
    private string _requestHead = "";
    /// <summary>Set by the reader before it reports the handshake complete; read by the steps after that.</summary>
    private DeflateParameters? _deflate;
    private string? _deflateProblem;
    private MessageDeflater? _deflater;

    private Session(CaseDefinition @case, SessionOptions options, Transcript? transcript = null, Role role = Role.Client)
    {
        _case = @case;
        _options = options;
        _role = role;
        _transcript = transcript ?? new Transcript(options.MaxFramePayload, options.StoredOctetsPerDirection);
    }

    /// <summary>
    /// Plays the case as the server, on a connection a client opened, whose opening request has been read (and recorded
    /// in the transcript, with any octets after it, which are early). A request a server must refuse gets its refusal,
    /// and the case ends there. The suite closes TCP once the closing handshake is done (RFC 6455 7.1.1).
    /// </summary>
    internal static async Task ServeAsync(CaseDefinition @case, SessionOptions options, AcceptedConnection client, TimeSpan budget, CancellationToken cancel)
    {
        var session = new Session(@case, options, client.Transcript, Role.Server) { _early = client.Early };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(budget);
        await session.ConverseAsync(client.Wire, session.AnswerRequestAsync(client.Request), deadline.Token);
    }

    /// <summary>Playing the server: the 101 (or the refusal) written, the steps to play from step 1; null when refused.</summary>
    private Func<Action, CancellationToken, Task<IReadOnlyList<Step>?>> AnswerRequestAsync(Protocol.OpeningRequestHead request) => async (startReading, deadline) =>
    {
        if (request.Refusal() is { } refusal)
        {
            _transcript.Add(WireEntryKind.Error, text: $"the client's opening request is not one a server may upgrade: {request.Problem()}");
            await _wire.WriteAsync(System.Text.Encoding.ASCII.GetBytes(refusal), null, deadline, "the refusal of the opening request");
            return null;
        }
        var (answer, steps, label) = AnswerWrite(request);
        if (!await _wire.WriteAsync(answer, _case.Answer?.Chop, deadline, label)) return null;
        _state.Opened(new ClientEndpoint(_deflate, decompress: false, role: Role.Server));
        _state.Handshake.TrySetResult(true);
        startReading();
        return steps;
    };

    /// <summary>Playing the server: the answer (the case's own, or the valid 101) with the first step's octets when the case pipelines them, the steps left, the write's label.</summary>
    private (byte[] Answer, IReadOnlyList<Step> Steps, string Label) AnswerWrite(Protocol.OpeningRequestHead request)
    {
        if (_case.Answer is not { } own)
            return (System.Text.Encoding.ASCII.GetBytes(SwitchingProtocols(request)), _case.Steps, "the answer to the opening request (101)");
        var answer = System.Text.Encoding.Latin1.GetBytes(own.Text(request.Key));
        if (!own.Pipeline) return (answer, _case.Steps, "the case's answer to the opening request");
        return ([.. answer, .. StepBytes(_case.Steps[0])], _case.Steps.Skip(1).ToList(), "the case's answer to the opening request and step 1");
    }

    /// <summary>
    /// The valid 101; for a case that needs permessage-deflate, accepting the client's first offer that allows what the
    /// case's offers ask of the peer, in the case's order: the suite, in the client's place, asks the client for what the
    /// case asks of a server (server_no_context_takeover becomes client_no_context_takeover, server_max_window_bits
    /// client_max_window_bits), and grants what the client's offer asks. When no offer allows it, none is accepted.
    /// </summary>
    private string SwitchingProtocols(Protocol.OpeningRequestHead request)
    {
        var valid = request.SwitchingProtocols();
        if (_case.DeflateOffers is not { } wanted) return valid;
        var offered = ExtensionList.Parse(request.Values("Sec-WebSocket-Extensions"), out _) ?? [];
        foreach (var want in wanted)
        {
            if (ExtensionList.Parse(want, out _) is not [var caseOffer]) continue;
            var (noContextTakeover, maxWindowBits) = DeflateNegotiation.AskedOfServer(caseOffer);
            if (DeflateNegotiation.AnswerAsking(offered, noContextTakeover, maxWindowBits) is not { } accepted) continue;
            _deflate = DeflateNegotiation.Agreed(accepted);
            return valid[..^2] + $"Sec-WebSocket-Extensions: {accepted}\r\n\r\n";
        }
        _deflateProblem = offered.Any(DeflateNegotiation.IsDeflate)
            ? $"no permessage-deflate offer of the client allows what the case asks ({string.Join(" or ", wanted)})"
            : "the client offered no permessage-deflate";
        return valid;
    }

    /// <summary>
    /// Plays the case within its budget and, for a case that asks for it (<see cref="HandshakeExpectation.Recheck"/>),
    /// records whether a normal connection opens afterwards. Cancelled, the transcript holds what happened until then.
    /// </summary>
    /// <param name="shared">over HTTP/2: connections whose streams the case shares with others; null: a connection of its own</param>
    public static async Task<Transcript> RunAsync(CaseDefinition @case, SessionOptions options, TimeSpan budget, CancellationToken cancel,
        SharedHttp2Connections? shared = null)
    {
        var session = new Session(@case, options);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            deadline.CancelAfter(budget);
            await session.RunAsync(deadline.Token, shared);
        }
        if (@case.Handshake is { Recheck: true } && !cancel.IsCancellationRequested)
        {
            var problem = await Probe.OpenAsync(options, cancel);
            if (!cancel.IsCancellationRequested)
                session._transcript.Add(problem is null ? WireEntryKind.RecheckPassed : WireEntryKind.RecheckFailed,
                    text: problem is null ? "afterwards, a normal connection opened" : $"afterwards, a normal connection failed: {problem}");
        }
        return session._transcript;
    }

    private async Task RunAsync(CancellationToken deadline, SharedHttp2Connections? shared)
    {
        if (_options.Http2)
        {
            var stream = shared is null
                ? await Http2StreamWire.OpenAsync(_options, _transcript, deadline)
                : await Http2StreamWire.OnSharedAsync(shared, _transcript, deadline);
            if (stream is not null) await ConverseAsync(stream, OpenOverHttp2Async, deadline);
            return;
        }
        var wire = await WireConnection.OpenAsync(_options, _transcript, deadline);
        if (wire is null) return;
        _key = HandshakeKeys.NewKey();
        await ConverseAsync(wire, OpenAsync, deadline);
    }

    /// <summary>Playing the client: the request written and the handshake's answer read, the steps left to play; null when it did not open.</summary>
    private async Task<IReadOnlyList<Step>?> OpenAsync(Action startReading, CancellationToken deadline)
    {
        var (request, steps, label) = OpeningWrite();
        if (!await _wire.WriteAsync(request, _case.Request?.Chop, deadline, label)) return null;
        if (_case.EndsAfterHandshake)
        {
            await AnswerReader.ReadAsync(_wire, _options, _transcript, deadline);
            return null;
        }
        var requestText = System.Text.Encoding.Latin1.GetString(request);
        _requestHead = requestText.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? requestText[..end] : requestText;
        startReading();
        return await AwaitHandshakeAsync(deadline) ? steps : null;
    }

    /// <summary>
    /// Playing the client over HTTP/2: the extended CONNECT written and its answer read (RFC 8441 4, 5), the steps to
    /// play; null when it did not open. The case's own HTTP/1.1 request has no meaning here; the selection leaves
    /// such cases out.
    /// </summary>
    private async Task<IReadOnlyList<Step>?> OpenOverHttp2Async(Action startReading, CancellationToken deadline)
    {
        if (!_case.AppliesOverHttp2)
            throw new InvalidOperationException($"{_case.Id}: a case of the HTTP/1.1 opening handshake does not apply over HTTP/2");
        var wire = (Http2StreamWire)_wire;
        var request = wire.Request(_options, _case.DeflateOffers ?? []);
        if (_case.Http2Request is { } own) request = own.Apply(request);
        var answered = await wire.OpenWebSocketAsync(request, _options.OpenHandshakeTimeout, deadline);
        if (_case.EndsAfterHandshake)
        {
            // The answer (or the refusal before one) is in the transcript; the scorer judges it.
            _state.Handshake.TrySetResult(false);
            _wire.Drop("the case ends after the server's answer to the extended CONNECT");
            return null;
        }
        if (answered is not { } answer)
        {
            _state.Handshake.TrySetResult(false);
            _wire.Drop("the opening handshake did not complete");
            return null;
        }
        var problem = ExtendedConnect.Judge(request, ExtendedConnect.Response(answer.Fields), out _deflate, out _deflateProblem);
        if (problem is not null)
        {
            _transcript.Add(WireEntryKind.Error, text: problem);
            _state.Handshake.TrySetResult(false);
            _wire.Drop("the opening handshake did not complete");
            return null;
        }
        _state.Opened(new ClientEndpoint(_deflate, decompress: false));
        _state.Handshake.TrySetResult(true);
        startReading();
        return _case.Steps;
    }

    /// <summary>The connection, from its opening (as the role opens it) to its end: the steps, the case's end, the closing handshake.</summary>
    private async Task ConverseAsync(ISessionWire wire, Func<Action, CancellationToken, Task<IReadOnlyList<Step>?>> open, CancellationToken deadline)
    {
        _wire = wire;
        await using var _ = wire;
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        Task reader = Task.CompletedTask, closing = Task.CompletedTask;
        try
        {
            var steps = await open(() => reader = Task.Run(() => ReadLoopAsync(stopReading.Token), CancellationToken.None), deadline);
            if (steps is null) return;
            closing = Task.Run(() => WatchClosingAsync(stopReading.Token), CancellationToken.None);
            if (_case.DeflateOffers is not null && _deflate is null)
            {
                _transcript.Note(_role == Role.Server
                    ? $"{_deflateProblem}, so the suite agreed none; it closes, as the case needs the extension"
                    : _deflateProblem is null
                    ? "the server accepted no permessage-deflate offer; the suite closes, as the case needs the extension"
                    : $"the server's permessage-deflate answer is one a client must fail ({_deflateProblem}); the suite closes");
                await SendCloseAsync(ClosePayload.Build(CloseCodes.Normal, []), "close: the case cannot run", deadline);
            }
            else
            {
                await PlayStepsAsync(steps, _case.Steps.Count - steps.Count + 1, deadline);
            }
            await EndAsync(deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            _transcript.Add(WireEntryKind.Deadline, text: "the case did not end before its deadline");
            wire.Drop("the case deadline passed");
        }
        finally
        {
            wire.Drop("the case ended");
            stopReading.Cancel();
            await reader;
            await closing;
            _deflater?.Dispose();
        }
    }

    /// <summary>The opening request (with the first step's octets when the case pipelines them), the steps left to play, and the write's label.</summary>
    private (byte[] Request, IReadOnlyList<Step> Steps, string Label) OpeningWrite()
    {
        if (_case.Request is not { } own) return (OpeningRequestWriter.Default(_options, _key, _case.DeflateOffers ?? []), _case.Steps, "the opening request");
        _key = OpeningRequestWriter.Key(own, _key);
        var request = OpeningRequestWriter.Write(own, _options, _key);
        if (!own.Pipeline) return (request, _case.Steps, "the opening request");
        var first = StepBytes(_case.Steps[0]);
        if (ContainsClose(first)) _state.NoteCloseSent();
        return ([.. request, .. first], _case.Steps.Skip(1).ToList(), "the opening request and step 1");
    }

    private async Task<bool> AwaitHandshakeAsync(CancellationToken deadline)
    {
        var timeout = Task.Delay(_options.OpenHandshakeTimeout, deadline);
        var done = await Task.WhenAny(_state.Handshake.Task, timeout);
        if (done == _state.Handshake.Task && _state.Handshake.Task.Result) return true;
        deadline.ThrowIfCancellationRequested();
        if (done == timeout)
        {
            var seconds = _options.OpenHandshakeTimeout.TotalSeconds;
            _transcript.Add(WireEntryKind.TimerFired, text: $"timer: {seconds:0.#} s passed without an answer to the opening handshake");
            _transcript.Add(WireEntryKind.Error, text: $"no answer to the opening handshake within {seconds:0.#} s");
        }
        _wire.Drop("the opening handshake did not complete");
        return false;
    }

    /// <summary>Every step, in order, while the TCP connection is open; a step after it closed is noted as not sent.</summary>
    private async Task PlayStepsAsync(IReadOnlyList<Step> steps, int firstNumber, CancellationToken deadline)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var label = $"step {firstNumber + i}";
            if (_wire.IsClosed && step is not OtherWebSocketStep)
            {
                _transcript.Note($"{label} not sent (the connection is closed): {step.Describe()}");
                continue;
            }
            switch (step)
            {
                case SendFramesStep s:
                    await SendAsync(Encode(s.Frames.Select(f => f.ToFrame(_role))), s.Chop, label, deadline);
                    break;
                case SendMessageStep s:
                    await _wire.WriteAsync(Encode(MessageFramesOf(s.Opcode, s.Payload, s.FragmentSize, s.Compress)), s.Chop, deadline, label);
                    break;
                case RoundTripsStep r:
                    await RoundTripsAsync(r, label, deadline);
                    break;
                case SendRawStep s:
                    await SendAsync(_role == Role.Server ? s.AsServer ?? throw new InvalidOperationException($"{_case.Id}: raw octets without asServer are not played against clients") : s.Bytes,
                        s.Chop, label, deadline);
                    break;
                case EndStreamStep:
                    await Http2Wire(step).EndStreamAsync(label, deadline);
                    break;
                case ResetStreamStep r:
                    await Http2Wire(step).ResetStreamAsync(r.Code, label, deadline);
                    break;
                case OtherWebSocketStep o:
                    var http2 = Http2Wire(step);
                    await http2.OtherWebSocketAsync(http2.Request(_options, []), _role.Frame(Opcodes.Text, o.Payload).Encode(), 2 + o.Payload.Length, o.Reset,
                        _options.OpenHandshakeTimeout, label, deadline);
                    break;
                case WaitStep w:
                    await PauseAsync(w.Milliseconds, deadline);
                    if (w.Mark is not null && !_wire.IsClosed)
                    {
                        _transcript.Add(WireEntryKind.Mark, text: w.Mark);
                        _state.AddMark(w.Mark);
                    }
                    break;
            }
        }
    }

    private Http2StreamWire Http2Wire(Step step) =>
        _wire as Http2StreamWire ?? throw new InvalidOperationException($"{_case.Id}: {step.Describe()} is played over HTTP/2 only; the case file reader keeps it to such cases");

    /// <summary>A wait step's pause; it ends early once the connection is closed, as nothing can go on the wire after that (nor is a mark recorded).</summary>
    private async Task PauseAsync(int milliseconds, CancellationToken deadline)
    {
        var over = Task.Delay(milliseconds, deadline);
        while (true)
        {
            var changed = _state.NextChange();
            if (over.IsCompleted || _wire.IsClosed) break;
            await Task.WhenAny(over, changed);
        }
        await (over.IsCompleted ? over : Task.CompletedTask);
    }

    /// <summary>The frames of a message, compressed first when permessage-deflate was agreed and the step allows it.</summary>
    private IEnumerable<Frame> MessageFramesOf(byte opcode, ReadOnlyMemory<byte> payload, int? fragmentSize, bool compress)
    {
        if (_deflate is null || !compress) return MessageFrames.Split(opcode, payload, fragmentSize, compressed: false, _role);
        _deflater ??= _role == Role.Client ? _deflate.ClientDeflater() : _deflate.ServerDeflater();
        return MessageFrames.Split(opcode, _deflater.Compress(payload.Span), fragmentSize, compressed: true, _role);
    }

    /// <summary>
    /// The series, each message sent once the answer to the one before has arrived; it ends early once either side has
    /// started closing, since no answer can come after that (RFC 6455 5.5.1).
    /// </summary>
    private async Task RoundTripsAsync(RoundTripsStep step, string label, CancellationToken deadline)
    {
        var compressed = _deflate is null ? null : CompressedSeries.For(step.Messages, step.Count, _deflate, _role);
        var sent = 0;
        for (; sent < step.Count && _state.IsOpen; sent++)
        {
            var answered = _state.EventCount + 1;
            var frames = compressed is null
                ? MessageFrames.Split(step.Opcode, step.Messages.At(sent), step.FragmentSize, compressed: false, _role)
                : MessageFrames.Split(step.Opcode, compressed.At(sent), step.FragmentSize, compressed: true, _role);
            await _wire.WriteAsync(Encode(frames), null, deadline, label);
            while (_state.EventCount < answered && _state.IsOpen)
            {
                var changed = _state.NextChange();
                if (_state.EventCount >= answered || !_state.IsOpen) break;
                await changed.WaitAsync(deadline);
            }
        }
        if (sent < step.Count) _transcript.Note($"{label}: the series ended after {sent} of {step.Count} messages, as the connection is closing");
    }

    /// <summary>The octets of a step that sends something, for a step written together with the request or the answer.</summary>
    private byte[] StepBytes(Step step) => step switch
    {
        SendFramesStep s => Encode(s.Frames.Select(f => f.ToFrame(_role))),
        SendMessageStep s => Encode(MessageFrames.Split(s.Opcode, s.Payload, s.FragmentSize, compressed: false, _role)),
        SendRawStep s => _role == Role.Server ? s.AsServer ?? s.Bytes : s.Bytes,
        _ => throw new InvalidOperationException($"the case file reader lets only a sending step be pipelined, not {step.Describe()}"),
    };

    private static byte[] Encode(IEnumerable<Frame> encoded)
    {
        var frames = encoded.ToList();
        var bytes = new byte[frames.Sum(f => f.EncodedLength)];
        var at = 0;
        foreach (var f in frames) at += f.EncodeTo(bytes.AsSpan(at));
        return bytes;
    }

    private async Task SendAsync(byte[] bytes, int? chop, string label, CancellationToken cancel)
    {
        var close = ContainsClose(bytes);
        if (close) _state.NoteCloseSent();
        if (await _wire.WriteAsync(bytes, chop, cancel, label) && close) CloseWritten();
    }

    /// <summary>
    /// A close frame of the suite's is out. Playing the server, the suite closes TCP as soon as the closing handshake is
    /// done, as a server should (RFC 6455 7.1.1: "the server SHOULD close the underlying TCP connection first"), and
    /// as Autobahn's fuzzingserver does.
    /// </summary>
    private void CloseWritten()
    {
        Volatile.Write(ref _closeWritten, 1);
        DropIfClosingHandshakeDone();
    }

    private void DropIfClosingHandshakeDone()
    {
        if (_role == Role.Server && Volatile.Read(ref _closeWritten) == 1 && _state.CloseReceivedAt is not null)
            _wire.Drop("the closing handshake is done; the suite closes the TCP connection first, as a server should (RFC 6455 7.1.1)");
    }

    private static bool ContainsClose(byte[] bytes)
    {
        var decoder = new FrameDecoder(FrameDecoder.LargestPayloadLength);
        decoder.Append(bytes);
        while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
            if (frame!.Header.IsWellFormedClose) return true;
        return false;
    }

    /// <summary>Starts the closing handshake, unless the suite has already sent or answered a close.</summary>
    private async Task SendCloseAsync(byte[] payload, string label, CancellationToken cancel)
    {
        if (!_state.TryClaimCloseSend()) return;
        if (await _wire.WriteAsync(_role.Frame(Opcodes.Close, payload).Encode(), null, cancel, label)) CloseWritten();
    }

    /// <summary>After the steps: finish on a match or by the case's timer, then wait for the closing handshake to end.</summary>
    private async Task EndAsync(CancellationToken deadline)
    {
        var timerDue = DateTime.UtcNow.AddMilliseconds(_case.End.AfterMilliseconds);
        while (true)
        {
            // The change to wait for is taken before the connection is looked at: a close between the two still wakes it.
            var changed = _state.NextChange();
            if (_wire.IsClosed) return;
            if (_state.IsOpen && _case.FinishesOnMatch && ExpectedEventsArrived())
            {
                await SendCloseAsync(ClosePayload.Build((ushort)_case.Close.Codes[0], []), "close: the expected events arrived", deadline);
                continue;
            }
            var suiteEnded = _wire is Http2StreamWire { SuiteEnded: true };
            if (suiteEnded && DateTime.UtcNow >= timerDue)
            {
                // Nothing more can go on the stream after the suite's END_STREAM, a close frame neither.
                _transcript.Add(WireEntryKind.TimerFired, text: $"timer: {_case.End.AfterMilliseconds} ms passed; the server has not ended its side of the stream after the suite's END_STREAM");
                _wire.Drop("the server did not end its side of the stream after the suite's END_STREAM");
                return;
            }
            if (_state.IsOpen && DateTime.UtcNow >= timerDue)
            {
                var failing = _case.End.Action == EndAction.Fail;
                _transcript.Add(WireEntryKind.TimerFired, text: failing
                    ? $"timer: {_case.End.AfterMilliseconds} ms passed; the suite fails the connection (close 1001)"
                    : $"timer: {_case.End.AfterMilliseconds} ms passed; the suite closes the connection");
                await SendCloseAsync(failing ? ClosePayload.Build(CloseCodes.GoingAway, []) : [], "close: the case's timer", deadline);
                continue;
            }
            var wait = _state.IsOpen || suiteEnded ? timerDue - DateTime.UtcNow : Timeout.InfiniteTimeSpan;
            if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.Zero) await Task.WhenAny(changed, Task.Delay(wait, deadline));
            deadline.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// The closing handshake's own timers, beside whatever the steps are doing (Autobahn's): the server must answer the
    /// suite's close within the close timeout, and close TCP within the drop timeout once both close frames are out.
    /// </summary>
    private async Task WatchClosingAsync(CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                var changed = _state.NextChange();
                if (_wire.IsClosed) return;
                var wait = Timeout.InfiniteTimeSpan;
                if (_state.CloseSentAt is { } sentAt)
                {
                    var receivedAt = _state.CloseReceivedAt;
                    var handshakeDone = receivedAt is not null;
                    var due = receivedAt is { } r ? Later(sentAt, r) + _options.ServerDropTimeout : sentAt + _options.CloseHandshakeTimeout;
                    var now = DateTime.UtcNow;
                    if (now >= due)
                    {
                        var why = handshakeDone
                            ? $"the server did not close the TCP connection within {_options.ServerDropTimeout.TotalSeconds:0.#} s of the closing handshake"
                            : $"the server did not answer the close frame within {_options.CloseHandshakeTimeout.TotalSeconds:0.#} s";
                        _transcript.Add(WireEntryKind.TimerFired, text: $"timer: {why}");
                        _wire.Drop(why);
                        return;
                    }
                    wait = due - now;
                }
                await Task.WhenAny(changed, Task.Delay(wait, cancel));
                cancel.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The events match the one expected list. Under permessage-deflate the reader does not decompress (the scorer
    /// does, from the transcript), so there the number of events decides when the suite may close.
    /// </summary>
    private bool ExpectedEventsArrived()
    {
        var expected = _case.Outcomes[0].Events;
        return _deflate is null ? _state.EventsEqual(expected) : _state.EventCount == expected.Count;
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    private async Task ReadLoopAsync(CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        var handshake = new HandshakeReader(_options.MaxHandshakeBytes);
        var decoder = new FrameDecoder(_options.MaxFramePayload);
        var undecodable = false;
        long received = 0;
        var peerClosed = false;
        var early = _early;
        try
        {
            while (!_wire.IsClosed)
            {
                ReadOnlyMemory<byte> data;
                if (!early.IsEmpty)
                {
                    (data, early) = (early, default);
                }
                else
                {
                    var n = await _wire.ReadAsync(buffer, cancel);
                    if (n == 0)
                    {
                        peerClosed = !_wire.IsClosed;
                        break;
                    }
                    received += n;
                    if (received > _options.MaxReceivedBytes)
                    {
                        _wire.Drop(_role.Worded($"the server sent more than {_options.MaxReceivedBytes} octets in one case"));
                        break;
                    }
                    data = buffer.AsMemory(0, n);
                }
                if (!_state.Handshake.Task.IsCompleted)
                {
                    var outcome = handshake.Append(data.Span, out var response, out var rest, out var error);
                    if (outcome == ResponseParseStatus.NeedMoreData) continue;
                    error ??= response!.ValidateAcceptance(_key);
                    if (error is not null)
                    {
                        _transcript.Add(WireEntryKind.Error, text: error);
                        _state.Handshake.TrySetResult(false);
                        break;
                    }
                    _deflate = DeflateAgreement.Read(_requestHead, response!, out _deflateProblem);
                    _state.Opened(new ClientEndpoint(_deflate, decompress: false));
                    _state.Handshake.TrySetResult(true);
                    data = rest;
                }
                if (undecodable) continue;
                decoder.Append(data.Span);
                while (!_wire.IsClosed)
                {
                    var status = decoder.TryRead(out var frame);
                    if (status == DecodeStatus.NeedMoreData) break;
                    if (status == DecodeStatus.Error)
                    {
                        undecodable = true;
                        await PerformAsync(_state.Undecodable(decoder.Error!), cancel);
                        break;
                    }
                    await PerformAsync(_state.Receive(frame!), cancel);
                    DropIfClosingHandshakeDone();
                }
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            _state.Handshake.TrySetResult(false);
            if (peerClosed) _wire.MarkClosedByPeer();
            _state.NotePeerClosed();
        }
    }

    private async Task PerformAsync(IReadOnlyList<ClientAction> actions, CancellationToken cancel)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendPong pong:
                    await _wire.WriteAsync(_role.Frame(Opcodes.Pong, pong.Payload).Encode(), null, cancel, "pong");
                    break;
                case SendClose close:
                    if (await _wire.WriteAsync(_role.Frame(Opcodes.Close, close.Payload).Encode(), null, cancel,
                            close.FailsTheConnection ? "close: the suite fails the connection" : _role.Worded("close: the reply to the server's close")))
                        CloseWritten();
                    break;
                case DropConnection drop:
                    _wire.Drop(drop.Reason);
                    return;
            }
        }
    }
}
