using System.Text;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

/// <summary>
/// The opening of a WebSocket over HTTP/2 (RFC 8441 4, 5): the extended CONNECT the suite sends, and the judgement
/// of the server's answer by the same rules as over HTTP/1.1, where they still apply (subprotocol, extensions).
/// </summary>
public static class ExtendedConnect
{
    /// <summary>The request's header list: the pseudo-header fields of RFC 8441 4, then the regular fields of RFC 8441 5.</summary>
    public static List<HeaderField> Request(string scheme, string authority, string path, IEnumerable<KeyValuePair<string, string>> fields) =>
    [
        new(":method", "CONNECT"), new(":protocol", "websocket"), new(":scheme", scheme), new(":path", path), new(":authority", authority),
        new("sec-websocket-version", "13"), .. fields.Select(f => new HeaderField(f.Key.ToLowerInvariant(), f.Value)),
    ];

    /// <summary>The request's regular fields as the lines of a head, for the rules written for HTTP/1.1 heads.</summary>
    public static string Head(IReadOnlyList<HeaderField> request)
    {
        var head = new StringBuilder($"{Value(request, ":method")} {Value(request, ":path")} HTTP/2\r\n");
        foreach (var f in request.Where(f => !f.Name.StartsWith(':'))) head.Append($"{f.Name}: {f.Value}\r\n");
        return head.ToString();
    }

    /// <summary>The answer's regular fields with its :status (0 when it has none or it is not a number).</summary>
    public static UpgradeResponse Response(IReadOnlyList<HeaderField> answer) =>
        UpgradeResponse.FromHeaderList("HTTP/2", int.TryParse(Value(answer, ":status"), out var status) ? status : 0,
            answer.Where(f => !f.Name.StartsWith(':')).Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>
    /// Why a client must not take the answer as an open WebSocket, or null when it may; with the permessage-deflate
    /// parameters agreed. RFC 8441 5: a 2xx status opens the tunnel; Sec-WebSocket-Key and -Accept are not used, so
    /// no accept value is checked; a subprotocol or extension the request did not offer fails it as over HTTP/1.1.
    /// </summary>
    public static string? Judge(IReadOnlyList<HeaderField> request, UpgradeResponse answer, out DeflateParameters? deflate, out string? deflateProblem)
    {
        deflate = null;
        deflateProblem = null;
        if (answer.StatusCode is < 200 or > 299)
            return $"RFC 8441 5: the server answered the extended CONNECT with :status {(answer.StatusCode == 0 ? "(none)" : answer.StatusCode)}, not 2xx";
        var head = Head(request);
        var protocol = answer.GetHeader("Sec-WebSocket-Protocol");
        var offered = Elements(head, "Sec-WebSocket-Protocol");
        if (protocol is not null && !offered.Contains(protocol, StringComparer.Ordinal))
            return offered.Count == 0
                ? $"the server chose the subprotocol \"{protocol}\", but the client offered none (RFC 6455 4.1, RFC 8441 5)"
                : $"the server chose the subprotocol \"{protocol}\", which the client did not offer (RFC 6455 4.1, RFC 8441 5)";
        deflate = DeflateAgreement.Read(head, answer, out deflateProblem);
        return null;
    }

    private static List<string> Elements(string head, string name) =>
        DeflateAgreement.RequestHeaders(head, name).SelectMany(v => v.Split(',')).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();

    private static string Value(IReadOnlyList<HeaderField> fields, string name) => fields.FirstOrDefault(f => f.Name == name).Value ?? "";
}

/// <summary>
/// The opening of a WebSocket over HTTP/2 read from a transcript: the suite's extended CONNECT and the server's
/// answer on the WebSocket's stream, or how the server refused it before answering (RST_STREAM, GOAWAY, broken framing).
/// The WebSocket's stream is the one the suite's first HEADERS opens. On a shared connection the transcript starts at
/// the stream: the preface and the server's first SETTINGS were read when the connection opened.
/// </summary>
internal sealed class Http2Opening(bool shared)
{
    /// <summary>How much a server may send before it answers; the transcript is held whole until then.</summary>
    public const int LongestWait = 1024 * 1024;
    private readonly DirectionReader _suite = DirectionReader.OverHttp2(FrameDecoder.LargestPayloadLength, carriesPreface: !shared);
    private readonly DirectionReader _server = DirectionReader.OverHttp2(FrameDecoder.LargestPayloadLength, carriesPreface: false);
    private long? _requestAt;
    private long _received;
    private bool _settingsRead = shared;

