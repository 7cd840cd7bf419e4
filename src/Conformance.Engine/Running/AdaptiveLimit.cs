namespace Conformance.Engine.Running;

/// <summary>
/// How many cases of one kind run against the target at once, adapted to how fast it answers. A case's answers are
/// the server's answer to its opening handshake and to the suite's close; each is held against a fifth of the timer
/// that waited for it. When one took longer, the server is falling behind and timers would start to race it: the
/// limit halves. Until that first happens the limit doubles with every case answered well within time (from where it
/// started up to the maximum); after it, it grows by one only after <see cref="PatienceAfterCut"/> such cases in a row.
/// A fast server stays at the maximum; a server that serves one connection at a time ends up tested nearly one case
/// at a time, as Autobahn|Testsuite tests every server.
/// </summary>
public sealed class AdaptiveLimit
{
    public const int PatienceAfterCut = 16;

    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly int _maximum;
    private int _limit;
    private int _running;
    private long _judged;
    private long _lastCutAt = -1_000_000;
    private bool _everCut;
    private int _wellInTimeInARow;

    public AdaptiveLimit(int maximum, int start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        _maximum = Lowest = maximum;
        _limit = Math.Clamp(start, 1, maximum);
    }

    /// <summary>The lowest the limit has been cut to in this run (the maximum when it never was).</summary>
    public int Lowest { get; private set; }

    public async Task<IDisposable> EnterAsync(CancellationToken cancel)
    {
        TaskCompletionSource? turn = null;
        lock (_gate)
        {
            if (_running < _limit && _waiting.Count == 0) _running++;
            else _waiting.Enqueue(turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
                    // Handed a slot just as the wait was cancelled: pass it on.
                    if (turn.Task.IsCompletedSuccessfully) { _running--; Admit(); }
                    else turn.TrySetCanceled();
                }
                throw;
            }
        }
        return new Slot(this);
    }

    /// <summary>The server answered, and every answer took at most a twentieth of the timer that waited for it.</summary>
    public static bool WellInTime(IReadOnlyList<(TimeSpan Took, TimeSpan Timer)> answers) =>
        answers.Count > 0 && answers.All(a => Late(a) <= 0.25);

    /// <summary>How late an answer was, against a fifth of its timer: over 1, the server is falling behind.</summary>
    private static double Late((TimeSpan Took, TimeSpan Timer) answer) => answer.Took / (answer.Timer / 5);

    /// <summary>
    /// A case ended; each answer is how long the server took and the timer that waited for it. A case with no answer
    /// to measure (a server that answers nobody) counts as answered in time: running it beside others slows nothing.
    /// </summary>
    /// <returns>Whether the limit was cut: the server fell behind.</returns>
    public bool Judge(IReadOnlyList<(TimeSpan Took, TimeSpan Timer)> answers)
    {
        var worst = answers.Count == 0 ? 0 : answers.Max(Late);
        lock (_gate)
        {
            _judged++;
            if (worst > 1)
            {
                _wellInTimeInARow = 0;
                // One overload shows in every case that was running; cut once for them all.
                if (_judged - _lastCutAt < _limit) return true;
                _limit = Math.Max(1, _limit / 2);
                _lastCutAt = _judged;
                _everCut = true;
                Lowest = Math.Min(Lowest, _limit);
                return true;
            }
            if (worst > 0.25 || _limit >= _maximum) return false;
            _wellInTimeInARow++;
            if (_everCut && _wellInTimeInARow < PatienceAfterCut) return false;
            _wellInTimeInARow = 0;
            _limit = _everCut ? _limit + 1 : Math.Min(_maximum, _limit * 2);
            Admit();
            return false;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            _running--;
            Admit();
        }
    }

    private void Admit()
    {
        while (_running < _limit && _waiting.TryDequeue(out var next))
        {
            if (next.TrySetResult()) _running++;
        }
    }

    private sealed class Slot(AdaptiveLimit owner) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) owner.Leave();
        }
    }
}
