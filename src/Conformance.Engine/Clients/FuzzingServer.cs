using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Clients;

/// <summary>
/// The suite as a server for WebSocket clients, speaking the URL protocol of Autobahn|Testsuite's fuzzingserver so
/// that existing client drivers run unchanged: /getCaseCount (a text message with the number of cases, then a close),
/// /getCaseInfo?case=N (JSON with the case's id and description), /runCase?case=N&amp;agent=A (case N, 1-based in the
/// catalogue's order, played with the client, which echoes every message), /getCaseStatus?case=N&amp;agent=A (JSON with
/// the behaviour verdict, once the agent has played the case), /updateReports?agent=A (the reports are written, then a close). Each case is played by
/// <see cref="Session"/> as the server and scored by <see cref="Scorer"/> from its transcript, as against servers.
/// </summary>
public sealed class FuzzingServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<CaseDefinition> _cases;
    private readonly RunOptions _options;
    private readonly Func<Task> _updateReports;
    private readonly Action<string, CaseResult>? _onResult;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, CaseResult>> _results = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstSeen = new();
    /// <summary>Completed, and replaced, at each result (under the lock of _results).</summary>
    private TaskCompletionSource _scored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The agents that have asked for the reports, and a signal replaced at each request.</summary>
    private readonly HashSet<string> _reported = [];
    private TaskCompletionSource _reportRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _connections = [];
    /// <summary>The cases being played: a case goes on after the client has closed (its timers, its scoring), and its result must be in before a status or the reports are given.</summary>
    private readonly List<Task> _playing = [];
    /// <summary>
    /// One case at a time, whichever agent asked: a case's timers then never race another case for the machine, so a
    /// verdict a timer decided is the client's alone (the suite cannot play a client's case again on its own, as the
    /// runner does against servers; the client starts each case). A /runCase waits here before its answer.
    /// </summary>
    private readonly SemaphoreSlim _oneCaseAtATime = new(1, 1);
    private Task _accepting = Task.CompletedTask;

    private FuzzingServer(TcpListener listener, IReadOnlyList<CaseDefinition> cases, RunOptions options, Func<Task> updateReports, Action<string, CaseResult>? onResult)
    {
        _listener = listener;
        _cases = cases;
        _options = options;
        _updateReports = updateReports;
        _onResult = onResult;
    }

    /// <summary>Listens on the address and port (0: a free one) and serves until disposed.</summary>
    /// <param name="updateReports">Writes the reports of the results so far; called for each /updateReports before its close.</param>
    /// <param name="onResult">Each case's result as it is scored, with the agent that ran it.</param>
    /// <exception cref="SocketException">The address cannot be listened on.</exception>
    public static FuzzingServer Start(IPAddress address, int port, IReadOnlyList<CaseDefinition> cases, RunOptions options,
        Func<Task> updateReports, Action<string, CaseResult>? onResult = null)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        var server = new FuzzingServer(listener, cases, options, updateReports, onResult);
        server._accepting = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>ws://, or wss:// when the options give a server certificate.</summary>
    public Uri Url => new($"{(_options.Session.ServerCertificate is null ? "ws" : "wss")}://{(IPEndPoint)_listener.LocalEndpoint}/");

    /// <summary>Completes once a client has asked for the reports (/updateReports) and they are written.</summary>
    public Task ReportsUpdated => ReportsUpdatedByAsync(1, CancellationToken.None);

    /// <summary>Completes once that many client agents have each asked for the reports (/updateReports) and they are written.</summary>
    public async Task ReportsUpdatedByAsync(int agents, CancellationToken cancel)
    {
        while (true)
        {
            Task requested;
            lock (_reported)
            {
                if (_reported.Count >= agents) return;
                requested = _reportRequested.Task;
            }
            await requested.WaitAsync(cancel);
        }
    }

    /// <summary>The results so far: each agent (in the order they first ran a case) and its cases in the catalogue's order.</summary>
    public IReadOnlyList<(string Agent, DateTimeOffset StartedAt, IReadOnlyList<CaseResult> Cases)> Results() =>
        _results.OrderBy(a => _firstSeen[a.Key])
            .Select(a => (a.Key, _firstSeen[a.Key], (IReadOnlyList<CaseResult>)a.Value.Values.OrderBy(r => r.Id, CaseIdComparer.Instance).ToList()))
            .ToList();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var accepted = await AcceptedConnection.ReadAsync(client, _options.Session, _stop.Token);
        if (accepted is null) return;
        try
        {
            switch (accepted.Path)
            {
                case "/runCase":
                    var playing = RunCaseAsync(accepted);
                    lock (_playing) _playing.Add(playing);
                    await playing;
                    break;
                case "/getCaseCount":
                    await AnswerAsync(accepted, _cases.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "/getCaseInfo" when CaseOf(accepted) is { } info:
                    await AnswerAsync(accepted, JsonSerializer.Serialize(new { id = info.Id, description = info.Title }));
                    break;
                case "/getCaseStatus" when CaseOf(accepted) is { } asked && accepted.Query("agent") is { Length: > 0 } agent:
                    // As Autobahn's fuzzingserver does, a case the agent has not played yet is answered once it has.
                    await AnswerAsync(accepted, async () => JsonSerializer.Serialize(new { behavior = (await ResultAsync(agent, asked.Id)).Behavior.Word() }));
                    break;
                case "/updateReports" when accepted.Query("agent") is { Length: > 0 } reporting:
                    await CasesPlayedAsync();
                    await _updateReports();
                    await AnswerAsync(accepted, (string?)null);
                    TaskCompletionSource signal;
                    lock (_reported)
                    {
                        _reported.Add(reporting);
                        (signal, _reportRequested) = (_reportRequested, new(TaskCreationOptions.RunContinuationsAsynchronously));
                    }
                    signal.TrySetResult();
                    break;
                default:
                    await RefuseAsync(accepted, "404 Not Found", $"{accepted.Path} is not one of /getCaseCount, /getCaseInfo?case=N, /runCase?case=N&agent=A, /getCaseStatus?case=N&agent=A, /updateReports?agent=A, or a parameter is missing or out of range (cases 1 to {_cases.Count})");
                    break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            accepted.Wire.Drop("the exchange ended");
            await accepted.Wire.DisposeAsync();
        }
    }

    /// <summary>The agent's result of the case, once it has one.</summary>
    private async Task<CaseResult> ResultAsync(string agent, string id)
    {
        while (true)
        {
            Task scored;
            lock (_results) scored = _scored.Task;
            if (_results.TryGetValue(agent, out var cases) && cases.TryGetValue(id, out var result)) return result;
            await scored.WaitAsync(_stop.Token);
        }
    }

    /// <summary>Waits until every case being played has its result.</summary>
    private async Task CasesPlayedAsync()
    {
        Task[] playing;
        lock (_playing)
        {
            _playing.RemoveAll(t => t.IsCompleted);
            playing = [.. _playing];
        }
        await Task.WhenAll(playing);
    }

    /// <summary>The case the request's case parameter names (1-based), or null.</summary>
    private CaseDefinition? CaseOf(AcceptedConnection accepted) =>
        int.TryParse(accepted.Query("case"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        && n >= 1 && n <= _cases.Count ? _cases[n - 1] : null;

    private async Task RunCaseAsync(AcceptedConnection accepted)
    {
        if (CaseOf(accepted) is not { } @case || accepted.Query("agent") is not { Length: > 0 } agent)
        {
            await RefuseAsync(accepted, "404 Not Found", $"/runCase needs case=N (1 to {_cases.Count}) and agent=NAME");
            return;
        }
        _firstSeen.TryAdd(agent, DateTimeOffset.UtcNow);
        await _oneCaseAtATime.WaitAsync(_stop.Token);
        try
        {
            await Session.ServeAsync(@case, _options.Session, accepted, _options.BudgetFor(@case), _stop.Token);
        }
        finally
        {
            _oneCaseAtATime.Release();
        }
        if (_stop.IsCancellationRequested) return;
        var score = Scorer.Score(@case, accepted.Transcript.Reading());
        if (score.DecidedByTimer is { } timer)
            score = score with { Reason = $"{score.Reason}; a timer decided this verdict ({timer}), with no other case playing meanwhile, as the suite plays one client case at a time" };
        var result = CaseResult.From(@case, accepted.Transcript, score);
        _results.GetOrAdd(agent, _ => new())[@case.Id] = result;
        TaskCompletionSource scored;
        lock (_results) (scored, _scored) = (_scored, new(TaskCreationOptions.RunContinuationsAsynchronously));
        scored.TrySetResult();
        _onResult?.Invoke(agent, result);
    }

    /// <summary>A control exchange: the 101, the message if any, a close; the client's close is awaited for a moment, then TCP is closed.</summary>
    private Task AnswerAsync(AcceptedConnection accepted, string? message) => AnswerAsync(accepted, () => Task.FromResult(message));

    /// <summary>A control exchange whose message is known only later (the 101 goes out at once).</summary>
    private async Task AnswerAsync(AcceptedConnection accepted, Func<Task<string?>> later)
    {
        var wire = accepted.Wire;
        var cancel = _stop.Token;
        if (accepted.Request.Refusal() is { } refusal)
        {
            await wire.WriteAsync(Encoding.ASCII.GetBytes(refusal), null, cancel, "refusal");
            return;
        }
        await wire.WriteAsync(Encoding.ASCII.GetBytes(accepted.Request.SwitchingProtocols()), null, cancel, "101");
        var message = await later();
        if (message is not null) await wire.WriteAsync(Role.Server.Frame(Opcodes.Text, Encoding.UTF8.GetBytes(message)).Encode(), null, cancel, "answer");
        await wire.WriteAsync(Role.Server.Frame(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, [])).Encode(), null, cancel, "close");
        // The client's close (or its end of TCP) is read for at most the close handshake's timeout; nothing is judged here.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        wait.CancelAfter(_options.Session.CloseHandshakeTimeout);
        var decoder = new FrameDecoder(ClosePayload.MaxLength + 1024);
        var buffer = new byte[4096];
        decoder.Append(accepted.Early.Span);
        try
        {
            while (true)
            {
                while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
                    if (frame!.Header.Opcode == Opcodes.Close) return;
                if (decoder.Error is not null) return;
                var n = await wire.ReadAsync(buffer, wait.Token);
                if (n == 0) return;
                decoder.Append(buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
        }
    }

    private static async Task RefuseAsync(AcceptedConnection accepted, string status, string why)
    {
        var body = Encoding.UTF8.GetBytes(why + "\n");
        var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await accepted.Wire.WriteAsync((byte[])[.. Encoding.ASCII.GetBytes(head), .. body], null, CancellationToken.None, "refusal");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open);
        _stop.Dispose();
        _oneCaseAtATime.Dispose();
    }
}
