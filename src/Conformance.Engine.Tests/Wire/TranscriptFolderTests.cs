namespace Conformance.Engine.Tests;

/// <summary>The stored form made entry by entry, as a transcript is recorded, against the same rules applied to the whole.</summary>
public class TranscriptFolderTests
{
    [Test]
    public void Folding_as_recorded_stores_what_folding_the_whole_transcript_stores([Values(0, 300, 4096, 65536)] int budget)
    {
        var random = new Random(budget + 1);
        for (var round = 0; round < 300; round++)
        {
            var entries = RandomTranscript(random);
            var folder = new TranscriptFolder(budget);
            foreach (var e in entries) folder.Add(e);
            Assert.That(folder.Stored(), Is.EqualTo(WholeFold(entries, budget)), $"round {round}, {entries.Count} entries");
        }
    }

    [Test]
    public void A_folder_fed_a_gigabyte_holds_kilobytes()
    {
        var folder = new TranscriptFolder();
        var piece = new byte[64 * 1024];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 8 * 1024; i++)
        {
            folder.Add(new WireEntry(i, WireEntryKind.Sent, piece, "step 1"));
            folder.Add(new WireEntry(i, WireEntryKind.Received, piece));
        }
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(folder);
        Assert.That(held, Is.LessThan(1024 * 1024), "the first 64 KiB of each direction, the heads of the last reads and writes");
        Assert.That(folder.Stored(), Has.Count.EqualTo(2 + 2 + 2 * TranscriptEntry.EntriesKeptAtTheEnd));
    }

    private static List<WireEntry> RandomTranscript(Random random)
    {
        var kinds = new[] { WireEntryKind.Sent, WireEntryKind.Received, WireEntryKind.Sent, WireEntryKind.Received, WireEntryKind.Note, WireEntryKind.Mark };
        var labels = new[] { "step 1", "step 2", "pong", null };
        var entries = new List<WireEntry>();
        var count = random.Next(0, 60);
        for (var i = 0; i < count; i++)
        {
            var kind = kinds[random.Next(kinds.Length)];
            if (kind is WireEntryKind.Note or WireEntryKind.Mark)
            {
                entries.Add(new WireEntry(i, kind, null, "note"));
                continue;
            }
            var length = random.Next(4) switch { 0 => random.Next(0, 10), 1 => random.Next(200, 300), 2 => random.Next(1000, 5000), _ => random.Next(20_000, 70_000) };
            var bytes = new byte[length];
            random.NextBytes(bytes);
            entries.Add(new WireEntry(i, kind, bytes, kind == WireEntryKind.Sent ? labels[random.Next(labels.Length)] : null));
        }
        return entries;
    }

    /// <summary>The rules applied to the whole transcript at once, knowing which reads and writes are the last.</summary>
    private static List<TranscriptEntry> WholeFold(IReadOnlyList<WireEntry> entries, int budget)
    {
        var lastOnes = new HashSet<int>();
        foreach (var kind in new[] { WireEntryKind.Sent, WireEntryKind.Received })
        {
            for (int i = entries.Count - 1, kept = 0; i >= 0 && kept < TranscriptEntry.EntriesKeptAtTheEnd; i--)
                if (entries[i].Kind == kind && entries[i].Bytes is not null) { lastOnes.Add(i); kept++; }
        }
        long sent = 0, received = 0;
        var stored = new List<TranscriptEntry>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Bytes is null)
            {
                stored.Add(new(e.AtMicroseconds, e.Kind, null, e.Text));
                continue;
            }
            ref var used = ref e.Kind == WireEntryKind.Sent ? ref sent : ref received;
            var allowance = Math.Max(budget - used, lastOnes.Contains(i) ? TranscriptEntry.StoredOctetsPerEntry : 0);
            var keep = (int)Math.Min(allowance, e.Bytes.Length);
            used += keep;
            var omitted = e.Bytes.Length - keep;
            var leftOut = (TranscriptEntry s) => s is { Data: "", Omitted: not null };
            int? at = null;
            if (keep == 0 && omitted > 0)
            {
                if (stored.Count > 0 && leftOut(stored[^1]) && stored[^1].Kind == e.Kind && stored[^1].Text == e.Text) at = stored.Count - 1;
                else if (stored.Count > 1 && leftOut(stored[^1]) && leftOut(stored[^2]) && stored[^2].Kind == e.Kind && stored[^2].Text == e.Text) at = stored.Count - 2;
            }
            if (at is { } target)
            {
                stored[target] = stored[target] with { Omitted = stored[target].Omitted + omitted, Merged = (stored[target].Merged ?? 1) + 1 };
                continue;
            }
            stored.Add(new(e.AtMicroseconds, e.Kind, Convert.ToBase64String(e.Bytes, 0, keep), e.Text, omitted > 0 ? omitted : null));
        }
        return stored;
    }
}
