namespace Conformance.Engine.Wire;

/// <summary>
/// Folds a transcript into its stored form (<see cref="TranscriptEntry"/>) entry by entry, as it is recorded: it holds
/// the octets that will be stored, and of the reads and writes after a direction's allowance only the first octets of
/// those that may turn out to be among the last few, until later ones show they are not.
/// </summary>
public sealed class TranscriptFolder(int storedOctetsPerDirection = TranscriptEntry.StoredOctetsPerDirection)
{
    private readonly List<TranscriptEntry> _stored = [];
    /// <summary>Entries not yet stored, in order: the first of them is still waiting to learn whether it is among the last.</summary>
    private readonly Queue<Pending> _pending = new();
    private readonly List<Pending> _undecided = [];
    private long _sent;
    private long _received;

    private sealed class Pending(long at, WireEntryKind kind, string? text, byte[]? kept, long length, int keep, int? keepIfLast)
    {
        public long At => at;
        public WireEntryKind Kind => kind;
        public string? Text => text;
        /// <summary>The octets that may be stored; null for an entry without octets.</summary>
        public byte[]? Kept => kept;
        public long Length => length;
        public int Keep { get; set; } = keep;
        /// <summary>How many octets are stored should this entry be among the last of its direction; null once decided.</summary>
        public int? KeepIfLast { get; set; } = keepIfLast;
        public int LaterOfItsKind { get; set; }
    }

    public void Add(WireEntry e) => Add(e.AtMicroseconds, e.Kind, e.Bytes, e.Bytes is not null, e.Text);

    public void Add(long at, WireEntryKind kind, ReadOnlySpan<byte> bytes, bool hasBytes, string? text)
    {
        if (!hasBytes)
        {
            _pending.Enqueue(new Pending(at, kind, text, null, 0, 0, null));
            StoreDecided();
            return;
        }
        var countsAsLast = kind is WireEntryKind.Sent or WireEntryKind.Received;
        if (countsAsLast)
        {
            foreach (var earlier in _undecided.Where(p => p.Kind == kind).ToList())
            {
                if (++earlier.LaterOfItsKind < TranscriptEntry.EntriesKeptAtTheEnd) continue;
                earlier.KeepIfLast = null;
                _undecided.Remove(earlier);
            }
        }
        ref var used = ref kind == WireEntryKind.Sent ? ref _sent : ref _received;
        var keep = (int)Math.Min(Math.Max(storedOctetsPerDirection - used, 0), bytes.Length);
        var keepIfLast = countsAsLast
            ? (int)Math.Min(Math.Max(storedOctetsPerDirection - used, TranscriptEntry.StoredOctetsPerEntry), bytes.Length)
            : keep;
        used += keep;
        var pending = new Pending(at, kind, text, bytes[..keepIfLast].ToArray(), bytes.Length, keep, keepIfLast == keep ? null : keepIfLast);
        _pending.Enqueue(pending);
        if (pending.KeepIfLast is not null) _undecided.Add(pending);
        StoreDecided();
    }

    private void StoreDecided()
    {
        while (_pending.TryPeek(out var first) && first.KeepIfLast is null) Store(_stored, _pending.Dequeue(), first.Keep);
    }

    /// <summary>The stored form of what was added so far, those still waiting taken as the last of their directions.</summary>
    public IReadOnlyList<TranscriptEntry> Stored()
    {
        var stored = new List<TranscriptEntry>(_stored);
        foreach (var p in _pending) Store(stored, p, p.KeepIfLast ?? p.Keep);
        return stored;
    }

    private static void Store(List<TranscriptEntry> stored, Pending p, int keep)
    {
        if (p.Kept is null)
        {
            stored.Add(new(p.At, p.Kind, null, p.Text));
            return;
        }
        var omitted = p.Length - keep;
        if (keep == 0 && omitted > 0 && MergeTarget(stored, p.Kind, p.Text) is { } at)
        {
            var last = stored[at];
            stored[at] = last with { Omitted = last.Omitted + omitted, Merged = (last.Merged ?? 1) + 1 };
            return;
        }
        stored.Add(new(p.At, p.Kind, Convert.ToBase64String(p.Kept, 0, keep), p.Text, omitted > 0 ? omitted : null));
    }

    /// <summary>
    /// The left-out entry of this direction, with the same label, that a further left-out read or write joins: the last
    /// entry, or the one before it when the last is a left-out entry of the other direction (a round-trip series
    /// alternates writes and reads, and a thousand of them become two entries).
    /// </summary>
    private static int? MergeTarget(List<TranscriptEntry> stored, WireEntryKind kind, string? text)
    {
        static bool LeftOut(TranscriptEntry e) => e is { Data: "", Omitted: not null };
        if (stored.Count > 0 && LeftOut(stored[^1]) && stored[^1].Kind == kind && stored[^1].Text == text) return stored.Count - 1;
        if (stored.Count > 1 && LeftOut(stored[^1]) && LeftOut(stored[^2]) && stored[^2].Kind == kind && stored[^2].Text == text) return stored.Count - 2;
        return null;
    }
}
