namespace Conformance.Protocol;

/// <summary>Where an HTTP/1.1 message's head ends: after the empty line, whose lines may end in a bare LF (RFC 9112 2.2).</summary>
public static class HttpHead
{
    /// <summary>The length of the head including its empty line, or -1 when the octets hold no complete head.</summary>
    public static int Length(ReadOnlySpan<byte> octets)
    {
        var bare = octets.IndexOf("\n\n"u8);
        var crlf = octets.IndexOf("\n\r\n"u8);
        return bare >= 0 && (crlf < 0 || bare < crlf) ? bare + 2 : crlf >= 0 ? crlf + 3 : -1;
    }
}
