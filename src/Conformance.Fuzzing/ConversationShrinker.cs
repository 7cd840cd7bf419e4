using System.Text;

namespace Conformance.Fuzzing;

/// <summary>
/// Smaller conversations than a given one, most promising first: whole messages gone, then chops, pings and fragments
/// gone, then payloads halved, keeping each kind of violation what it is (a ping over 125 octets stays over 125,
/// the invalid UTF-8 stays in).
/// </summary>
public static class ConversationShrinker
{
    public static IEnumerable<Conversation> Shrink(Conversation c)
    {
        for (var i = 0; i < c.Messages.Count; i++)
        {
            if (c.Messages.Count == 1 && c.Violation is null) break;
            yield return c with { Messages = c.Messages.Where((_, j) => j != i).ToList() };
        }
        if (c.Chop is not null) yield return c with { Chop = null };
        for (var i = 0; i < c.Messages.Count; i++)
        {
            foreach (var smaller in Shrink(c.Messages[i]))
                yield return c with { Messages = c.Messages.Select((m, j) => j == i ? smaller : m).ToList() };
        }
        if (c.Violation is { } v)
        {
            foreach (var smaller in Shrink(v)) yield return c with { Violation = smaller };
        }
    }

    private static IEnumerable<FuzzMessage> Shrink(FuzzMessage m)
    {
        if (m.Pings.Count > 0) yield return m with { Pings = [] };
        if (m.Fragments.Count > 1) yield return m with { Fragments = [m.Payload.Length], Pings = [] };
        if (m.Payload.Length > 0 && m.Fragments.Count == 1)
        {
            yield return m with { Payload = [], Fragments = [0] };
            var half = Half(m.Payload, text: !m.Binary);
            if (half.Length < m.Payload.Length) yield return m with { Payload = half, Fragments = [half.Length] };
        }
    }

    private static IEnumerable<Violation> Shrink(Violation v)
    {
        switch (v.Kind)
        {
            case ViolationKind.OversizedControlFrame:
                if (v.Payload.Length > 126) yield return v with { Payload = v.Payload[..126], Fragments = [126] };
                break;
            case ViolationKind.OneOctetClosePayload:
                break;
            case ViolationKind.InvalidUtf8:
                if (v.Fragments.Count > 1) yield return v with { Fragments = [v.Payload.Length] };
                if (v.Fragments.Count == 1 && v.Detail > 0)
                    yield return v with { Payload = v.Payload[v.Detail..], Detail = 0, Fragments = [v.Payload.Length - v.Detail] };
                if (v.Fragments.Count == 1 && v.Detail == 0 && v.Payload.Length > 1)
                {
                    var bad = BadSequenceLength(v.Payload);
                    if (bad < v.Payload.Length) yield return v with { Payload = v.Payload[..bad], Fragments = [bad] };
                }
                break;
            default:
                if (v.Payload.Length > 0) yield return v with { Payload = [], Fragments = [0] };
                var half = v.Payload[..(v.Payload.Length / 2)];
                if (half.Length > 0) yield return v with { Payload = half, Fragments = [half.Length] };
                break;
        }
    }

    /// <summary>The first half of a payload; for text, cut at a character boundary so it stays valid UTF-8.</summary>
    private static byte[] Half(byte[] payload, bool text)
    {
        if (!text) return payload[..(payload.Length / 2)];
        var chars = Encoding.UTF8.GetString(payload);
        var cut = chars.Length / 2;
        if (cut > 0 && char.IsHighSurrogate(chars[cut - 1])) cut--;
        return Encoding.UTF8.GetBytes(chars[..cut]);
    }

    /// <summary>How many leading octets of invalid UTF-8 keep it invalid: the shortest prefix a strict decoder rejects.</summary>
    private static int BadSequenceLength(byte[] payload)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var n = 1; n <= payload.Length; n++)
        {
            try
            {
                strict.GetString(payload, 0, n);
            }
            catch (DecoderFallbackException)
            {
                return n;
            }
        }
        return payload.Length;
    }
}
