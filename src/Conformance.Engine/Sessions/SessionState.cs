using Conformance.Engine.Cases;

namespace Conformance.Engine.Sessions;

/// <summary>What the session's reader and its steps share: the events so far and the progress of the closing handshake.</summary>
internal sealed class SessionState
{
    private readonly object _gate = new();
    private readonly List<ConversationEvent> _events = [];
    private TaskCompletionSource _change = NewSignal();

    public TaskCompletionSource<bool> Handshake { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public DateTime? CloseSentAt { get; private set; }
    public DateTime? CloseReceivedAt { get; private set; }
    public bool PeerClosed { get; private set; }

    /// <summary>
    /// Either side has started closing: further sends would be pointless, and after its own close frame the suite may send
    /// no more data frames (RFC 6455 5.5.1), so a round-trip series stops waiting for echoes that cannot come.
    /// </summary>
    public bool ConnectionEnding
    {
        get { lock (_gate) return PeerClosed || CloseReceivedAt is not null || CloseSentAt is not null; }
    }

    public Task NextChange()
    {
        lock (_gate) return _change.Task;
    }

    public void AddEvent(ConversationEvent ev) => Update(() => _events.Add(ev));

    public int EventCount
    {
        get { lock (_gate) return _events.Count; }
    }

    public bool EventsEqual(IReadOnlyList<ConversationEvent> expected)
    {
        lock (_gate) return _events.Count == expected.Count && _events.SequenceEqual(expected);
    }

    public bool TryClaimCloseSend()
    {
        lock (_gate)
        {
            if (CloseSentAt is not null) return false;
            CloseSentAt = DateTime.UtcNow;
        }
        Signal();
        return true;
    }

    public void NoteCloseSent() => Update(() => CloseSentAt ??= DateTime.UtcNow);
    public void NoteCloseReceived() => Update(() => CloseReceivedAt ??= DateTime.UtcNow);
    public void NotePeerClosed() => Update(() => PeerClosed = true);

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
