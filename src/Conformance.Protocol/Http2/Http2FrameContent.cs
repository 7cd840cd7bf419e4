using System.Buffers.Binary;

namespace Conformance.Protocol.Http2;

/// <summary>What a frame's payload says, read by the rules of its type (RFC 9113 section 6), padding removed.</summary>
public abstract record Http2FrameContent
{
    /// <summary>
    /// Reads a frame's payload, or says which rule of RFC 9113 section 6 (or RFC 8441 3) the frame breaks.
    /// Extension frame types are returned as <see cref="UnknownContent"/>, to be ignored (RFC 9113 4.1, 5.5).
    /// </summary>
    public static (Http2FrameContent? Content, Http2Error? Error) Read(Http2Frame frame)
    {
        if (!frame.IsKnownType) return (new UnknownContent(frame.Type, frame.Payload), null);
        var error = StreamRule(frame) ?? LengthRule(frame);
        if (error is not null) return (null, error);
        if (frame.HasFlag(Http2Flags.Padded) && frame.Payload.Length == 0
            && frame.KnownType is Http2FrameType.Data or Http2FrameType.Headers or Http2FrameType.PushPromise)
            return (null, new Http2Error(Http2ErrorCode.FrameSizeError, "RFC 9113 4.2", $"{frame.KnownType} with PADDED set has no Pad Length field"));
        var payload = frame.Payload.AsSpan();
        switch (frame.KnownType)
        {
            case Http2FrameType.Data:
                return Unpad(frame) is (int start, int end) ? (new DataContent(frame.Payload[start..end], frame.HasFlag(Http2Flags.EndStream)), null)
                    : (null, PaddingError(frame, "6.1"));
            case Http2FrameType.Headers:
                if (Unpad(frame) is not (int hStart, int hEnd)) return (null, PaddingError(frame, "6.2"));
                Http2PriorityFields? priority = null;
                if (frame.HasFlag(Http2Flags.Priority))
                {
                    if (hEnd - hStart < 5) return (null, new Http2Error(Http2ErrorCode.FrameSizeError, "RFC 9113 4.2", "HEADERS with PRIORITY set is too short for the priority fields"));
                    priority = PriorityAt(payload[hStart..]);
                    hStart += 5;
                }
                return (new HeadersContent(priority, frame.Payload[hStart..hEnd], frame.HasFlag(Http2Flags.EndStream), frame.HasFlag(Http2Flags.EndHeaders)), null);
            case Http2FrameType.Priority:
                return (new PriorityContent(PriorityAt(payload)), null);
            case Http2FrameType.RstStream:
                return (new RstStreamContent((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload)), null);
            case Http2FrameType.Settings:
                return ReadSettings(frame);
            case Http2FrameType.PushPromise:
                if (Unpad(frame) is not (int pStart, int pEnd)) return (null, PaddingError(frame, "6.6"));
                if (pEnd - pStart < 4) return (null, new Http2Error(Http2ErrorCode.FrameSizeError, "RFC 9113 4.2", "PUSH_PROMISE too short for its Promised Stream ID"));
                return (new PushPromiseContent(BinaryPrimitives.ReadUInt32BigEndian(payload[pStart..]) & 0x7fff_ffff, frame.Payload[(pStart + 4)..pEnd],
                    frame.HasFlag(Http2Flags.EndHeaders)), null);
            case Http2FrameType.Ping:
                return (new PingContent(BinaryPrimitives.ReadUInt64BigEndian(payload), frame.HasFlag(Http2Flags.Ack)), null);
            case Http2FrameType.GoAway:
                return (new GoAwayContent(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fff_ffff,
                    (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]), frame.Payload[8..]), null);
            case Http2FrameType.WindowUpdate:
                var increment = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fff_ffff;
                if (increment == 0)
                    return (null, new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.9", "a WINDOW_UPDATE with an increment of 0",
                        frame.StreamId, ConnectionError: frame.StreamId == 0));
                return (new WindowUpdateContent(increment), null);
            default:
                return (new ContinuationContent(frame.Payload, frame.HasFlag(Http2Flags.EndHeaders)), null);
        }
    }

    private static Http2Error? StreamRule(Http2Frame frame)
    {
        var (section, onStream) = frame.KnownType switch
        {
            Http2FrameType.Data => ("6.1", true),
            Http2FrameType.Headers => ("6.2", true),
            Http2FrameType.Priority => ("6.3", true),
            Http2FrameType.RstStream => ("6.4", true),
            Http2FrameType.Settings => ("6.5", false),
            Http2FrameType.PushPromise => ("6.6", true),
            Http2FrameType.Ping => ("6.7", false),
            Http2FrameType.GoAway => ("6.8", false),
            Http2FrameType.WindowUpdate => ("6.9", (bool?)null),
            _ => ("6.10", (bool?)true),
        };
        if (onStream == true && frame.StreamId == 0)
            return new Http2Error(Http2ErrorCode.ProtocolError, $"RFC 9113 {section}", $"{frame.KnownType} on stream 0");
        if (onStream == false && frame.StreamId != 0)
            return new Http2Error(Http2ErrorCode.ProtocolError, $"RFC 9113 {section}", $"{frame.KnownType} on stream {frame.StreamId}, not 0");
        return null;
    }

    private static Http2Error? LengthRule(Http2Frame frame)
    {
        int length = frame.Payload.Length;
        var (section, fits) = frame.KnownType switch
        {
            Http2FrameType.Priority => ("6.3", length == 5),
            Http2FrameType.RstStream => ("6.4", length == 4),
            Http2FrameType.Settings => ("6.5", frame.HasFlag(Http2Flags.Ack) ? length == 0 : length % 6 == 0),
            Http2FrameType.Ping => ("6.7", length == 8),
            Http2FrameType.GoAway => ("6.8", length >= 8),
            Http2FrameType.WindowUpdate => ("6.9", length == 4),
            _ => ("", true),
        };
        if (fits) return null;
        // A PRIORITY of the wrong length is a stream error (RFC 9113 6.3); the others end the connection.
        bool priority = frame.KnownType == Http2FrameType.Priority;
        return new Http2Error(Http2ErrorCode.FrameSizeError, $"RFC 9113 {section}", $"{frame.KnownType} with a payload of {length} octets",
            frame.StreamId, ConnectionError: !priority);
    }

    /// <summary>Where the content lies between the pad-length octet and the padding; null when the padding does not fit.</summary>
    private static (int Start, int End)? Unpad(Http2Frame frame)
    {
        if (!frame.HasFlag(Http2Flags.Padded)) return (0, frame.Payload.Length);
        int padLength = frame.Payload[0];
        return padLength >= frame.Payload.Length ? null : (1, frame.Payload.Length - padLength);
    }

    private static Http2Error PaddingError(Http2Frame frame, string section) =>
        new(Http2ErrorCode.ProtocolError, $"RFC 9113 {section}", $"{frame.KnownType} whose padding is as long as its payload or longer");

    private static Http2PriorityFields PriorityAt(ReadOnlySpan<byte> fields)
    {
        var dependency = BinaryPrimitives.ReadUInt32BigEndian(fields);
        return new Http2PriorityFields((dependency & 0x8000_0000) != 0, dependency & 0x7fff_ffff, fields[4]);
    }

    private static (Http2FrameContent?, Http2Error?) ReadSettings(Http2Frame frame)
    {
        var settings = new List<(ushort, uint)>();
        for (int i = 0; i < frame.Payload.Length; i += 6)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(i));
            var value = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(i + 2));
            var error = (Http2SettingId)id switch
            {
                Http2SettingId.EnablePush when value > 1 => new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.5.2", $"SETTINGS_ENABLE_PUSH {value}"),
                Http2SettingId.InitialWindowSize when value > Http2Limits.LargestWindowSize =>
                    new Http2Error(Http2ErrorCode.FlowControlError, "RFC 9113 6.5.2", $"SETTINGS_INITIAL_WINDOW_SIZE {value}"),
                Http2SettingId.MaxFrameSize when value is < Http2Limits.DefaultMaxFrameSize or > Http2Limits.LargestMaxFrameSize =>
                    new Http2Error(Http2ErrorCode.ProtocolError, "RFC 9113 6.5.2", $"SETTINGS_MAX_FRAME_SIZE {value}"),
                Http2SettingId.EnableConnectProtocol when value > 1 =>
                    new Http2Error(Http2ErrorCode.ProtocolError, "RFC 8441 3", $"SETTINGS_ENABLE_CONNECT_PROTOCOL {value}"),
                _ => null,
            };
            if (error is not null) return (null, error);
            settings.Add((id, value));
        }
        return (new SettingsContent(settings, frame.HasFlag(Http2Flags.Ack)), null);
    }
}

