using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Conformance.Engine.Wire;

/// <summary>What one transcript entry records; stored by its name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WireEntryKind>))]
public enum WireEntryKind
{
    /// <summary>Octets the suite wrote, as one write; the text says what they are (the request, a step, a pong, a close).</summary>
    Sent,
    /// <summary>Octets the suite read, as one read.</summary>
    Received,
    /// <summary>A wait step's mark, recorded while the connection was open.</summary>
    Mark,
    /// <summary>The server closed (or reset) the TCP connection.</summary>
    PeerClosed,
    /// <summary>The suite closed the TCP connection; the text says why.</summary>
    ClosedBySuite,
    /// <summary>The connection could not be made or broke; the text says how.</summary>
    Error,
    /// <summary>The case's deadline passed before it ended.</summary>
    Deadline,
    /// <summary>After the case, a normal connection to the target opened (on a connection of its own).</summary>
    RecheckPassed,
    /// <summary>After the case, a normal connection to the target could not be opened; the text says why.</summary>
    RecheckFailed,
    /// <summary>One of the suite's timers ran out (the case's end timer, a closing-handshake or opening-handshake timeout); the text says which and what followed.</summary>
    TimerFired,
    /// <summary>Anything else worth reading (a step was skipped, the case was run again).</summary>
    Note,
}

/// <summary>One thing that happened on the wire, at a time relative to the start of the session.</summary>
public sealed record WireEntry(long AtMicroseconds, WireEntryKind Kind, byte[]? Bytes = null, string? Text = null);

/// <summary>Every octet in both directions, timestamped, in the order it happened; thread-safe to append to.</summary>
public sealed class Transcript
{
    private readonly List<WireEntry> _entries = [];
    private readonly long _origin = Stopwatch.GetTimestamp();

    public Transcript() => StartedAt = DateTimeOffset.UtcNow;

    public Transcript(DateTimeOffset startedAt, IEnumerable<WireEntry> entries)
    {
        StartedAt = startedAt;
        _entries.AddRange(entries);
    }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<WireEntry> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public long ElapsedMicroseconds => (long)Stopwatch.GetElapsedTime(_origin).TotalMicroseconds;

    public void Add(WireEntryKind kind, byte[]? bytes = null, string? text = null)
    {
        lock (_entries) _entries.Add(new WireEntry(ElapsedMicroseconds, kind, bytes, text));
    }

    public void Sent(ReadOnlySpan<byte> bytes, string label) => Add(WireEntryKind.Sent, bytes.ToArray(), label);
    public void Received(ReadOnlySpan<byte> bytes) => Add(WireEntryKind.Received, bytes.ToArray());
    public void Note(string text) => Add(WireEntryKind.Note, text: text);
}
