namespace Conformance.Protocol;

/// <summary>The payloads of a fragmented message's frames (RFC 6455 5.4).</summary>
public static class Fragments
{
    /// <summary>The message the fragments make, in order; the one fragment itself when there is only one.</summary>
    public static byte[] Join(IReadOnlyList<byte[]> parts, long length)
    {
        if (parts.Count == 1) return parts[0];
        var whole = new byte[length];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(whole, at);
            at += part.Length;
        }
        return whole;
    }
}
