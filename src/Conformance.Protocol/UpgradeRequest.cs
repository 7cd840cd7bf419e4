using System.Text;

namespace Conformance.Protocol;

/// <summary>The client's HTTP/1.1 opening handshake request (RFC 6455 4.1).</summary>
public sealed class UpgradeRequest
{
    /// <param name="host">The Host header value, with ":port" when the port is not the default.</param>
    /// <param name="pathAndQuery">The request target, such as "/chat?room=1".</param>
    /// <param name="key">The Sec-WebSocket-Key value, normally from <see cref="HandshakeKeys.NewKey"/>.</param>
    public UpgradeRequest(string host, string pathAndQuery, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        ArgumentException.ThrowIfNullOrEmpty(key);
        Host = host;
        PathAndQuery = pathAndQuery;
        Key = key;
    }

    public string Host { get; }

    public string PathAndQuery { get; }

    public string Key { get; }

    public string? Origin { get; set; }

    /// <summary>Sent as one comma-separated Sec-WebSocket-Protocol header when not empty.</summary>
    public IList<string> Subprotocols { get; } = new List<string>();

    /// <summary>Sent as one comma-separated Sec-WebSocket-Extensions header when not empty.</summary>
    public IList<string> Extensions { get; } = new List<string>();

    /// <summary>Sent last, in order, as given.</summary>
    public IList<KeyValuePair<string, string>> ExtraHeaders { get; } = new List<KeyValuePair<string, string>>();

    /// <summary>
    /// The request as bytes, ending with the blank line.
    /// Throws ArgumentException when a value holds CR or LF, which would break the message apart.
    /// </summary>
    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        AppendLine(text, $"GET {CheckedValue(PathAndQuery, "request target", allowSpace: false)} HTTP/1.1");
        AppendHeader(text, "Host", Host);
        AppendHeader(text, "Upgrade", "websocket");
        AppendHeader(text, "Connection", "Upgrade");
        AppendHeader(text, "Sec-WebSocket-Key", Key);
        AppendHeader(text, "Sec-WebSocket-Version", "13");
        if (Origin is not null)
        {
            AppendHeader(text, "Origin", Origin);
        }

        if (Subprotocols.Count > 0)
        {
            AppendHeader(text, "Sec-WebSocket-Protocol", string.Join(", ", Subprotocols));
        }

        if (Extensions.Count > 0)
        {
            AppendHeader(text, "Sec-WebSocket-Extensions", string.Join(", ", Extensions));
        }

        foreach ((string name, string value) in ExtraHeaders)
        {
            AppendHeader(text, name, value);
        }

        AppendLine(text, "");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void AppendHeader(StringBuilder text, string name, string value)
    {
        if (name.Length == 0 || name.Any(c => !HttpSyntax.IsTokenChar(c)))
        {
            throw new ArgumentException($"'{name}' is not a valid header name");
        }

        AppendLine(text, $"{name}: {CheckedValue(value, $"the {name} header", allowSpace: true)}");
    }

    private static string CheckedValue(string value, string what, bool allowSpace)
    {
        if (value.Contains('\r') || value.Contains('\n') || (!allowSpace && value.Contains(' ')))
        {
            throw new ArgumentException($"the value of {what} contains a character that would break the request: '{value}'");
        }

        return value;
    }

    private static void AppendLine(StringBuilder text, string line) => text.Append(line).Append("\r\n");
}
