using System.Buffers.Binary;

namespace Conformance.Protocol.Http2;

/// <summary>
/// One HTTP/2 frame as it is on the wire (RFC 9113 4.1): the type and flags octets as they are, the 32-bit
/// stream field with its reserved bit, and the payload with any padding still in it.
/// </summary>
public sealed record Http2Frame(byte Type, byte Flags, uint StreamField, byte[] Payload)
{
    public Http2Frame(Http2FrameType type, byte flags, uint streamId, byte[] payload)
        : this((byte)type, flags, streamId, payload) { }

    public Http2FrameType KnownType => (Http2FrameType)Type;

    public bool IsKnownType => Type <= (byte)Http2FrameType.Continuation;

    /// <summary>The stream identifier, without the reserved bit (which a receiver ignores).</summary>
    public uint StreamId => StreamField & 0x7fff_ffff;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    public int EncodedLength => Http2Limits.FrameHeaderLength + Payload.Length;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Http2FrameEncoder.WriteHeader(bytes, Payload.Length, Type, Flags, StreamField);
        Payload.CopyTo(bytes, Http2Limits.FrameHeaderLength);
        return bytes;
    }

    public override string ToString() =>
        $"{(IsKnownType ? KnownType.ToString() : $"type 0x{Type:x2}")} stream {StreamId} flags 0x{Flags:x2} length {Payload.Length}";
}

/// <summary>
/// Builds frames from raw fields, so that what a conforming client never sends (a wrong length, a stream
/// identifier where none belongs, padding longer than the frame) can be sent as well.
/// </summary>
public static class Http2FrameEncoder
{
    /// <summary>Writes the 9-octet frame header; the length is whatever the caller says, up to 24 bits.</summary>
    public static void WriteHeader(Span<byte> destination, int length, byte type, byte flags, uint streamField)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Http2Limits.LargestMaxFrameSize);
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], streamField);
    }

    public static byte[] Header(int length, byte type, byte flags, uint streamField)
    {
        var header = new byte[Http2Limits.FrameHeaderLength];
        WriteHeader(header, length, type, flags, streamField);
        return header;
    }

    /// <summary>The padded form of RFC 9113 6.1: a pad-length octet, the content, then that many zero octets.</summary>
    public static byte[] Padded(ReadOnlySpan<byte> content, byte padLength)
    {
        var payload = new byte[1 + content.Length + padLength];
        payload[0] = padLength;
        content.CopyTo(payload.AsSpan(1));
        return payload;
    }

    public static Http2Frame Data(uint streamId, ReadOnlySpan<byte> data, bool endStream = false, byte? padLength = null) =>
        new(Http2FrameType.Data, (byte)((endStream ? Http2Flags.EndStream : 0) | (padLength is null ? 0 : Http2Flags.Padded)),
            streamId, padLength is { } pad ? Padded(data, pad) : data.ToArray());

    public static Http2Frame Headers(uint streamId, ReadOnlySpan<byte> blockFragment, bool endStream, bool endHeaders,
        Http2PriorityFields? priority = null, byte? padLength = null)
    {
        var content = priority is { } p ? [.. PriorityFields(p), .. blockFragment] : blockFragment.ToArray();
        var flags = (endStream ? Http2Flags.EndStream : 0) | (endHeaders ? Http2Flags.EndHeaders : 0)
                    | (priority is null ? 0 : Http2Flags.Priority) | (padLength is null ? 0 : Http2Flags.Padded);
        return new(Http2FrameType.Headers, (byte)flags, streamId, padLength is { } pad ? Padded(content, pad) : content);
    }

    public static Http2Frame Continuation(uint streamId, ReadOnlySpan<byte> blockFragment, bool endHeaders) =>
        new(Http2FrameType.Continuation, endHeaders ? Http2Flags.EndHeaders : (byte)0, streamId, blockFragment.ToArray());

    public static Http2Frame Priority(uint streamId, Http2PriorityFields priority) =>
        new(Http2FrameType.Priority, 0, streamId, PriorityFields(priority));

    public static Http2Frame RstStream(uint streamId, Http2ErrorCode code) =>
        new(Http2FrameType.RstStream, 0, streamId, UInt32((uint)code));

    public static Http2Frame Settings(params IReadOnlyList<(Http2SettingId Id, uint Value)> settings)
    {
        var payload = new byte[6 * settings.Count];
        for (int i = 0; i < settings.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6 * i), (ushort)settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(6 * i + 2), settings[i].Value);
        }
        return new(Http2FrameType.Settings, 0, 0, payload);
    }

    public static Http2Frame SettingsAck() => new(Http2FrameType.Settings, Http2Flags.Ack, 0, []);

    public static Http2Frame PushPromise(uint streamId, uint promisedStreamId, ReadOnlySpan<byte> blockFragment, bool endHeaders) =>
        new(Http2FrameType.PushPromise, endHeaders ? Http2Flags.EndHeaders : (byte)0, streamId, [.. UInt32(promisedStreamId), .. blockFragment]);

    public static Http2Frame Ping(ulong opaqueData, bool ack = false)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, opaqueData);
        return new(Http2FrameType.Ping, ack ? Http2Flags.Ack : (byte)0, 0, payload);
    }

    public static Http2Frame GoAway(uint lastStreamId, Http2ErrorCode code, ReadOnlySpan<byte> debugData = default) =>
        new(Http2FrameType.GoAway, 0, 0, [.. UInt32(lastStreamId), .. UInt32((uint)code), .. debugData]);

    public static Http2Frame WindowUpdate(uint streamId, uint increment) =>
        new(Http2FrameType.WindowUpdate, 0, streamId, UInt32(increment));

    private static byte[] PriorityFields(Http2PriorityFields priority) =>
        [.. UInt32(priority.Dependency | (priority.Exclusive ? 0x8000_0000u : 0)), priority.Weight];

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}

/// <summary>The priority fields of HEADERS and PRIORITY (RFC 9113 5.3.2, deprecated but still on the wire); Weight is the octet, one less than the weight.</summary>
public readonly record struct Http2PriorityFields(bool Exclusive, uint Dependency, byte Weight);
