namespace Conformance.Engine.Cases;

public abstract record Step
{
    public abstract string Describe();
}

/// <summary>Frames written together (in one write unless chopped).</summary>
public sealed record SendFramesStep(IReadOnlyList<FrameSpec> Frames, int? Chop) : Step
{
    public override string Describe() =>
        string.Join(" + ", Frames.Select(f => f.Describe())) + (Chop is { } c ? $" in chops of {c} octet(s)" : "");
}

public sealed record SendRawStep(byte[] Bytes, int? Chop) : Step
{
    public override string Describe() =>
        $"raw {Bytes.Length} octet(s)" + (Chop is { } c ? $" in chops of {c} octet(s)" : "");
}

public sealed record WaitStep(int Milliseconds, string? Mark) : Step
{
    public override string Describe() => Mark is null ? $"wait {Milliseconds} ms" : $"wait {Milliseconds} ms, then mark {Mark}";
}

/// <summary>
/// One message, as one frame or split into frames of FragmentSize payload octets (the first with the opcode,
/// the rest continuations, FIN on the last), written together unless chopped.
/// </summary>
public sealed record SendMessageStep(byte Opcode, byte[] Payload, int? FragmentSize, int? Chop) : Step
{
    public IEnumerable<Protocol.Frame> Frames()
    {
        var size = FragmentSize ?? Math.Max(Payload.Length, 1);
        var at = 0;
        do
        {
            var length = Math.Min(size, Payload.Length - at);
            var last = at + length >= Payload.Length;
            yield return new Protocol.Frame(at == 0 ? Opcode : Protocol.Opcodes.Continuation,
                Payload.AsMemory(at, length), fin: last, maskKey: Protocol.Masking.NewKey());
            at += length;
        } while (at < Payload.Length);
    }

    public override string Describe() =>
        $"{Protocol.Opcodes.Name(Opcode)} message of {Payload.Length} octet(s)"
        + (FragmentSize is { } f ? $" in fragments of {f} octet(s)" : "")
        + (Chop is { } c ? $" in chops of {c} octet(s)" : "");
}

/// <summary>The same message Count times, each sent only once the server's answer to the one before has arrived.</summary>
public sealed record RoundTripsStep(int Count, byte Opcode, byte[] Payload) : Step
{
    public override string Describe() => $"{Count} round trips of a {Protocol.Opcodes.Name(Opcode)} message of {Payload.Length} octet(s)";
}
