namespace Conformance.Protocol;

/// <summary>A parsed frame header.</summary>
/// <param name="MaskKey">The 4 key bytes read as a big-endian number; 0 when unmasked.</param>
/// <param name="HeaderLength">Bytes taken by the header, including extended length and mask key.</param>
/// <param name="MinimalLengthEncoding">False when the length used a longer form than needed.</param>
public readonly record struct FrameHeader(
    bool Fin,
    byte Rsv,
    byte Opcode,
    bool Masked,
    uint MaskKey,
    ulong PayloadLength,
    int HeaderLength,
    bool MinimalLengthEncoding)
{
    /// <summary>
    /// The encoding that reproduces this header: Minimal when the length was minimal, else the form that was used.
    /// </summary>
    public LengthEncoding LengthEncoding =>
        MinimalLengthEncoding ? LengthEncoding.Minimal
        : HeaderLength - (Masked ? 4 : 0) == 4 ? LengthEncoding.Extended16
        : LengthEncoding.Extended64;

    /// <summary>
    /// A close frame that can start the closing handshake: FIN set and no reserved bits. A close frame with RSV bits
    /// or without FIN is a protocol error at the framing level, not a close (RFC 6455 5.2, 5.5).
    /// </summary>
    public bool IsWellFormedClose => Opcode == Opcodes.Close && Fin && Rsv == 0;

    /// <summary>The mask key as the 4 bytes of the wire, or null when unmasked.</summary>
    public byte[]? GetMaskKeyBytes() =>
        Masked ? [(byte)(MaskKey >> 24), (byte)(MaskKey >> 16), (byte)(MaskKey >> 8), (byte)MaskKey] : null;
}
