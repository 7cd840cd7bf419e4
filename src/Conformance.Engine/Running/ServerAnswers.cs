using System.Runtime.InteropServices;
using Conformance.Engine.Scoring;
using Conformance.Protocol;
using Conformance.Engine.Sessions;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Running;

/// <summary>How long the server took to answer, or that a timer ran out first; neither when nothing was asked or the connection ended.</summary>
public readonly record struct ServerAnswer(TimeSpan? Took, bool TimedOut)
{
    public static ServerAnswer None => default;
}

/// <summary>The server's answer times a transcript shows: to the opening handshake, and to the suite's own close.</summary>
public static class ServerAnswers
{
    private const int LongestHead = 64 * 1024;

    /// <summary>From the opening request's first octet out to the end of the answer's head in.</summary>
    public static ServerAnswer Handshake(IReadOnlyList<WireEntry> entries)
    {
        var sent = entries.FirstOrDefault(e => e.Kind == WireEntryKind.Sent);
        if (sent is null) return ServerAnswer.None;
        var head = new List<byte>();
        foreach (var e in entries)
        {
            if (e.Kind == WireEntryKind.TimerFired) return new(null, true);
            if (e.Kind != WireEntryKind.Received || e.Bytes is null) continue;
            head.AddRange(e.Bytes.AsSpan(0, Math.Min(e.Bytes.Length, LongestHead - head.Count)));
            if (HttpHead.Length(CollectionsMarshal.AsSpan(head)) >= 0) return new(TimeSpan.FromMicroseconds(e.AtMicroseconds - sent.AtMicroseconds), false);
            if (head.Count >= LongestHead) return ServerAnswer.None;
        }
        return ServerAnswer.None;
    }

    /// <summary>
    /// From the suite's own first close frame out to the server's close frame in, when the server's came after it (an
    /// answer); timed out when one of the suite's timers ran out after the suite's close and no close came.
    /// </summary>
    public static ServerAnswer Close(IReadOnlyList<WireEntry> entries, TranscriptReading reading)
    {
        if (reading.FirstSuiteClose is not { EntryIndex: var sent }) return ServerAnswer.None;
        if (reading.FirstServerClose is { EntryIndex: var answered })
            return answered > sent ? new(TimeSpan.FromMicroseconds(entries[answered].AtMicroseconds - entries[sent].AtMicroseconds), false) : ServerAnswer.None;
        for (var i = sent + 1; i < entries.Count; i++)
            if (entries[i].Kind == WireEntryKind.TimerFired) return new(null, true);
        return ServerAnswer.None;
    }
}
