namespace Conformance.Engine.Running;

/// <summary>
/// The process's memory budget for the cases it runs. A case moves what it moves through short-lived buffers (each
/// frame is decoded by the session and by the transcript's reader), and with many cases at once against a server that
/// floods, the garbage collector lets that garbage pile up with the allocation rate, far past what the cases hold. So
/// while the managed heap is over the budget it is collected (at most a few times a second), and a case starts only
/// once the heap is under the budget again, unless no other case is running.
/// </summary>
public sealed class MemoryBudget
{
    /// <summary>The managed heap a run aims to stay under: with the runtime's own memory, a process under 1 GiB resident.</summary>
    public const long DefaultBytes = 640L * 1024 * 1024;

    public static MemoryBudget Shared { get; } = new(DefaultBytes);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly long _bytes;
    private readonly Timer _watch;
    private long _collectAbove;
    private int _running;

    private MemoryBudget(long bytes)
    {
        _bytes = bytes;
        _collectAbove = bytes;
        _watch = new Timer(_ => CollectIfOver(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Waits until the heap is under the budget (or no case runs), then counts the case as running until disposed.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancel)
    {
        while (Volatile.Read(ref _running) > 0 && GC.GetTotalMemory(forceFullCollection: false) > _bytes)
        {
            CollectIfOver();
            await Task.Delay(Interval, cancel);
        }
        if (Interlocked.Increment(ref _running) == 1) _watch.Change(Interval, Interval);
        return new Leave(this);
    }

    private void CollectIfOver()
    {
        if (GC.GetTotalMemory(forceFullCollection: false) <= Interlocked.Read(ref _collectAbove)) return;
        lock (_watch)
        {
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            var left = GC.GetTotalMemory(forceFullCollection: false);
            if (left > _bytes) GC.Collect(2, GCCollectionMode.Forced, blocking: false);
            // What the cases hold is not garbage: collect again only once the heap has grown by a quarter past it.
            Interlocked.Exchange(ref _collectAbove, Math.Max(_bytes, left + left / 4));
        }
    }

    private sealed class Leave(MemoryBudget budget) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 1) return;
            if (Interlocked.Decrement(ref budget._running) == 0) budget._watch.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
