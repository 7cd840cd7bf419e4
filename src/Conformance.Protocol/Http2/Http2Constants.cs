namespace Conformance.Protocol.Http2;

/// <summary>The frame types of RFC 9113 section 6; any other octet is an extension type, kept as it is.</summary>
public enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>The flag bits of RFC 9113 section 6; which ones mean something depends on the frame type.</summary>
public static class Http2Flags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

/// <summary>The error codes of RFC 9113 section 7.</summary>
public enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    SettingsTimeout = 0x4,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
    CompressionError = 0x9,
    ConnectError = 0xa,
    EnhanceYourCalm = 0xb,
    InadequateSecurity = 0xc,
    Http11Required = 0xd,
}

/// <summary>The settings of RFC 9113 section 6.5.2 and RFC 8441 section 3.</summary>
public enum Http2SettingId : ushort
{
    HeaderTableSize = 0x1,
    EnablePush = 0x2,
    MaxConcurrentStreams = 0x3,
    InitialWindowSize = 0x4,
    MaxFrameSize = 0x5,
    MaxHeaderListSize = 0x6,
    EnableConnectProtocol = 0x8,
}

public static class Http2Limits
{
    public const int FrameHeaderLength = 9;

    /// <summary>SETTINGS_MAX_FRAME_SIZE's initial value and its smallest allowed value (RFC 9113 4.2, 6.5.2).</summary>
    public const int DefaultMaxFrameSize = 16_384;

    /// <summary>The largest frame payload a 24-bit length can announce, and SETTINGS_MAX_FRAME_SIZE's largest value.</summary>
    public const int LargestMaxFrameSize = (1 << 24) - 1;

    /// <summary>The initial flow-control window of a connection and of each stream (RFC 9113 6.9.2).</summary>
    public const int DefaultWindowSize = 65_535;

    /// <summary>The largest window and window increment (RFC 9113 6.9.1).</summary>
    public const int LargestWindowSize = int.MaxValue;

    /// <summary>The connection preface a client sends first (RFC 9113 3.4), before its SETTINGS frame.</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;
}

/// <summary>
/// What the peer did wrong: the error code the RFC gives it, the section that says so, and whether it ends the
/// whole connection or only its stream.
/// </summary>
public sealed record Http2Error(Http2ErrorCode Code, string Section, string Reason, uint StreamId = 0, bool ConnectionError = true)
{
    public override string ToString() =>
        $"{Section}: {Reason} ({(ConnectionError ? "connection" : $"stream {StreamId}")} error {Code})";
}
