namespace Conformance.Engine.Running;

/// <summary>
/// Keeps cases of one kind from running beside cases of the other once the server has shown it falls behind: the cases
/// that move megabytes keep a slow server busy for seconds, and must then not overlap the half-second timers of the
/// cases that move a few octets. Until then both kinds run together (a server that keeps up is not slowed by either).
/// Kept apart, it is first come, first served: a case of the other kind waits for the ones running, and those arriving
/// after it wait for it.
/// </summary>
public sealed class KindGate
{
    private readonly object _gate = new();
    private readonly Queue<(bool Bulk, TaskCompletionSource Turn)> _waiting = new();
    private readonly int[] _running = new int[2];
    private bool _apart;

    /// <summary>From now on, for the rest of the run, the two kinds never run at once.</summary>
    public void KeepApart()
    {
        lock (_gate) _apart = true;
    }

    public async Task<IDisposable> EnterAsync(bool bulk, CancellationToken cancel)
    {
        TaskCompletionSource? turn = null;
        lock (_gate)
        {
            if (_waiting.Count == 0 && CanRun(bulk)) _running[Index(bulk)]++;
            else _waiting.Enqueue((bulk, turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }
        if (turn is not null)
        {
            try
            {
                await turn.Task.WaitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    if (turn.Task.IsCompletedSuccessfully) Leave(bulk);
                    else turn.TrySetCanceled();
                }
                throw;
            }
        }
        return new Pass(this, bulk);
    }

    private static int Index(bool bulk) => bulk ? 1 : 0;

    private bool CanRun(bool bulk) => !_apart || _running[Index(!bulk)] == 0;

    private void Leave(bool bulk)
    {
        lock (_gate)
        {
            _running[Index(bulk)]--;
            while (_waiting.TryPeek(out var next))
            {
                if (next.Turn.Task.IsCanceled) { _waiting.Dequeue(); continue; }
                if (!CanRun(next.Bulk)) break;
                _waiting.Dequeue();
                _running[Index(next.Bulk)]++;
                next.Turn.TrySetResult();
            }
        }
    }

    private sealed class Pass(KindGate owner, bool bulk) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) owner.Leave(bulk);
        }
    }
}
