using Conformance.Protocol;

namespace Conformance.Engine.Wire;

public enum EventKind { Message, Pong, Mark }

/// <summary>Something the server caused that a case's expected lists are compared with.</summary>
public sealed record ConversationEvent(EventKind Kind, bool IsBinary, byte[] Payload, string? Mark = null)
{
    public static ConversationEvent Message(bool isBinary, byte[] payload) => new(EventKind.Message, isBinary, payload);
    public static ConversationEvent Pong(byte[] payload) => new(EventKind.Pong, false, payload);
    public static ConversationEvent MarkEvent(string mark) => new(EventKind.Mark, false, [], mark);

    public bool Equals(ConversationEvent? other) =>
        other is not null && Kind == other.Kind && IsBinary == other.IsBinary && Mark == other.Mark &&
        Payload.AsSpan().SequenceEqual(other.Payload);

    public override int GetHashCode() => HashCode.Combine(Kind, IsBinary, Mark, Payload.Length);

    public override string ToString() => Kind switch
    {
        EventKind.Message => $"{(IsBinary ? "binary" : "text")} message ({Payload.Length} octets{Preview()})",
        EventKind.Pong => $"pong ({Payload.Length} octets{Preview()})",
        _ => $"mark {Mark}",
    };

    private string Preview()
    {
        if (Payload.Length == 0) return "";
        var head = Payload.AsSpan(0, Math.Min(Payload.Length, 16));
        var shown = !IsBinary && Utf8Validator.IsValid(Payload)
            ? "\"" + System.Text.Encoding.UTF8.GetString(head) + "\""
            : Convert.ToHexString(head).ToLowerInvariant();
        return ": " + shown + (Payload.Length > 16 ? "…" : "");
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

/// <summary>An event list that says itself in fewer words than event by event (a series of a thousand messages).</summary>
public interface ISummarizedEvents
{
    string Describe();
}
