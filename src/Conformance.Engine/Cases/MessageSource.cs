using System.Collections;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Cases;

/// <summary>Where the messages of a round-trip series come from: one payload every time, or successive slices of a corpus.</summary>
public abstract record MessageSource
{
    public abstract int Length { get; }
    public abstract ReadOnlyMemory<byte> At(int index);
    public abstract string Describe();
}

public sealed record FixedMessage(byte[] Payload) : MessageSource
{
    public override int Length => Payload.Length;
    public override ReadOnlyMemory<byte> At(int index) => Payload;
    public override string Describe() => $"a message of {Payload.Length} octet(s)";
}

public sealed record CorpusSlices(Corpus Corpus, int SliceLength) : MessageSource
{
    public override int Length => SliceLength;
    public override ReadOnlyMemory<byte> At(int index) => Corpus.Slice(index, SliceLength);
    public override string Describe() => $"successive {SliceLength}-octet slices of {Corpus.Name} ({Corpus.Title})";
}

/// <summary>
/// The expected echoes of a series as a list of events made on demand, so a case expecting a thousand 128 KiB
/// messages does not hold them from the moment the catalogue is loaded; each is digested once, when first compared.
/// </summary>
public sealed class MessageSeriesEvents(MessageSource source, int count, bool isBinary) : IReadOnlyList<ConversationEvent>, ISummarizedEvents
{
    private ConversationEvent?[]? _made;

    public int Count => count;

    public ConversationEvent this[int index]
    {
        get
        {
            if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index));
            var made = _made ??= new ConversationEvent?[count];
            return made[index] ??= ConversationEvent.Message(isBinary, source.At(index).Span);
        }
    }

    public IEnumerator<ConversationEvent> GetEnumerator()
    {
        for (var i = 0; i < count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public string Describe() => $"{count} {(isBinary ? "binary" : "text")} message(s): {source.Describe()}, each echoed as sent";
}