    public bool Shared { get; } = shared;

    /// <summary>The WebSocket's stream, once the suite's HEADERS opened it.</summary>
    public uint? Stream { get; private set; }

    public IReadOnlyList<HeaderField>? Request { get; private set; }
    public IReadOnlyList<HeaderField>? Answer { get; private set; }
    /// <summary>What ended the opening without an answer: the server's RST_STREAM or GOAWAY, or framing that could not be read.</summary>
    public string? Refusal { get; private set; }
    /// <summary>The server refused the stream before answering it: RST_STREAM on it, or GOAWAY (RFC 9113 8.1.1, 5.4).</summary>
    public bool RefusedByFrame { get; private set; }
    public long? AnsweredAt { get; private set; }

    public bool Decided => Answer is not null || Refusal is not null;

    public HandshakeTiming Timing => new(_requestAt, AnsweredAt, false);

    public void Feed(long at, WireEntryKind kind, ReadOnlySpan<byte> bytes)
    {
        if (Decided || bytes.IsEmpty || kind is not (WireEntryKind.Sent or WireEntryKind.Received)) return;
        var direction = kind == WireEntryKind.Sent ? _suite : _server;
        if (direction == _server && (_received += bytes.Length) > LongestWait)
        {
            Refusal = $"the server sent more than {LongestWait} octets without answering the extended CONNECT";
            return;
        }
        if (direction == _server && _received == bytes.Length && bytes.StartsWith("HTTP/"u8))
        {
            var line = System.Text.Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 64)]).Split('\r', '\n')[0];
            Refusal = $"the server answered in HTTP/1 (\"{line}\"), not with HTTP/2 frames: it does not take HTTP/2 with prior knowledge (RFC 9113 3.3)";
            return;
        }
        direction.Append(bytes);
        while (!Decided)
        {
            var status = direction.TryRead(out _);
            if (status == DirectionStatus.NeedMoreData) return;
            if (status == DirectionStatus.Undecodable)
            {
                if (direction == _server) Refusal = $"the server's HTTP/2 frames could not be read: {direction.Error}";
                return;
            }
            if (status != DirectionStatus.Http2Frame) continue;
            var read = direction.Http2Frame!;
            if (direction == _suite)
            {
                if (read.Headers is { } request && Request is null) (Request, _requestAt, Stream) = (request, at, read.Frame.StreamId);
                continue;
            }
            switch (read.Content)
            {
                case SettingsContent { Ack: false } settings when !_settingsRead:
                    _settingsRead = true;
                    if (!settings.Settings.Any(s => s.Id == (ushort)Http2SettingId.EnableConnectProtocol && s.Value == 1))
                        Refusal = "RFC 8441 3: the server's first SETTINGS do not set SETTINGS_ENABLE_CONNECT_PROTOCOL to 1; it does not serve WebSockets over HTTP/2";
                    break;
                case HeadersContent or ContinuationContent when read.Frame.StreamId == Stream && Stream is not null && read.Headers is { } answer:
                    if (answer.FirstOrDefault(f => f.Name == ":status").Value is ['1', _, _] && !read.Frame.HasFlag(Http2Flags.EndStream)) break;
                    (Answer, AnsweredAt) = (answer, at);
                    break;
                case RstStreamContent r when read.Frame.StreamId == Stream && Stream is not null:
                    Refusal = $"the server reset the stream without answering: RST_STREAM {Http2FrameRead.ErrorName(r.Code)}";
                    RefusedByFrame = true;
                    break;
                case GoAwayContent g:
                    Refusal = $"the server ended the connection without answering: GOAWAY {Http2FrameRead.ErrorName(g.Code)}";
                    RefusedByFrame = true;
                    break;
            }
        }
    }
}
