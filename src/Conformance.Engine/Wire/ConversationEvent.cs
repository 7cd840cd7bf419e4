using System.Security.Cryptography;
using Conformance.Protocol;

namespace Conformance.Engine.Wire;

public enum EventKind { Message, Pong, Mark }

/// <summary>
/// Something the server caused that a case's expected lists are compared with. A payload is kept as its length, its
/// first octets, whether it is UTF-8, and the octets themselves when short, else their SHA-256: a case that moves a
/// thousand large messages holds a few kilobytes of events, not what it moved.
/// </summary>
public sealed class ConversationEvent : IEquatable<ConversationEvent>
{
    private readonly byte[] _head;
    /// <summary>The payload when at most <see cref="PayloadDigest.KeptWhole"/> octets, else its SHA-256.</summary>
    private readonly byte[] _content;
    private readonly bool _isUtf8;

    private ConversationEvent(EventKind kind, bool isBinary, PayloadDigest.Summary payload, string? mark)
    {
        Kind = kind;
        IsBinary = isBinary;
        Length = payload.Length;
        _head = payload.Head;
        _content = payload.Content;
        _isUtf8 = payload.IsUtf8;
        Mark = mark;
    }

    public EventKind Kind { get; }
    public bool IsBinary { get; }
    /// <summary>The payload's length in octets.</summary>
    public long Length { get; }
    public string? Mark { get; }

    public static ConversationEvent Message(bool isBinary, ReadOnlySpan<byte> payload) => Message(isBinary, PayloadDigest.Of(payload));
    public static ConversationEvent Message(bool isBinary, PayloadDigest.Summary payload) => new(EventKind.Message, isBinary, payload, null);
    public static ConversationEvent Pong(ReadOnlySpan<byte> payload) => new(EventKind.Pong, false, PayloadDigest.Of(payload), null);
    public static ConversationEvent MarkEvent(string mark) => new(EventKind.Mark, false, PayloadDigest.Of([]), mark);

    public bool Equals(ConversationEvent? other) =>
        other is not null && Kind == other.Kind && IsBinary == other.IsBinary && Mark == other.Mark && Length == other.Length &&
        _content.AsSpan().SequenceEqual(other._content);

    public override bool Equals(object? obj) => Equals(obj as ConversationEvent);

    public override int GetHashCode() => HashCode.Combine(Kind, IsBinary, Mark, Length);

    public override string ToString() => Kind switch
    {
        EventKind.Message => $"{(IsBinary ? "binary" : "text")} message ({Length} octets{Preview()})",
        EventKind.Pong => $"pong ({Length} octets{Preview()})",
        _ => $"mark {Mark}",
    };

    private string Preview()
    {
        if (Length == 0) return "";
        var shown = !IsBinary && _isUtf8
            ? "\"" + System.Text.Encoding.UTF8.GetString(_head) + "\""
            : Convert.ToHexString(_head).ToLowerInvariant();
        return ": " + shown + (Length > _head.Length ? "…" : "");
    }

    /// <summary>The events in words, a run of equal events once with its count ("text message (0 octets) ×1000").</summary>
    public static string Describe(IReadOnlyList<ConversationEvent> events)
    {
        if (events is ISummarizedEvents summarized) return summarized.Describe();
        if (events.Count == 0) return "nothing";
        var parts = new List<string>();
        for (var i = 0; i < events.Count;)
        {
            var run = 1;
            while (i + run < events.Count && events[i + run].Equals(events[i])) run++;
            parts.Add(run == 1 ? events[i].ToString() : $"{events[i]} ×{run}");
            i += run;
        }
        return parts.Count <= 12
            ? string.Join(", ", parts)
            : $"{string.Join(", ", parts.Take(5))}, … ({events.Count} events in all) …, {string.Join(", ", parts.TakeLast(2))}";
    }
}

/// <summary>A payload fed a piece at a time, summed up the way an event keeps it (<see cref="ConversationEvent"/>).</summary>
public sealed class PayloadDigest
{
    /// <summary>Payloads up to this many octets are kept whole; longer ones by their SHA-256.</summary>
    public const int KeptWhole = 64;
    public const int HeadLength = 16;

    public sealed record Summary(long Length, byte[] Head, byte[] Content, bool IsUtf8);

    private readonly byte[] _first = new byte[KeptWhole];
    private IncrementalHash? _hash;
    private Utf8Validator _utf8;

    public long Length { get; private set; }

    public static Summary Of(ReadOnlySpan<byte> payload)
    {
        var digest = new PayloadDigest();
        digest.Append(payload);
        return digest.Finish();
    }

    public void Append(ReadOnlySpan<byte> octets)
    {
        if (octets.IsEmpty) return;
        _utf8.Feed(octets);
        if (Length < KeptWhole) octets[..(int)Math.Min(octets.Length, KeptWhole - Length)].CopyTo(_first.AsSpan((int)Length));
        if (_hash is null && Length + octets.Length > KeptWhole)
        {
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _hash.AppendData(_first, 0, (int)Length);
        }
        _hash?.AppendData(octets);
        Length += octets.Length;
    }

    public Summary Finish()
    {
        var kept = (int)Math.Min(Length, KeptWhole);
        byte[] content;
        if (_hash is null)
        {
            content = _first.AsSpan(0, kept).ToArray();
        }
        else
        {
            content = _hash.GetHashAndReset();
            _hash.Dispose();
        }
        return new Summary(Length, _first.AsSpan(0, (int)Math.Min(Length, HeadLength)).ToArray(), content, _utf8.Status == Utf8Status.Valid);
    }
}

/// <summary>An event list that says itself in fewer words than event by event (a series of a thousand messages).</summary>
public interface ISummarizedEvents
{
    string Describe();
}
