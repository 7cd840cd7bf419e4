using System.Text;
using Conformance.Engine.Cases;

namespace Conformance.Engine.Sessions;

/// <summary>
/// Writes a case's opening request: the suite's valid request (target path and query, Origin, subprotocols and
/// headers from the settings) changed as the case says. Nothing is checked: breaking the request is the point.
/// </summary>
internal static class OpeningRequestWriter
{
    /// <summary>The key the request sends: the case's own when it gives one, else the generated one.</summary>
    public static string Key(OpeningRequest request, string generated) =>
        request.Headers.LastOrDefault(h => h.Key.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase)).Value is { } own
            ? own.Replace("{key}", generated) : generated;

    /// <summary>The suite's valid request, with the permessage-deflate offers given.</summary>
    public static byte[] Default(SessionOptions options, string key, IReadOnlyList<string> deflateOffers)
    {
        var target = options.Target;
        var host = target.IsDefaultPort ? target.IdnHost : $"{target.IdnHost}:{target.Port}";
        var request = new Protocol.UpgradeRequest(host, target.PathAndQuery, key) { Origin = options.Origin };
        foreach (var p in options.Subprotocols) request.Subprotocols.Add(p);
        foreach (var offer in deflateOffers) request.Extensions.Add(offer);
        foreach (var h in options.Headers) request.ExtraHeaders.Add(h);
        return request.ToBytes();
    }

    public static byte[] Write(OpeningRequest request, SessionOptions options, string key)
    {
        var target = options.Target;
        var host = target.IsDefaultPort ? target.IdnHost : $"{target.IdnHost}:{target.Port}";
        string Fill(string text) => text.Replace("{host}", host).Replace("{path}", target.PathAndQuery)
            .Replace("{key}", key).Replace("{origin}", options.Origin ?? "");
        if (request.Raw is { } raw) return Encoding.UTF8.GetBytes(Fill(raw));

        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", host), new("Upgrade", "websocket"), new("Connection", "Upgrade"),
            new("Sec-WebSocket-Key", key), new("Sec-WebSocket-Version", "13"),
        };
        if (options.Origin is { } origin) headers.Add(new("Origin", origin));
        if (options.Subprotocols.Count > 0) headers.Add(new("Sec-WebSocket-Protocol", string.Join(", ", options.Subprotocols)));
        headers.AddRange(options.Headers);

        foreach (var (name, value) in request.Headers)
        {
            var at = headers.FindIndex(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (at >= 0) headers[at] = new(name, Fill(value));
            else headers.Add(new(name, Fill(value)));
        }
        headers.RemoveAll(h => request.Omit.Contains(h.Key, StringComparer.OrdinalIgnoreCase));
        headers.AddRange(request.Add.Select(h => KeyValuePair.Create(h.Key, Fill(h.Value))));

        var bytes = new MemoryStream();
        void Line(string text) => bytes.Write(Encoding.UTF8.GetBytes(text + "\r\n"));
        Line($"{request.Method} {Fill(request.Target)} {request.Version}");
        foreach (var (name, value) in headers) Line($"{name}: {value}");
        foreach (var line in request.Lines)
        {
            bytes.Write(line);
            bytes.Write("\r\n"u8);
        }
        if (request.Complete) Line("");
        return bytes.ToArray();
    }
}
