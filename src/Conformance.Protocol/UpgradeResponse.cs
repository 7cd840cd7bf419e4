using System.Text;

namespace Conformance.Protocol;

public enum ResponseParseStatus
{
    NeedMoreData,
    Complete,
    Invalid,
}

/// <summary>The server's answer to the opening handshake: status line and headers, as received.</summary>
public sealed class UpgradeResponse
{
    private UpgradeResponse(string httpVersion, int statusCode, string reasonPhrase, List<KeyValuePair<string, string>> headers)
    {
        HttpVersion = httpVersion;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        Headers = headers;
    }

    /// <summary>
    /// An answer that came as a header list (an HTTP/2 response to extended CONNECT, RFC 8441 5): its :status and
    /// its regular fields, with no reason phrase.
    /// </summary>
    public static UpgradeResponse FromHeaderList(string httpVersion, int statusCode, IEnumerable<KeyValuePair<string, string>> headers) =>
        new(httpVersion, statusCode, "", headers.ToList());

    /// <summary>As in the status line, for example "HTTP/1.1".</summary>
    public string HttpVersion { get; }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    /// <summary>The headers in the order received, names as sent, values without surrounding whitespace.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The value of the named header, case-insensitively; several of that name are joined with ", ".</summary>
    public string? GetHeader(string name)
    {
        string? joined = null;
        foreach ((string headerName, string value) in Headers)
        {
            if (headerName.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                joined = joined is null ? value : $"{joined}, {value}";
            }
        }

        return joined;
    }

    /// <summary>
    /// Parses the status line and headers from the start of <paramref name="buffer"/>. On Complete,
    /// <paramref name="consumed"/> counts the bytes up to and including the blank line; frames may follow.
    /// Lines may end in CRLF or a bare LF.
    /// </summary>
    public static ResponseParseStatus TryParse(
        ReadOnlySpan<byte> buffer,
        int maxHeaderBytes,
        out UpgradeResponse? response,
        out int consumed,
        out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderBytes);
        response = null;
        consumed = 0;
        error = null;

        ReadOnlySpan<byte> expectedStart = "HTTP/"u8;
        int comparable = Math.Min(buffer.Length, expectedStart.Length);
        if (!buffer[..comparable].SequenceEqual(expectedStart[..comparable]))
        {
            error = $"the response does not begin with an HTTP status line: \"{Show(buffer)}\"";
            return ResponseParseStatus.Invalid;
        }

