namespace Conformance.Protocol;

/// <summary>Character classes of HTTP/1.1 (RFC 9110 5.6).</summary>
public static class HttpSyntax
{
    /// <summary>tchar: the characters of a token such as a header name.</summary>
    public static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    public static bool IsTokenByte(byte b) => b < 0x80 && IsTokenChar((char)b);

    /// <summary>Optional whitespace: space or horizontal tab.</summary>
    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>Control characters other than horizontal tab, which may not appear in a field value.</summary>
    public static bool ContainsForbiddenInValue(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the comma-separated list holds the token, compared case-insensitively.</summary>
    public static bool ListContainsToken(string? list, string token)
    {
        if (list is null)
        {
            return false;
        }

        foreach (string item in list.Split(','))
        {
            if (item.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
