using Conformance.Engine.Cases;
using Conformance.Protocol;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// What the scripted cases send, cut down to sizes a coverage-guided fuzzer mutates well: each frame's payload
/// to <see cref="PayloadLimit"/> octets (keeping its length encoding), each case to <see cref="CaseLimit"/>.
/// Mask keys are fixed, so the same cases give the same seeds.
/// </summary>
public sealed class SeedMaterial
{
    public const int PayloadLimit = 256;
    public const int CaseLimit = 4096;
    private const int FramesPerStep = 16;
    private static readonly byte[] SeedMaskKey = [0x37, 0xfa, 0x21, 0x3d];

    private SeedMaterial(IReadOnlyList<byte[]> clientStreams, IReadOnlyList<byte[]> textPayloads)
    {
        ClientStreams = clientStreams;
        TextPayloads = textPayloads;
    }

    /// <summary>Per case, the octets the client writes after the opening handshake, frames and raw octets in order.</summary>
    public IReadOnlyList<byte[]> ClientStreams { get; }

    /// <summary>Per case with text messages, their payloads one after another.</summary>
    public IReadOnlyList<byte[]> TextPayloads { get; }

    public static SeedMaterial Empty { get; } = new([], []);

    public static SeedMaterial FromCases(IEnumerable<CaseDefinition> cases)
    {
        var streams = new List<byte[]>();
        var texts = new List<byte[]>();
        foreach (var definition in cases)
        {
            var stream = new List<byte>();
            var text = new List<byte>();
            foreach (var step in definition.Steps)
            {
                if (step is SendRawStep raw) stream.AddRange(raw.Bytes.Take(CaseLimit));
                foreach (var frame in FramesOf(step))
                {
                    stream.AddRange(frame.Encode());
                    if (frame.Opcode is Opcodes.Text or Opcodes.Continuation) text.AddRange(frame.Payload.ToArray());
                }
            }

            if (stream.Count > 0) streams.Add(stream.Take(CaseLimit).ToArray());
            if (text.Count > 0) texts.Add(text.Take(CaseLimit).ToArray());
        }

        return new SeedMaterial(Distinct(streams), Distinct(texts));
    }

    private static IEnumerable<Frame> FramesOf(Step step)
    {
        IEnumerable<Frame> frames = step switch
        {
            SendFramesStep s => s.Frames.Select(f => f.ToFrame()),
            SendMessageStep m => MessageFrames.Split(m.Opcode, m.Payload, m.FragmentSize, compressed: false),
            RoundTripsStep r => MessageFrames.Split(r.Opcode, r.Messages.At(0), r.FragmentSize, compressed: false),
            _ => [],
        };
        return frames.Take(FramesPerStep).Select(f => new Frame(
            f.Opcode, f.Payload[..Math.Min(f.Payload.Length, PayloadLimit)], f.Fin, f.Rsv,
            f.MaskKey is null ? null : SeedMaskKey, f.LengthEncoding));
    }

    private static List<byte[]> Distinct(List<byte[]> seeds) =>
        seeds.DistinctBy(Convert.ToHexString).ToList();
}
