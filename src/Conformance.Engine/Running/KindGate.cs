namespace Conformance.Engine.Running;

/// <summary>
/// Lets cases of one kind run together but never beside cases of the other kind: the cases that move megabytes keep a
/// server busy for seconds, and must not overlap the half-second timers of the cases that move a few octets. First
/// come, first served: a case of the other kind waits for the ones running, and those arriving after it wait for it.
/// </summary>
public sealed class KindGate
{
    private readonly object _gate = new();
    private readonly Queue<(bool Bulk, TaskCompletionSource Turn)> _waiting = new();
    private bool _runningBulk;
    private int _running;

    public async Task<IDisposable> EnterAsync(bool bulk, CancellationToken cancel)
    {
        TaskCompletionSource? turn = null;
        lock (_gate)
        {
            if (_waiting.Count == 0 && (_running == 0 || _runningBulk == bulk))
            {
                _runningBulk = bulk;
                _running++;
            }
            else
            {
                turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Enqueue((bulk, turn));
            }
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
                    if (turn.Task.IsCompletedSuccessfully) Leave();
                    else turn.TrySetCanceled();
                }
                throw;
            }
        }
        return new Pass(this);
    }

    private void Leave()
    {
        lock (_gate)
        {
            _running--;
            while (_waiting.TryPeek(out var next))
            {
                if (next.Turn.Task.IsCanceled) { _waiting.Dequeue(); continue; }
                if (_running > 0 && next.Bulk != _runningBulk) break;
                _waiting.Dequeue();
                _runningBulk = next.Bulk;
                _running++;
                next.Turn.TrySetResult();
            }
        }
    }

    private sealed class Pass(KindGate owner) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) owner.Leave();
        }
    }
}
