using Conformance.Engine.Cases;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>
/// What the session's reader and its steps share: the suite as a client (<see cref="ClientEndpoint"/>), the events so
/// far, and when the closing handshake's frames went each way. Every change wakes those waiting for one.
/// </summary>
internal sealed class SessionState
{
    private readonly object _gate = new();
    private readonly List<ConversationEvent> _events = [];
    private TaskCompletionSource _change = NewSignal();
    private ClientEndpoint? _client;
    private bool _closeSentBeforeHandshake;

    public TaskCompletionSource<bool> Handshake { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public DateTime? CloseSentAt { get; private set; }
    public DateTime? CloseReceivedAt { get; private set; }
    public bool PeerClosed { get; private set; }

    /// <summary>The suite plays the client from here on, with what the handshake agreed.</summary>
    public void Opened(ClientEndpoint client) => Update(() =>
    {
        _client = client;
        if (_closeSentBeforeHandshake) client.SuiteSentClose();
    });

    /// <summary>Neither side has started closing: pings are answered and round trips go on.</summary>
    public bool IsOpen
    {
        get { lock (_gate) return !PeerClosed && CloseSentAt is null && CloseReceivedAt is null; }
    }

    public Task NextChange()
    {
        lock (_gate) return _change.Task;
    }

    public int EventCount
    {
        get { lock (_gate) return _events.Count; }
    }

    public bool EventsEqual(IReadOnlyList<ConversationEvent> expected)
    {
        lock (_gate) return _events.Count == expected.Count && _events.SequenceEqual(expected);
    }

    /// <summary>The suite is about to send a close frame of a step's: from now on it is closing.</summary>
    public void NoteCloseSent() => Update(() =>
    {
        CloseSentAt ??= DateTime.UtcNow;
        if (_client is null) _closeSentBeforeHandshake = true;
        else _client.SuiteSentClose();
    });

    /// <summary>Whether the suite may start the closing handshake now (it has not sent nor answered a close); claims it if so.</summary>
    public bool TryClaimCloseSend()
    {
        lock (_gate)
        {
            if (CloseSentAt is not null || CloseReceivedAt is not null || PeerClosed) return false;
            CloseSentAt = DateTime.UtcNow;
            _client?.SuiteSentClose();
        }
        Signal();
        return true;
    }

    /// <summary>A frame from the server, through the client's rules: the events it completes are kept, and what to do is returned.</summary>
    public IReadOnlyList<ClientAction> Receive(DecodedFrame frame) => Apply(client => client.Receive(frame));

    public IReadOnlyList<ClientAction> Undecodable(string error) => Apply(client => client.Undecodable(error));

    private IReadOnlyList<ClientAction> Apply(Func<ClientEndpoint, IReadOnlyList<ClientAction>> receive)
    {
        IReadOnlyList<ClientAction> actions;
        lock (_gate)
        {
            var client = _client ?? throw new InvalidOperationException("frames are read only after the handshake");
            var hadClose = client.ServerClose is not null;
            actions = receive(client);
            if (!hadClose && client.ServerClose is not null) CloseReceivedAt ??= DateTime.UtcNow;
            foreach (var action in actions)
            {
                if (action is DeliverEvent d) _events.Add(d.Event);
                if (action is SendClose) CloseSentAt ??= DateTime.UtcNow;
            }
        }
        Signal();
        return actions;
    }

    public void NotePeerClosed() => Update(() =>
    {
        PeerClosed = true;
        _client?.PeerClosed();
    });

    public void AddMark(string mark) => Update(() => _events.Add(ConversationEvent.MarkEvent(mark)));

    private void Update(Action change)
    {
        lock (_gate) change();
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _change;
            _change = NewSignal();
        }
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
