namespace Conformance.Protocol;

/// <summary>Close status codes (RFC 6455 7.4 and the IANA WebSocket Close Code Number Registry).</summary>
public static class CloseCodes
{
    public const ushort Normal = 1000,
        GoingAway = 1001,
        ProtocolError = 1002,
        UnsupportedData = 1003,
        NoStatus = 1005,
        Abnormal = 1006,
        InvalidPayload = 1007,
        PolicyViolation = 1008,
        TooBig = 1009,
        MandatoryExtension = 1010,
        InternalError = 1011,
        ServiceRestart = 1012,
        TryAgainLater = 1013,
        BadGateway = 1014,
        TlsHandshake = 1015;

    /// <summary>
    /// Whether an endpoint may put this code in a close frame: 1000-1003, 1007-1014 and 3000-4999.
    /// 1004 is reserved, and 1005, 1006 and 1015 are only for reporting a closure locally.
    /// </summary>
    public static bool IsValidOnWire(int code) =>
        code is >= 1000 and <= 1003 or >= 1007 and <= 1014 or >= 3000 and <= 4999;

    /// <summary>The code and a short description, as "1002 protocol error".</summary>
    public static string Describe(int code) => $"{code} {Meaning(code)}";

    private static string Meaning(int code) => code switch
    {
        Normal => "normal closure",
        GoingAway => "going away",
        ProtocolError => "protocol error",
        UnsupportedData => "unsupported data",
        1004 => "reserved",
        NoStatus => "no status received (never sent on the wire)",
        Abnormal => "abnormal closure (never sent on the wire)",
        InvalidPayload => "invalid frame payload data",
        PolicyViolation => "policy violation",
        TooBig => "message too big",
        MandatoryExtension => "mandatory extension",
        InternalError => "internal error",
        ServiceRestart => "service restart",
        TryAgainLater => "try again later",
        BadGateway => "bad gateway",
        TlsHandshake => "TLS handshake failure (never sent on the wire)",
        < 0 or > ushort.MaxValue => "out of range",
        < 1000 => "not used",
        < 3000 => "reserved",
        < 4000 => "registered",
        < 5000 => "private use",
        _ => "undefined",
    };
}
