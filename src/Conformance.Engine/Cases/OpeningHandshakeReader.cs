using System.Text;

namespace Conformance.Engine.Cases;

/// <summary>Reads a case's "request", "http2Request", "handshake" and "answer" fields.</summary>
internal static class OpeningHandshakeReader
{
    private static readonly string[] RequestFields =
        ["method", "target", "version", "headers", "add", "omit", "lines", "raw", "chop", "complete", "pipeline"];
    private static readonly string[] HandshakeFields = ["upgrade", "status", "versionHeader", "ifUpgraded", "recheck"];
    private static readonly string[] AnswerFields = ["status", "headers", "omit", "raw", "chop", "pipeline"];

    public static OpeningAnswer? ReadAnswer(JsonField a)
    {
        if (!a.Exists) return null;
        CheckFields(a, AnswerFields);
        if (a.Has("raw") && a.AsObject().Any(p => p.Key is not ("raw" or "chop" or "pipeline")))
            throw a.Error("\"raw\" gives the whole answer; only \"chop\" and \"pipeline\" go with it");
        return new OpeningAnswer
        {
            StatusLine = a["status"].OptionalString() ?? "HTTP/1.1 101 Switching Protocols",
            Headers = a.Has("headers") ? a["headers"].AsObject().Select(p => KeyValuePair.Create(p.Key, a["headers"][p.Key].String())).ToList() : [],
            Omit = a.Has("omit") ? a["omit"].Strings() : [],
            Raw = a["raw"].OptionalString()?.TrimEnd('\r', '\n'),
            Chop = a.Has("chop") ? (int)a["chop"].Integer(1, int.MaxValue) : null,
            Pipeline = a["pipeline"].Boolean(false),
        };
    }

    public static OpeningRequest? ReadRequest(JsonField r)
    {
        if (!r.Exists) return null;
        CheckFields(r, RequestFields);
        if (r.Has("raw") && r.AsObject().Any(p => p.Key is not ("raw" or "chop" or "complete" or "pipeline")))
            throw r.Error("\"raw\" gives the whole request; only \"chop\", \"complete\" and \"pipeline\" go with it");
        return new OpeningRequest
        {
            Method = r["method"].OptionalString() ?? "GET",
            Target = r["target"].OptionalString() ?? "{path}",
            Version = r["version"].OptionalString() ?? "HTTP/1.1",
            Headers = r.Has("headers") ? r["headers"].AsObject().Select(p => KeyValuePair.Create(p.Key, r["headers"][p.Key].String())).ToList() : [],
            Add = r.Has("add") ? r["add"].Items().Select(Pair).ToList() : [],
            Omit = r.Has("omit") ? r["omit"].Strings() : [],
            Lines = r.Has("lines") ? r["lines"].Items().SelectMany(Line).ToList() : [],
            Raw = r["raw"].OptionalString(),
            Chop = r.Has("chop") ? (int)r["chop"].Integer(1, int.MaxValue) : null,
            Complete = r["complete"].Boolean(true),
            Pipeline = r["pipeline"].Boolean(false),
        };
    }

    public static Http2Request? ReadHttp2Request(JsonField r)
    {
        if (!r.Exists) return null;
        CheckFields(r, ["set", "add", "omit"]);
        var request = new Http2Request
        {
            Set = r.Has("set") ? r["set"].AsObject().Select(p => KeyValuePair.Create(p.Key, r["set"][p.Key].String())).ToList() : [],
            Add = r.Has("add") ? r["add"].Items().Select(Pair).ToList() : [],
            Omit = r.Has("omit") ? r["omit"].Strings() : [],
        };
        // HPACK sends names as given; RFC 9113 8.2.1 makes an upper-case name malformed, which a case may want to send,
        // but an empty name is no field at all.
        if (request.Set.Concat(request.Add).Any(f => f.Key.Length == 0) || request.Omit.Any(o => o.Length == 0))
            throw r.Error("a header field name is empty");
        return request;
    }

    public static HandshakeExpectation? ReadExpectation(JsonField h)
    {
        if (!h.Exists) return null;
        CheckFields(h, HandshakeFields);
        var status = h["status"].OptionalString() ?? "4xx";
        if (status.Length != 3 || status.Any(c => !char.IsAsciiDigit(c) && c != 'x'))
            throw h["status"].Error($"\"{status}\" is not a status pattern such as 4xx or 426");
        var upgrade = h["upgrade"].Exists ? h["upgrade"].Boolean(false) : (bool?)null;
        var ifUpgraded = Verdict.Failed;
        if (h.Has("ifUpgraded"))
        {
            // The verdict of a server that upgrades a request it must refuse: never OK (that would pass the violation the
            // case is about) nor UNIMPLEMENTED (upgrading is doing something); and it means something only when the
            // server must refuse (upgrade: false).
            var word = h["ifUpgraded"].String();
            if (!VerdictWords.Behavior.TryParse(word, out ifUpgraded, ignoreCase: true) || ifUpgraded is Verdict.Ok or Verdict.Unimplemented)
                throw h["ifUpgraded"].Error($"\"{word}\" is not FAILED, NON-STRICT or INFORMATIONAL: the verdict of a server that upgrades a request it must refuse, which is never OK");
            if (upgrade is not false)
                throw h["ifUpgraded"].Error("is the verdict when a request that must be refused is upgraded, so it goes with \"upgrade\": false");
        }
        return new HandshakeExpectation
        {
            Upgrade = upgrade,
            Status = status,
            VersionHeader = h["versionHeader"].Boolean(false),
            IfUpgraded = ifUpgraded,
            Recheck = h["recheck"].Boolean(false),
        };
    }

    private static void CheckFields(JsonField f, string[] known) => f.Only(known);

    private static KeyValuePair<string, string> Pair(JsonField p)
    {
        var items = p.Strings();
        return items.Count == 2 ? KeyValuePair.Create(items[0], items[1]) : throw p.Error("expected [name, value]");
    }

    /// <summary>A line as text, or { "header": name, "repeat": text, "length": n, "times": k }: k lines "name: " + n characters.</summary>
    private static IEnumerable<byte[]> Line(JsonField l)
    {
        if (l.Node is System.Text.Json.Nodes.JsonValue) return [Encoding.UTF8.GetBytes(l.String())];
        l.Only("header", "repeat", "length", "times");
        var name = l["header"].String();
        var pattern = l["repeat"].String();
        if (pattern.Length == 0) throw l["repeat"].Error("the repeated pattern is empty");
        var length = (int)l["length"].Integer(0, 16 * 1024 * 1024);
        var times = l.Has("times") ? (int)l["times"].Integer(1, 100_000) : 1;
        var value = new StringBuilder(length + pattern.Length);
        while (value.Length < length) value.Append(pattern);
        var text = value.ToString(0, length);
        return Enumerable.Range(1, times).Select(i => Encoding.UTF8.GetBytes($"{name}{(times > 1 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}: {text}"));
    }
}
