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
    /// <summary>
    /// The WebSocket is a stream of an HTTP/2 connection that other cases' WebSockets share: what follows are the frames
    /// of its stream and the connection's own (stream 0) while it was open, each as it travelled. The text says which connection.
    /// </summary>
    SharedHttp2Stream,
    /// <summary>
    /// The HTTP/2 connection this case's stream shared ended while the stream was open, or the server refused the stream
    /// for the connection's sake (REFUSED_STREAM, ENHANCE_YOUR_CALM) before answering it; the text says which.
    /// </summary>
    SharedConnectionTrouble,
}

/// <summary>One thing that happened on the wire, at a time relative to the start of the session.</summary>
public sealed record WireEntry(long AtMicroseconds, WireEntryKind Kind, byte[]? Bytes = null, string? Text = null);

/// <summary>
/// Every octet in both directions, timestamped, in the order it happened; thread-safe to append to. It is read as it
/// is recorded (<see cref="TranscriptReader"/>) and folded as it is recorded (<see cref="TranscriptFolder"/>), so it
/// holds what will be stored and what the verdicts need, never all that a case moved.
/// </summary>
public sealed class Transcript
{
    private readonly TranscriptReader _reader;
    private readonly TranscriptFolder _folder;
    private readonly long _origin = Stopwatch.GetTimestamp();

    public Transcript(long maxFramePayload = 64L * 1024 * 1024, int storedOctetsPerDirection = TranscriptEntry.StoredOctetsPerDirection)
    {
        StartedAt = DateTimeOffset.UtcNow;
        _reader = new TranscriptReader(maxFramePayload);
        _folder = new TranscriptFolder(storedOctetsPerDirection);
    }

    /// <summary>A transcript recorded before, entry by entry as it happened.</summary>
    public Transcript(DateTimeOffset startedAt, IEnumerable<WireEntry> entries) : this()
    {
        StartedAt = startedAt;
        foreach (var e in entries) Add(e.AtMicroseconds, e.Kind, e.Bytes, e.Bytes is not null, e.Text);
    }

    public DateTimeOffset StartedAt { get; }

    public long ElapsedMicroseconds => (long)Stopwatch.GetElapsedTime(_origin).TotalMicroseconds;

    public void Add(WireEntryKind kind, string? text = null) => Add(ElapsedMicroseconds, kind, default, false, text);

    public void Sent(ReadOnlySpan<byte> bytes, string label) => Add(ElapsedMicroseconds, WireEntryKind.Sent, bytes, true, label);
    public void Received(ReadOnlySpan<byte> bytes) => Add(ElapsedMicroseconds, WireEntryKind.Received, bytes, true, null);
    public void Note(string text) => Add(WireEntryKind.Note, text);

    private void Add(long at, WireEntryKind kind, ReadOnlySpan<byte> bytes, bool hasBytes, string? text)
    {
        lock (_folder)
        {
            _reader.Add(at, kind, bytes, text);
            _folder.Add(at, kind, bytes, hasBytes, text);
        }
    }

    /// <summary>What the transcript says so far (the scorer's facts).</summary>
    public TranscriptReading Reading()
    {
        lock (_folder) return _reader.Reading();
    }

    /// <summary>The transcript as results keep it.</summary>
    public IReadOnlyList<TranscriptEntry> Stored()
    {
        lock (_folder) return _folder.Stored();
    }
}
