using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

/// <summary>
/// One HTTP/2 frame of a direction as it travelled, read by its type's rules: the header list its header block
/// decoded to (on the frame that ended the block), or why its payload or block could not be read.
/// </summary>
public sealed record Http2FrameRead(Http2Frame Frame, Http2FrameContent? Content, IReadOnlyList<HeaderField>? Headers, string? Problem)
{
    /// <summary>RFC 9113's name of a frame type.</summary>
    public static string TypeName(byte type) => type switch
    {
        0x0 => "DATA",
        0x1 => "HEADERS",
        0x2 => "PRIORITY",
        0x3 => "RST_STREAM",
        0x4 => "SETTINGS",
        0x5 => "PUSH_PROMISE",
        0x6 => "PING",
        0x7 => "GOAWAY",
        0x8 => "WINDOW_UPDATE",
        0x9 => "CONTINUATION",
        _ => $"type 0x{type:x2}",
    };

    /// <summary>The flags set, by the names the frame's type gives them.</summary>
    public static IEnumerable<string> FlagNames(Http2Frame frame)
    {
        var type = frame.IsKnownType ? frame.KnownType : (Http2FrameType?)null;
        if (frame.HasFlag(0x1))
            yield return type is Http2FrameType.Settings or Http2FrameType.Ping ? "ACK" : type is Http2FrameType.Data or Http2FrameType.Headers ? "END_STREAM" : "0x01";
        if (frame.HasFlag(Http2Flags.EndHeaders))
            yield return type is Http2FrameType.Headers or Http2FrameType.Continuation or Http2FrameType.PushPromise ? "END_HEADERS" : "0x04";
        if (frame.HasFlag(Http2Flags.Padded))
            yield return type is Http2FrameType.Data or Http2FrameType.Headers or Http2FrameType.PushPromise ? "PADDED" : "0x08";
        if (frame.HasFlag(Http2Flags.Priority)) yield return type is Http2FrameType.Headers ? "PRIORITY" : "0x20";
        foreach (var other in new byte[] { 0x02, 0x10, 0x40, 0x80 })
            if (frame.HasFlag(other)) yield return $"0x{other:x2}";
    }

    /// <summary>Type, stream, flags and length: "HEADERS · stream 1 · END_HEADERS · 42 octets".</summary>
    public string Summary => string.Join(" · ", new[] { TypeName(Frame.Type), $"stream {Frame.StreamId}" }
        .Concat(FlagNames(Frame)).Append($"{Frame.Payload.Length} octets"));

    /// <summary>What the payload says, in words (the header list, the settings, the error code); empty for DATA.</summary>
    public string Details => Problem ?? Content switch
    {
        _ when Headers is not null => string.Join("\n", Headers.Select(h => $"{h.Name}: {h.Value}")),
        HeadersContent or ContinuationContent => "(the header block goes on in a CONTINUATION frame)",
        SettingsContent { Ack: true } => "",
        SettingsContent s => string.Join(", ", s.Settings.Select(p => $"{SettingName(p.Id)} = {p.Value}")),
        RstStreamContent r => ErrorName(r.Code),
        GoAwayContent g => $"last stream {g.LastStreamId}, {ErrorName(g.Code)}" + (g.DebugData.Length > 0 ? $", debug data \"{System.Text.Encoding.Latin1.GetString(g.DebugData)}\"" : ""),
        WindowUpdateContent w => $"increment {w.Increment}",
        PingContent p => $"opaque data {p.OpaqueData:x16}",
        PriorityContent p => $"depends on {p.Priority.Dependency}{(p.Priority.Exclusive ? " (exclusive)" : "")}, weight {p.Priority.Weight + 1}",
        PushPromiseContent p => $"promised stream {p.PromisedStreamId}",
        _ => "",
    };

    public static string SettingName(ushort id) => id switch
    {
        0x1 => "HEADER_TABLE_SIZE",
        0x2 => "ENABLE_PUSH",
        0x3 => "MAX_CONCURRENT_STREAMS",
        0x4 => "INITIAL_WINDOW_SIZE",
        0x5 => "MAX_FRAME_SIZE",
        0x6 => "MAX_HEADER_LIST_SIZE",
        0x8 => "ENABLE_CONNECT_PROTOCOL",
        _ => $"0x{id:x4}",
    };

    public static string ErrorName(Http2ErrorCode code) => code switch
    {
        Http2ErrorCode.NoError => "NO_ERROR",
        Http2ErrorCode.ProtocolError => "PROTOCOL_ERROR",
        Http2ErrorCode.InternalError => "INTERNAL_ERROR",
        Http2ErrorCode.FlowControlError => "FLOW_CONTROL_ERROR",
        Http2ErrorCode.SettingsTimeout => "SETTINGS_TIMEOUT",
        Http2ErrorCode.StreamClosed => "STREAM_CLOSED",
        Http2ErrorCode.FrameSizeError => "FRAME_SIZE_ERROR",
        Http2ErrorCode.RefusedStream => "REFUSED_STREAM",
        Http2ErrorCode.Cancel => "CANCEL",
        Http2ErrorCode.CompressionError => "COMPRESSION_ERROR",
        Http2ErrorCode.ConnectError => "CONNECT_ERROR",
        Http2ErrorCode.EnhanceYourCalm => "ENHANCE_YOUR_CALM",
        Http2ErrorCode.InadequateSecurity => "INADEQUATE_SECURITY",
        Http2ErrorCode.Http11Required => "HTTP_1_1_REQUIRED",
        _ => $"error 0x{(uint)code:x}",
    };
}
