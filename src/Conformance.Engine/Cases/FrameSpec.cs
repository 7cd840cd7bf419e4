using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Cases;

/// <summary>
/// A frame as a case asks for it; the mask key is chosen when it is sent unless fixed here. Masked says whether the
/// frame keeps RFC 6455 5.1's rule for its sender: from the suite as a client, masked; as a server, unmasked. A case
/// that breaks the rule (Masked false) sends an unmasked frame to a server, a masked one to a client.
/// </summary>
public sealed record FrameSpec(
    byte Opcode,
    byte[] Payload,
    bool Fin = true,
    byte Rsv = 0,
    bool Masked = true,
    byte[]? MaskKey = null,
    LengthEncoding LengthEncoding = LengthEncoding.Minimal)
{
    public Frame ToFrame(Role role = Role.Client) =>
        new(Opcode, Payload, Fin, Rsv, Masked == role.Masks() ? MaskKey ?? Masking.NewKey() : null, LengthEncoding);

    public string Describe(Role suite = Role.Client)
    {
        var parts = new List<string> { Opcodes.Name(Opcode), $"{Payload.Length} octet(s)" };
        if (!Fin) parts.Add("FIN=0");
        if (Rsv != 0) parts.Add($"RSV={Rsv}");
        if (!Masked) parts.Add(suite.Masks() ? "unmasked" : "masked");
        if (LengthEncoding != LengthEncoding.Minimal) parts.Add($"length as {LengthEncoding}");
        return string.Join(", ", parts);
    }
}
