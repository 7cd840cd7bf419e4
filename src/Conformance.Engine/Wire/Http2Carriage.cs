using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

/// <summary>
/// How a transcript carries its WebSocket over HTTP/2 (RFC 8441): on a connection of its own, of which it holds every
/// octet from the suite's connection preface on; or as a stream of a connection other cases' WebSockets shared
/// (<see cref="WireEntryKind.SharedHttp2Stream"/>), of which it holds that stream's frames and the connection's own.
/// The WebSocket's stream is the one the suite's first HEADERS opened.
/// </summary>
public sealed record Http2Carriage(bool Shared, uint Stream)
{
    /// <summary>The stream a client's first request opens (RFC 9113 5.1.1): a WebSocket's on a connection of its own.</summary>
    public const uint FirstStream = 1;

    /// <summary>The suite's side starts with the client connection preface (only on a connection of the case's own).</summary>
    public bool SuiteSendsPreface => !Shared;

    /// <summary>From stored entries; null when the WebSocket did not travel over HTTP/2.</summary>
    public static Http2Carriage? Of(IReadOnlyList<TranscriptEntry> entries)
    {
        var shared = entries.Any(e => e.Kind == WireEntryKind.SharedHttp2Stream);
        var sent = entries.Where(e => e.Kind == WireEntryKind.Sent && !string.IsNullOrEmpty(e.Data)).Select(e => Convert.FromBase64String(e.Data!)).ToList();
        if (!shared && (sent.Count == 0 || !sent[0].AsSpan().StartsWith(Http2Limits.ClientPreface))) return null;
        return new Http2Carriage(shared, FirstHeadersStream(sent) ?? FirstStream);
    }

    /// <summary>The stream of the first HEADERS frame in the suite's writes, each a run of whole frames (after the preface).</summary>
    private static uint? FirstHeadersStream(IEnumerable<byte[]> writes)
    {
        foreach (var write in writes)
        {
            var octets = write.AsSpan();
            if (octets.StartsWith(Http2Limits.ClientPreface)) octets = octets[Http2Limits.ClientPreface.Length..];
            while (octets.Length >= Http2Limits.FrameHeaderLength)
            {
                if (octets[3] == (byte)Http2FrameType.Headers)
                    return (uint)(octets[5] << 24 | octets[6] << 16 | octets[7] << 8 | octets[8]) & 0x7fff_ffff;
                octets = octets[Math.Min(octets.Length, Http2Limits.FrameHeaderLength + (octets[0] << 16 | octets[1] << 8 | octets[2]))..];
            }
        }
        return null;
    }
}