        string version = "", reason = "";
        int statusCode = 0;
        var headers = new List<KeyValuePair<string, string>>();
        int lineStart = 0;
        while (true)
        {
            int newline = buffer[lineStart..].IndexOf((byte)'\n');
            int lineEnd = newline < 0 ? -1 : lineStart + newline;
            if (lineEnd < 0 ? buffer.Length > maxHeaderBytes : lineEnd + 1 > maxHeaderBytes)
            {
                error = $"the response headers do not end with a blank line within {maxHeaderBytes} bytes";
                return ResponseParseStatus.Invalid;
            }

            if (lineEnd < 0)
            {
                return ResponseParseStatus.NeedMoreData;
            }

            ReadOnlySpan<byte> line = buffer[lineStart..lineEnd];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (lineStart == 0)
            {
                error = ParseStatusLine(line, out version, out statusCode, out reason);
            }
            else if (line.IsEmpty)
            {
                consumed = lineEnd + 1;
                response = new UpgradeResponse(version, statusCode, reason, headers);
                return ResponseParseStatus.Complete;
            }
            else
            {
                error = ParseHeaderLine(line, headers);
            }

            if (error is not null)
            {
                return ResponseParseStatus.Invalid;
            }

            lineStart = lineEnd + 1;
        }
    }

    /// <summary>
    /// Null when this response accepts a handshake sent with <paramref name="key"/> (the client checks of
    /// RFC 6455 4.1: status 101, Upgrade: websocket, Connection: upgrade, the right Sec-WebSocket-Accept);
    /// else what is wrong, in the words of a reason (lower case, no final full stop).
    /// </summary>
    public string? ValidateAcceptance(string key)
    {
        if (StatusCode != 101)
        {
            return $"the server answered {StatusCode} {ReasonPhrase} instead of 101 Switching Protocols";
        }

        string? upgrade = GetHeader("Upgrade");
        if (!HttpSyntax.ListContainsToken(upgrade, "websocket"))
        {
            return upgrade is null
                ? "the response has no Upgrade header"
                : $"the Upgrade header \"{upgrade}\" does not contain the token \"websocket\"";
        }

        string? connection = GetHeader("Connection");
        if (!HttpSyntax.ListContainsToken(connection, "upgrade"))
        {
            return connection is null
                ? "the response has no Connection header"
                : $"the Connection header \"{connection}\" does not contain the token \"upgrade\"";
        }

        string? accept = GetHeader("Sec-WebSocket-Accept");
        string expected = HandshakeKeys.ComputeAccept(key);
        if (accept is null)
        {
            return "the response has no Sec-WebSocket-Accept header";
        }

        return accept == expected
            ? null
            : $"Sec-WebSocket-Accept is \"{accept}\" but \"{expected}\" was expected for the key \"{key}\"";
    }

    /// <summary>
    /// Like <see cref="ValidateAcceptance(string)"/>, and also checks that a chosen subprotocol and any
    /// extensions are among those the request offered (RFC 6455 4.1, points 5 and 6).
    /// </summary>
    public string? ValidateAcceptance(UpgradeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValidateAcceptance(request.Key, request.Subprotocols.ToList(), request.Extensions.ToList());
    }

    /// <summary>
    /// Like <see cref="ValidateAcceptance(UpgradeRequest)"/>, for a request known by its key and the subprotocols and
    /// extensions it offered (each one element of the request's comma-separated lists).
    /// </summary>
    public string? ValidateAcceptance(string key, IReadOnlyCollection<string> offeredSubprotocols, IReadOnlyCollection<string> offeredExtensions)
    {
        ArgumentNullException.ThrowIfNull(offeredSubprotocols);
        ArgumentNullException.ThrowIfNull(offeredExtensions);
        string? problem = ValidateAcceptance(key);
        if (problem is not null)
        {
            return problem;
        }

        string? protocol = GetHeader("Sec-WebSocket-Protocol");
        if (protocol is not null && !offeredSubprotocols.Contains(protocol, StringComparer.Ordinal))
        {
            return offeredSubprotocols.Count == 0
                ? $"the server chose the subprotocol \"{protocol}\", but the client offered none"
                : $"the server chose the subprotocol \"{protocol}\", which the client did not offer";
        }

        string? extensions = GetHeader("Sec-WebSocket-Extensions");
        if (extensions is not null)
        {
            var offered = offeredExtensions.Select(ExtensionName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (string accepted in extensions.Split(',').Select(ExtensionName))
            {
                if (accepted.Length == 0)
                {
                    return "the Sec-WebSocket-Extensions header of the response has an empty element";
                }

                if (!offered.Contains(accepted))
                {
                    return $"the server accepted the extension \"{accepted}\", which the client did not offer";
                }
            }
        }

        return null;
    }

    private static string ExtensionName(string extension) => extension.Split(';')[0].Trim(' ', '\t');

    private static string? ParseStatusLine(ReadOnlySpan<byte> line, out string version, out int statusCode, out string reason)
    {
        version = "";
        reason = "";
        statusCode = 0;
        // HTTP-version SP 3DIGIT [SP reason-phrase]
        bool wellFormed = line.Length >= 12
            && line.StartsWith("HTTP/"u8)
            && char.IsAsciiDigit((char)line[5]) && line[6] == (byte)'.' && char.IsAsciiDigit((char)line[7])
            && line[8] == (byte)' '
            && char.IsAsciiDigit((char)line[9]) && char.IsAsciiDigit((char)line[10]) && char.IsAsciiDigit((char)line[11])
            && (line.Length == 12 || line[12] == (byte)' ');
        if (!wellFormed)
        {
            return $"malformed status line \"{Show(line)}\" (expected \"HTTP/1.1 101 Switching Protocols\")";
        }

        ReadOnlySpan<byte> reasonBytes = line.Length > 12 ? line[13..] : [];
        if (HttpSyntax.ContainsForbiddenInValue(reasonBytes))
        {
            return $"the status line \"{Show(line)}\" contains a control character";
        }

        version = Encoding.Latin1.GetString(line[..8]);
        statusCode = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        reason = Encoding.Latin1.GetString(reasonBytes);
        return null;
    }

    private static string? ParseHeaderLine(ReadOnlySpan<byte> line, List<KeyValuePair<string, string>> headers)
    {
        if (HttpSyntax.IsWhitespace(line[0]))
        {
            // Obsolete line folding continues the previous value; RFC 9112 5.2 has user agents read it as a space.
            if (headers.Count == 0)
            {
                return $"the first header line begins with whitespace: \"{Show(line)}\"";
            }

            if (HttpSyntax.ContainsForbiddenInValue(line))
            {
                return $"the header line \"{Show(line)}\" contains a control character";
            }

            (string previousName, string previousValue) = headers[^1];
            string continuation = Encoding.Latin1.GetString(line.Trim(" \t"u8));
            headers[^1] = new(previousName, $"{previousValue} {continuation}".Trim(' ', '\t'));
            return null;
        }

        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            return $"the header line \"{Show(line)}\" has no colon";
        }

        ReadOnlySpan<byte> name = line[..colon];
        if (name.IsEmpty)
        {
            return $"the header line \"{Show(line)}\" has an empty name";
        }

        foreach (byte b in name)
        {
            if (!HttpSyntax.IsTokenByte(b))
            {
                return $"the header name \"{Show(name)}\" contains a character not allowed in a token";
            }
        }

        ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);
        if (HttpSyntax.ContainsForbiddenInValue(value))
        {
            return $"the value of the header \"{Show(name)}\" contains a control character";
        }

        headers.Add(new(Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
        return null;
    }

    /// <summary>Bytes shown for an error message: printable ASCII as is, the rest escaped, cut at 80.</summary>
    private static string Show(ReadOnlySpan<byte> bytes)
    {
        const int Limit = 80;
        var text = new StringBuilder();
        foreach (byte b in bytes[..Math.Min(bytes.Length, Limit)])
        {
            text.Append(b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? (char)b : $"\\x{b:X2}");
        }

        return bytes.Length > Limit ? text.Append("...").ToString() : text.ToString();
    }
}
