namespace Conformance.Engine.Cases;

/// <summary>
/// The suite's answer to a client's opening request, when a case gives its own (suites/README.md, "The answer to a
/// client"): the valid 101 changed header by header, or written out whole. A case with an answer is played against
/// clients only, since it tests what a client accepts. "{accept}" is the Sec-WebSocket-Accept the client's key asks
/// for, "{key}" the client's key.
/// </summary>
public sealed record OpeningAnswer
{
    public string StatusLine { get; init; } = "HTTP/1.1 101 Switching Protocols";
    /// <summary>Name → value: replaces the valid answer's header of that name in place (names compare case-insensitively), or adds it at the end.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public IReadOnlyList<string> Omit { get; init; } = [];
    /// <summary>The whole answer head, without the blank line that ends it; replaces everything above.</summary>
    public string? Raw { get; init; }
    public int? Chop { get; init; }
    /// <summary>The octets of the first step go out in the same write as the answer.</summary>
    public bool Pipeline { get; init; }

    private static readonly KeyValuePair<string, string>[] Valid =
        [new("Upgrade", "websocket"), new("Connection", "Upgrade"), new("Sec-WebSocket-Accept", "{accept}")];

    /// <summary>The answer head with its blank line, for a request with that Sec-WebSocket-Key.</summary>
    public string Text(string key)
    {
        var head = Raw ?? StatusLine + "\r\n" + string.Concat(Fields().Select(h => $"{h.Key}: {h.Value}\r\n"));
        if (Raw is not null) head += "\r\n";
        return head.Replace("{accept}", Protocol.HandshakeKeys.ComputeAccept(key), StringComparison.Ordinal)
            .Replace("{key}", key, StringComparison.Ordinal) + "\r\n";
    }

    private IEnumerable<KeyValuePair<string, string>> Fields()
    {
        var fields = Valid.Where(v => !Omit.Contains(v.Key, StringComparer.OrdinalIgnoreCase))
            .Select(v => Headers.FirstOrDefault(h => h.Key.Equals(v.Key, StringComparison.OrdinalIgnoreCase)) is { Key: not null } own ? own : v)
            .ToList();
        fields.AddRange(Headers.Where(h => !Valid.Any(v => v.Key.Equals(h.Key, StringComparison.OrdinalIgnoreCase))));
        return fields;
    }

    /// <summary>The answer in words, for reports: how it differs from the valid 101.</summary>
    public string Describe()
    {
        var what = Raw is not null
            ? "answer with: " + Raw.Replace("\r\n", " | ", StringComparison.Ordinal)
            : StatusLine == "HTTP/1.1 101 Switching Protocols" && Headers.Count == 0 && Omit.Count == 0
                ? "answer with the valid 101"
                : "answer with " + string.Join("; ", new[] { StatusLine == "HTTP/1.1 101 Switching Protocols" ? null : $"status line {StatusLine}" }
                    .Concat(Headers.Select(h => $"{h.Key}: {h.Value}")).Concat(Omit.Select(o => $"no {o}")).OfType<string>());
        return what + (Chop is { } c ? $", written in pieces of {c} octet(s)" : "") + (Pipeline ? ", with the first step's octets in the same write" : "");
    }
}
