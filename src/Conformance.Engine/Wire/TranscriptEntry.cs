namespace Conformance.Engine.Wire;

/// <summary>
/// A transcript entry as stored: time in microseconds, kind, octets (base64) or text. Verdicts are scored on the
/// whole transcript; what is stored is folded so that a 16 MiB echo or 16,384 chopped writes do not make results of
/// hundreds of megabytes: the first <see cref="StoredOctetsPerDirection"/> octets of each direction are kept whole,
/// and of the reads or writes after that only the last few keep their first <see cref="StoredOctetsPerEntry"/>
/// octets (the end of a conversation, where the closing handshake is). Omitted counts the octets left out;
/// consecutive reads or writes left out entirely become one entry, Merged saying how many (also when reads and
/// writes alternate, as in a round-trip series: then one entry for each direction).
/// </summary>
public sealed record TranscriptEntry(long T, WireEntryKind Kind, string? Data, string? Text, long? Omitted = null, int? Merged = null)
{
    public const int StoredOctetsPerDirection = 64 * 1024;
    public const int StoredOctetsPerEntry = 256;
    public const int EntriesKeptAtTheEnd = 8;

    public static IReadOnlyList<TranscriptEntry> Store(IReadOnlyList<WireEntry> entries)
    {
        var lastOnes = new HashSet<int>();
        foreach (var kind in new[] { WireEntryKind.Sent, WireEntryKind.Received })
        {
            for (int i = entries.Count - 1, kept = 0; i >= 0 && kept < EntriesKeptAtTheEnd; i--)
                if (entries[i].Kind == kind && entries[i].Bytes is not null) { lastOnes.Add(i); kept++; }
        }
        long sent = 0, received = 0;
        var stored = new List<TranscriptEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Bytes is null)
            {
                stored.Add(new(e.AtMicroseconds, e.Kind, null, e.Text));
                continue;
            }
            ref var used = ref e.Kind == WireEntryKind.Sent ? ref sent : ref received;
            var allowance = Math.Max(StoredOctetsPerDirection - used, lastOnes.Contains(i) ? StoredOctetsPerEntry : 0);
            var keep = (int)Math.Min(allowance, e.Bytes.Length);
            used += keep;
            var omitted = e.Bytes.Length - keep;
            if (keep == 0 && omitted > 0 && MergeTarget(stored, e.Kind, e.Text) is { } at)
            {
                var last = stored[at];
                stored[at] = last with { Omitted = last.Omitted + omitted, Merged = (last.Merged ?? 1) + 1 };
                continue;
            }
            stored.Add(new(e.AtMicroseconds, e.Kind, Convert.ToBase64String(e.Bytes, 0, keep), e.Text,
                omitted > 0 ? omitted : null));
        }
        return stored;
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
