using Conformance.Protocol.Http2;

namespace Conformance.Engine.Cases;

/// <summary>
/// How a case's extended CONNECT (RFC 8441 4) differs from the valid one the suite sends over HTTP/2
/// (suites/case-format.md, "The extended CONNECT"). Names are the field names as sent (pseudo-header fields with
/// their colon); a name in Set replaces the field in place, or is appended when the request has none of that name.
/// A case with one is played over HTTP/2 only.
/// </summary>
public sealed record Http2Request
{
    public IReadOnlyList<KeyValuePair<string, string>> Set { get; init; } = [];
    /// <summary>Fields appended after the others, even when one of that name is already there.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Add { get; init; } = [];
    public IReadOnlyList<string> Omit { get; init; } = [];

    /// <summary>The suite's valid request with the case's changes.</summary>
    public List<HeaderField> Apply(IReadOnlyList<HeaderField> valid)
    {
        var fields = valid.Where(f => !Omit.Contains(f.Name, StringComparer.Ordinal)).ToList();
        foreach (var (name, value) in Set)
        {
            var at = fields.FindIndex(f => f.Name == name);
            if (at >= 0) fields[at] = new HeaderField(name, value);
            else fields.Add(new HeaderField(name, value));
        }
        fields.AddRange(Add.Select(a => new HeaderField(a.Key, a.Value)));
        return fields;
    }

    /// <summary>The request in words, for reports.</summary>
    public string Describe()
    {
        var parts = Set.Select(s => $"{s.Key}: {s.Value}").Concat(Add.Select(a => $"an added {a.Key}: {a.Value}")).Concat(Omit.Select(o => $"no {o}")).ToList();
        return parts.Count == 0 ? "send the suite's valid extended CONNECT" : "send the extended CONNECT with " + string.Join("; ", parts);
    }
}
