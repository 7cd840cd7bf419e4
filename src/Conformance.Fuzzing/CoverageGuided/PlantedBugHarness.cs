using Conformance.Fuzzing.CoverageGuided.PlantedBug;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// A deliberately broken frame header parser (<see cref="BrokenFrameHeaderParser"/>): the fuzzer must find its
/// crash within a short budget. Run only when named; the tests run it to prove the set-up works.
/// </summary>
public sealed class PlantedBugHarness : Harness
{
    public override string Name => "planted-bug";

    public override string Description => "a frame header parser broken on purpose (proves that a crash is found and reproduces)";

    public override bool RunsByDefault => false;

    public override IReadOnlyList<InstrumentedAssembly> Instrumented { get; } =
        [new("Conformance.Fuzzing.dll", typeof(BrokenFrameHeaderParser).Namespace!)];

    public override void Run(ReadOnlySpan<byte> input) => BrokenFrameHeaderParser.TryParse(input);

    public override IEnumerable<byte[]> Seeds(SeedMaterial material) =>
    [
        [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58],
        [0x88, 0x80, 0x00, 0x00, 0x00, 0x00],
    ];
}
