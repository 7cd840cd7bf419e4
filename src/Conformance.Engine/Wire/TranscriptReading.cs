using Conformance.Protocol;

namespace Conformance.Engine.Wire;

/// <summary>A frame read back from the transcript, with the index and time of the entry in which its last octet travelled.</summary>
public sealed record WireFrame(int EntryIndex, long AtMicroseconds, DecodedFrame Frame);

/// <summary>
/// How the connection ended, as a client sees it (Autobahn|Testsuite's facts): who started the closing handshake,
/// whether it completed cleanly, who closed TCP, and the server's close code as the client took it.
/// </summary>
public sealed record ClosingFacts(
    bool ClosedBySuite,
    bool WasClean,
    bool DroppedBySuite,
    string? DropReason,
    int? ServerCloseCodeTaken,
    bool ServerClosedTcp,
    bool ServerCloseRefused = false);

/// <summary>When the server's answer to the opening request was complete, or that a timer ran out first.</summary>
/// <param name="RequestAt">The time the opening request's first octet went out; null when nothing was sent.</param>
/// <param name="AnsweredAt">The time the answer's head was complete; null when it never was.</param>
public sealed record HandshakeTiming(long? RequestAt, long? AnsweredAt, bool TimerFirst);

/// <summary>The facts a transcript holds, read from its octets alone (<see cref="TranscriptReader"/>).</summary>
public sealed class TranscriptReading
{
    /// <summary>The side the suite played (the one that sent the first octets played the client).</summary>
    public Role Role { get; init; }
    public string? ConnectionError { get; init; }
    public UpgradeResponse? Response { get; init; }
    /// <summary>The WebSocket was opened with extended CONNECT over HTTP/2 (RFC 8441), not an HTTP/1.1 upgrade.</summary>
    public bool OverHttp2 { get; init; }
    /// <summary>
    /// The HTTP/2 connection the case's stream shared with other cases ended while the stream was open, or the server
    /// refused the stream for the connection's sake: what happened; null otherwise.
    /// </summary>
    public string? SharedConnectionTrouble { get; init; }
    /// <summary>Over HTTP/2: what either side did with the connection's streams (<see cref="Http2StreamLog"/>).</summary>
    public Http2StreamLog? Http2Streams { get; init; }
    /// <summary>Over HTTP/2: the server refused the extended CONNECT's stream with RST_STREAM or GOAWAY instead of answering it.</summary>
    public bool StreamRefused { get; init; }
    /// <summary>The permessage-deflate parameters the handshake agreed, if any.</summary>
    public Protocol.Deflate.DeflateParameters? Deflate { get; init; }
    public string? HandshakeProblem { get; init; }
    /// <summary>The server's first close frame that was read as one (possibly invalid).</summary>
    public WireFrame? FirstServerClose { get; init; }
    /// <summary>The suite's first close frame that starts the closing handshake (a malformed one only provokes the server).</summary>
    public WireFrame? FirstSuiteClose { get; init; }
    public IReadOnlyList<(int EntryIndex, ConversationEvent Event)> Events { get; init; } = [];
    /// <summary>What the server sent that it must not have, in the order the suite met it.</summary>
    public IReadOnlyList<string> ServerViolations { get; init; } = [];
    public ClosingFacts Closing { get; init; } = new(false, false, false, null, null, false);
    public int? PeerClosedAt { get; init; }
    public int? SuiteClosedAt { get; init; }
    public string? SuiteClosedBecause { get; init; }
    public bool DeadlinePassed { get; init; }
    /// <summary>The index of the entry in which the server's first violation travelled, or null.</summary>
    public int? FirstViolationAt { get; init; }
    /// <summary>The index of the first entry at which one of the suite's timers fired (a mark is one), or null.</summary>
    public int? FirstTimerAt { get; init; }
    /// <summary>That first timer's entry (a mark, a timer that fired, the deadline).</summary>
    public WireEntry? FirstTimer { get; init; }
    /// <summary>The index of the last entry at which one of the suite's timers fired (<see cref="WireEntryKind.TimerFired"/>), or null.</summary>
    public int? LastTimerFiredAt { get; init; }
    /// <summary>The index of the entry in which the server's last frame other than a close travelled, or null.</summary>
    public int? LastServerFrameAt { get; init; }
    /// <summary>After the case, whether a normal connection opened (<see cref="WireEntryKind.RecheckPassed"/> or Failed), if that was tried.</summary>
    public WireEntry? Recheck { get; init; }
    public HandshakeTiming HandshakeTiming { get; init; } = new(null, null, false);
    /// <summary>How many entries the transcript has, and the times of its first and last.</summary>
    public int EntryCount { get; init; }
    public long FirstAtMicroseconds { get; init; }
    public long LastAtMicroseconds { get; init; }

    public bool HandshakeCompleted => Response is not null && HandshakeProblem is null;

    public static TranscriptReading Read(IReadOnlyList<WireEntry> entries, long maxFramePayload = 64L * 1024 * 1024)
    {
        using var reader = new TranscriptReader(maxFramePayload);
        foreach (var e in entries) reader.Add(e);
        return reader.Reading();
    }
}
