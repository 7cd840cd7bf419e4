namespace Conformance.Engine.Tests;

public class TranscriptStorageTests
{
    private static int Stored(TranscriptEntry e) => e.Data is null ? -1 : Convert.FromBase64String(e.Data).Length;

    [Test]
    public void Past_the_budget_of_a_direction_octets_are_counted_not_stored()
    {
        var budget = TranscriptEntry.StoredOctetsPerDirection;
        var entries = new List<WireEntry>
        {
            new(1, WireEntryKind.Sent, new byte[budget - 10]),
            new(2, WireEntryKind.Received, new byte[100]),
            new(3, WireEntryKind.Sent, new byte[300]),
            new(4, WireEntryKind.Note, Text: "note"),
        };
        entries.AddRange(Enumerable.Range(0, 20).Select(i => new WireEntry(10 + i, WireEntryKind.Sent, new byte[1000])));
        var stored = TranscriptEntry.Store(entries);

        Assert.That(stored.Take(4).Select(Stored), Is.EqualTo(new[] { budget - 10, 100, 10, -1 }));
        Assert.That(stored[2].Omitted, Is.EqualTo(290));
        Assert.That(stored[3].Text, Is.EqualTo("note"));
        var merged = stored[4];
        Assert.That((Stored(merged), merged.Omitted, merged.Merged), Is.EqualTo((0, 12_000L, 12)), "12 writes left out entirely become one entry");
        var lastOnes = stored.Skip(5).ToList();
        Assert.That(lastOnes, Has.Count.EqualTo(TranscriptEntry.EntriesKeptAtTheEnd));
        Assert.That(lastOnes.Select(Stored), Is.All.EqualTo(TranscriptEntry.StoredOctetsPerEntry), "the last writes keep their heads");
        Assert.That(lastOnes.Select(e => e.Omitted), Is.All.EqualTo(1000 - TranscriptEntry.StoredOctetsPerEntry));
    }

    [Test]
    public void Alternating_reads_and_writes_left_out_become_one_entry_for_each_direction()
    {
        var budget = TranscriptEntry.StoredOctetsPerDirection;
        var entries = new List<WireEntry> { new(1, WireEntryKind.Sent, new byte[budget]), new(2, WireEntryKind.Received, new byte[budget]) };
        for (var i = 0; i < 1000; i++)
        {
            entries.Add(new(10 + 2 * i, WireEntryKind.Sent, new byte[100]));
            entries.Add(new(11 + 2 * i, WireEntryKind.Received, new byte[100]));
        }
        var stored = TranscriptEntry.Store(entries);
        Assert.That(stored, Has.Count.EqualTo(2 + 2 + 2 * TranscriptEntry.EntriesKeptAtTheEnd));
        Assert.That(stored.Skip(2).Take(2).Select(e => (e.Kind, e.Merged, e.Omitted)), Is.EqualTo(new[]
        {
            (WireEntryKind.Sent, (int?)(1000 - TranscriptEntry.EntriesKeptAtTheEnd), (long?)(100 * (1000 - TranscriptEntry.EntriesKeptAtTheEnd))),
            (WireEntryKind.Received, 1000 - TranscriptEntry.EntriesKeptAtTheEnd, 100 * (1000 - TranscriptEntry.EntriesKeptAtTheEnd)),
        }));
    }

    [Test]
    public void A_short_transcript_is_stored_whole()
    {
        var entries = new List<WireEntry> { new(1, WireEntryKind.Sent, [1, 2, 3]), new(2, WireEntryKind.Received, [4, 5]) };
        var stored = TranscriptEntry.Store(entries);
        Assert.That(stored.Select(e => Convert.FromBase64String(e.Data!)), Is.EqualTo(new[] { new byte[] { 1, 2, 3 }, [4, 5] }));
        Assert.That(stored.Select(e => e.Omitted), Is.All.Null);
    }
}