public sealed record DataContent(byte[] Data, bool EndStream) : Http2FrameContent;

public sealed record HeadersContent(Http2PriorityFields? Priority, byte[] BlockFragment, bool EndStream, bool EndHeaders) : Http2FrameContent;

public sealed record PriorityContent(Http2PriorityFields Priority) : Http2FrameContent;

public sealed record RstStreamContent(Http2ErrorCode Code) : Http2FrameContent;

/// <summary>The settings in the order sent; an unknown identifier is kept (and ignored by the receiver, RFC 9113 6.5.2).</summary>
public sealed record SettingsContent(IReadOnlyList<(ushort Id, uint Value)> Settings, bool Ack) : Http2FrameContent;

public sealed record PushPromiseContent(uint PromisedStreamId, byte[] BlockFragment, bool EndHeaders) : Http2FrameContent;

public sealed record PingContent(ulong OpaqueData, bool Ack) : Http2FrameContent;

public sealed record GoAwayContent(uint LastStreamId, Http2ErrorCode Code, byte[] DebugData) : Http2FrameContent;

public sealed record WindowUpdateContent(uint Increment) : Http2FrameContent;

public sealed record ContinuationContent(byte[] BlockFragment, bool EndHeaders) : Http2FrameContent;

public sealed record UnknownContent(byte Type, byte[] Payload) : Http2FrameContent;
