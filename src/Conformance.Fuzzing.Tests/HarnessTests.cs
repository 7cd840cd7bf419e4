using Conformance.Engine.Cases;
using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Tests;

/// <summary>The harnesses' own logic, uninstrumented: it runs on every seed without failing, and finds what it should.</summary>
public class HarnessTests
{
    private static readonly SeedMaterial Material = SeedMaterial.FromCases(Catalogue.Load(RepositoryPaths.Suites).Cases);

    private static IEnumerable<string> DefaultHarnesses => HarnessCatalogue.Default.Select(h => h.Name);

    [Test]
    public void The_catalogue_holds_the_harnesses_by_name()
    {
        Assert.That(HarnessCatalogue.Default.Select(h => h.Name),
            Is.SupersetOf(new[] { "dotnet-websocket", "frame-decoder", "handshake-response", "utf8-validator" }));
        Assert.That(HarnessCatalogue.Find("planted-bug")!.RunsByDefault, Is.False);
        Assert.That(HarnessCatalogue.All.Select(h => h.Name), Is.Unique);
    }

    [TestCaseSource(nameof(DefaultHarnesses))]
    public void Every_seed_runs_without_a_crash(string name)
    {
        var harness = HarnessCatalogue.Find(name)!;
        var seeds = harness.Seeds(Material).ToList();
        Assert.That(seeds, Is.Not.Empty);
        foreach (var seed in seeds) harness.Run(seed);
    }

    [Test]
    public void The_UTF8_harness_runs_on_every_octet_pair() =>
        Assert.That(() =>
        {
            var harness = HarnessCatalogue.Find("utf8-validator")!;
            for (int first = 0; first < 256; first++)
                for (int second = 0; second < 256; second++) harness.Run([(byte)first, (byte)second, 0x80]);
        }, Throws.Nothing);

    [Test]
    public void The_planted_bug_crashes_on_a_masked_frame_cut_short_inside_its_key() =>
        Assert.That(() => HarnessCatalogue.Find("planted-bug")!.Run([0x81, 0xfe, 0x00, 0x7e, 0x01]), Throws.InstanceOf<ArgumentOutOfRangeException>());
}
