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
