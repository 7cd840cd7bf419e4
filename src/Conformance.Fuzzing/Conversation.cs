using System.Text;

namespace Conformance.Fuzzing;

/// <summary>A valid message: its payload split into fragments of the given sizes, pings after some fragments.</summary>
public sealed record FuzzMessage(bool Binary, byte[] Payload, IReadOnlyList<int> Fragments, IReadOnlyList<Ping> Pings)
{
    public override string ToString() =>
        $"{(Binary ? "binary" : "text")} {Payload.Length} octet(s) in {Fragments.Count} fragment(s)" + (Pings.Count > 0 ? $", {Pings.Count} ping(s)" : "");
}

/// <summary>A ping sent after the fragment with this index (0: after the first).</summary>
public sealed record Ping(int AfterFragment, byte[] Payload);

/// <summary>The one way an invalid conversation breaks RFC 6455, and what a conforming server does about it.</summary>
public enum ViolationKind
{
    ReservedBits,
    ReservedOpcode,
    OversizedControlFrame,
    FragmentedControlFrame,
    ContinuationWithoutStart,
    NewMessageInsideFragmented,
    InvalidUtf8,
    InvalidCloseCode,
    OneOctetClosePayload,
    NonMinimalLength,
    UnmaskedFrame,
}

/// <param name="Detail">The RSV bits, the reserved opcode, the close code or the offset of the invalid UTF-8, by kind.</param>
public sealed record Violation(ViolationKind Kind, byte[] Payload, int Detail, IReadOnlyList<int> Fragments)
{
    public override string ToString() =>
        $"{Kind} ({Payload.Length} octet(s), {Detail}" + (Fragments.Count > 1 ? $", {Fragments.Count} fragments)" : ")");
}

/// <summary>
/// What the fuzzer sends over one connection: valid messages, then at most one violation (after at most one
/// message, so that the echo a conforming server owes is never a race), the whole written in chops when Chop is set.
/// </summary>
public sealed record Conversation(IReadOnlyList<FuzzMessage> Messages, Violation? Violation, int? Chop)
{
    public override string ToString()
    {
        var text = new StringBuilder(string.Join("; ", Messages));
        if (Violation is not null) text.Append(text.Length > 0 ? "; then " : "").Append(Violation);
        if (Chop is { } c) text.Append($"; written in chops of {c}");
        return text.ToString();
    }

    /// <summary>A rough size for choosing the smaller of two findings: frames, then octets.</summary>
    public int Weight =>
        (Messages.Sum(m => m.Fragments.Count + m.Pings.Count) + (Violation?.Fragments.Count ?? 0)) * 100_000
        + Messages.Sum(m => m.Payload.Length + m.Pings.Sum(p => p.Payload.Length)) + (Violation?.Payload.Length ?? 0)
        + (Chop is null ? 0 : 1);
}
