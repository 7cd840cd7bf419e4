namespace Conformance.Engine.Wire;

/// <summary>
/// A transcript entry as stored: time in microseconds, kind, octets (base64) or text. Verdicts are scored on the
/// whole transcript; what is stored is folded so that a 16 MiB echo or 16,384 chopped writes do not make results of
/// hundreds of megabytes: the first <see cref="StoredOctetsPerDirection"/> octets of each direction (by default) are kept whole,
/// and of the reads or writes after that only the last few keep their first <see cref="StoredOctetsPerEntry"/>
/// octets (the end of a conversation, where the closing handshake is). Omitted counts the octets left out;
/// consecutive reads or writes left out entirely become one entry, Merged saying how many (also when reads and
/// writes alternate, as in a round-trip series: then one entry for each direction).
/// </summary>
public sealed record TranscriptEntry(long T, WireEntryKind Kind, string? Data, string? Text, long? Omitted = null, int? Merged = null)
{
    public const int StoredOctetsPerDirection = 16 * 1024;
    public const int StoredOctetsPerEntry = 256;
    public const int EntriesKeptAtTheEnd = 8;

    /// <summary>The stored form of a whole transcript (<see cref="TranscriptFolder"/>).</summary>
    public static IReadOnlyList<TranscriptEntry> Store(IReadOnlyList<WireEntry> entries, int storedOctetsPerDirection = StoredOctetsPerDirection)
    {
        var folder = new TranscriptFolder(storedOctetsPerDirection);
        foreach (var e in entries) folder.Add(e);
        return folder.Stored();
    }
}
