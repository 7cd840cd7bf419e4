using Conformance.Engine.Results;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Tests;

public class TranscriptStorageTests
{
    [Test]
    public void Past_the_budget_of_a_direction_each_entry_keeps_its_head_and_counts_the_rest()
    {
        var budget = TranscriptEntry.StoredOctetsPerDirection;
        var entries = new List<WireEntry>
        {
            new(1, WireEntryKind.Sent, new byte[budget - 10]),
            new(2, WireEntryKind.Received, new byte[100]),
            new(3, WireEntryKind.Sent, new byte[300]),
            new(4, WireEntryKind.Note, Text: "note"),
            new(5, WireEntryKind.Sent, new byte[5]),
            new(6, WireEntryKind.Sent, new byte[1000]),
        };
        var stored = TranscriptEntry.Store(entries);
        Assert.That(stored.Select(e => e.Data is null ? -1 : Convert.FromBase64String(e.Data).Length), Is.EqualTo(new[] { budget - 10, 100, 256, -1, 5, 256 }));
        Assert.That(stored.Select(e => e.Omitted), Is.EqualTo(new long?[] { null, null, 44, null, null, 744 }));
        Assert.That(stored[3].Text, Is.EqualTo("note"));
    }
}
