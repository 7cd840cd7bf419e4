using Conformance.Engine.Results;
using Conformance.Engine.Sessions;

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
    public void A_short_transcript_is_stored_whole()
    {
        var entries = new List<WireEntry> { new(1, WireEntryKind.Sent, [1, 2, 3]), new(2, WireEntryKind.Received, [4, 5]) };
        var stored = TranscriptEntry.Store(entries);
        Assert.That(stored.Select(e => Convert.FromBase64String(e.Data!)), Is.EqualTo(new[] { new byte[] { 1, 2, 3 }, [4, 5] }));
        Assert.That(stored.Select(e => e.Omitted), Is.All.Null);
    }
}
