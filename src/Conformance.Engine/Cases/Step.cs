using Conformance.Engine.Wire;
namespace Conformance.Engine.Cases;

public abstract record Step
{
    public abstract string Describe();

    /// <summary>The step in words as the suite plays it in that role (a frame that breaks the masking rule is unmasked from a client, masked from a server).</summary>
    public virtual string Describe(Role suite) => Describe();
}

/// <summary>Frames written together (in one write unless chopped).</summary>
public sealed record SendFramesStep(IReadOnlyList<FrameSpec> Frames, int? Chop) : Step
{
    public override string Describe() => Describe(Role.Client);

    public override string Describe(Role suite) =>
        string.Join(" + ", Frames.Select(f => f.Describe(suite))) + (Chop is { } c ? $" in chops of {c} octet(s)" : "");
}

/// <summary>
/// Octets as they are. They are framed for one direction (a client's frames are masked); AsServer, when the case gives
/// it, is what the suite writes instead when it plays the server, and without it the case is not played against clients.
/// </summary>
public sealed record SendRawStep(byte[] Bytes, int? Chop, byte[]? AsServer = null) : Step
{
    public override string Describe() => Describe(Role.Client);

    public override string Describe(Role suite) =>
        $"raw {(suite == Role.Server ? AsServer ?? Bytes : Bytes).Length} octet(s)" + (Chop is { } c ? $" in chops of {c} octet(s)" : "");
}

public sealed record WaitStep(int Milliseconds, string? Mark) : Step
{
    public override string Describe() => Mark is null ? $"wait {Milliseconds} ms" : $"wait {Milliseconds} ms, then mark {Mark}";
}

/// <summary>
/// One message, as one frame or split into frames of FragmentSize payload octets (the first with the opcode,
/// the rest continuations, FIN on the last), written together unless chopped. When permessage-deflate was agreed
/// and Compress is set, the message is compressed first and RSV1 set on its first frame (RFC 7692 6).
/// </summary>
public sealed record SendMessageStep(byte Opcode, byte[] Payload, int? FragmentSize, int? Chop, bool Compress = true) : Step
{
    public override string Describe() =>
        $"{Protocol.Opcodes.Name(Opcode)} message of {Payload.Length} octet(s)"
        + (FragmentSize is { } f ? $" in fragments of {f} octet(s)" : "")
        + (Chop is { } c ? $" in chops of {c} octet(s)" : "")
        + (Compress ? "" : ", not compressed");
}

/// <summary>
/// Count messages, each sent only once the server's answer to the one before has arrived, split into frames of
/// FragmentSize payload octets (after compression, when permessage-deflate was agreed).
/// </summary>
public sealed record RoundTripsStep(int Count, byte Opcode, MessageSource Messages, int? FragmentSize = null) : Step
{
    public override string Describe() =>
        $"{Count} round trips of {Protocol.Opcodes.Name(Opcode)} messages, {Messages.Describe()}"
        + (FragmentSize is { } f ? $", in frames of {f} octet(s)" : "");
}

/// <summary>How a message becomes frames: split into fragments of a given payload size, each masked with its own key (from a client).</summary>
public static class MessageFrames
{
    public static IEnumerable<Protocol.Frame> Split(byte opcode, ReadOnlyMemory<byte> payload, int? fragmentSize, bool compressed,
        Role role = Role.Client)
    {
        var size = fragmentSize ?? Math.Max(payload.Length, 1);
        var at = 0;
        do
        {
            var length = Math.Min(size, payload.Length - at);
            var last = at + length >= payload.Length;
            yield return new Protocol.Frame(at == 0 ? opcode : Protocol.Opcodes.Continuation, payload.Slice(at, length), fin: last,
                rsv: at == 0 && compressed ? (byte)4 : (byte)0, maskKey: role.Masks() ? Protocol.Masking.NewKey() : null);
            at += length;
        } while (at < payload.Length);
    }
}

/// <summary>
/// Over HTTP/2: the suite ends its side of the WebSocket's stream, an empty DATA frame with END_STREAM, which RFC 8441 5
/// makes the TCP FIN; nothing more is written on the stream.
/// </summary>
public sealed record EndStreamStep : Step
{
    public override string Describe() => "END_STREAM on the WebSocket's stream (RFC 8441 5: as a TCP FIN)";
}

/// <summary>Over HTTP/2: the suite resets the WebSocket's stream with RST_STREAM and the code, which RFC 8441 5 makes a TCP reset.</summary>
public sealed record ResetStreamStep(Protocol.Http2.Http2ErrorCode Code) : Step
{
    public override string Describe() => $"RST_STREAM {Http2FrameRead.ErrorName(Code)} on the WebSocket's stream (RFC 8441 5: as a TCP reset)";
}

/// <summary>
/// Over HTTP/2: another WebSocket on the same connection, opened with the suite's valid extended CONNECT on the next
/// stream, one text message sent on it and its echo awaited (within the opening handshake's timeout); Reset then resets
/// that stream (RST_STREAM CANCEL), else it stays open until the connection ends.
/// </summary>
public sealed record OtherWebSocketStep(byte[] Payload, bool Reset) : Step
{
    public override string Describe() =>
        $"another WebSocket on the same HTTP/2 connection, a text message of {Payload.Length} octet(s) on it" + (Reset ? ", then RST_STREAM CANCEL on it" : "");
}
