using Conformance.Protocol;

namespace Conformance.Engine.Cases;

/// <summary>A frame as a case asks for it; the mask key is chosen when it is sent unless fixed here.</summary>
public sealed record FrameSpec(
    byte Opcode,
    byte[] Payload,
    bool Fin = true,
    byte Rsv = 0,
    bool Masked = true,
    byte[]? MaskKey = null,
    LengthEncoding LengthEncoding = LengthEncoding.Minimal)
{
    public Frame ToFrame() =>
        new(Opcode, Payload, Fin, Rsv, Masked ? MaskKey ?? Masking.NewKey() : null, LengthEncoding);

    public string Describe()
    {
        var parts = new List<string> { Opcodes.Name(Opcode), $"{Payload.Length} octet(s)" };
        if (!Fin) parts.Add("FIN=0");
        if (Rsv != 0) parts.Add($"RSV={Rsv}");
        if (!Masked) parts.Add("unmasked");
        if (LengthEncoding != LengthEncoding.Minimal) parts.Add($"length as {LengthEncoding}");
        return string.Join(", ", parts);
    }
}
