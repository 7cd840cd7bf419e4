namespace Conformance.Protocol;

/// <summary>How the payload length is written in a frame header. Non-minimal forms are allowed on purpose.</summary>
public enum LengthEncoding
{
    /// <summary>The shortest form: 7-bit up to 125, 16-bit up to 65535, else 64-bit.</summary>
    Minimal,

    /// <summary>Always the 126 marker followed by a 16-bit length.</summary>
    Extended16,

    /// <summary>Always the 127 marker followed by a 64-bit length.</summary>
    Extended64,
}
