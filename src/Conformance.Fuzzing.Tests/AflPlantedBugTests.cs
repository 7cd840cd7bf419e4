using System.Diagnostics;
using Conformance.Fuzzing.Afl;
using Conformance.Fuzzing.CoverageGuided;
using Conformance.Fuzzing.CoverageGuided.PlantedBug;
using Conformance.Protocol;

namespace Conformance.Fuzzing.Tests;

/// <summary>
/// The whole coverage-guided set-up on a bug planted on purpose: install, publish, instrument, AFL++ until the
/// first crash, afl-tmin, and the kept file fails again when fed to the harness. Needs Linux; installs AFL++ and
/// sharpfuzz when missing (./run.sh test has installed them already), and is ignored, saying what it needs, where
/// they cannot be installed.
/// </summary>
[NonParallelizable]
public class AflPlantedBugTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Test]
    public async Task AFL_finds_the_planted_bug_and_the_minimised_crash_reproduces()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("needs afl: Linux (AFL++ with SharpFuzz runs on Linux only)");
        var work = Directory.CreateTempSubdirectory("afl-planted-bug").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var options = new AflOptions
            {
                RepositoryRoot = RepositoryPaths.Root, Harnesses = [HarnessCatalogue.Find("planted-bug")!], Duration = Budget,
                Out = Path.Combine(work, "out"), Corpus = Path.Combine(work, "corpus"), StopAtFirstCrash = true, KeepQueue = false,
            };
            AflHarnessOutcome outcome;
            try
            {
                outcome = (await AflEngine.RunAsync(options, TestContext.Progress.WriteLine, CancellationToken.None)).Single();
            }
            catch (AflSetupException e) when (e.CannotInstallHere)
            {
                Assert.Ignore($"needs afl: {e.Message}");
                return;
            }

            Assert.That(outcome.Error, Is.Null);
            TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds:0} s in all; AFL++: {outcome.Stats}");
            var crash = outcome.Crashes.FirstOrDefault();
            Assert.That(crash, Is.Not.Null, $"no crash within {Budget.TotalSeconds} s of fuzzing");
            Assert.That(crash!.Reproduction, Does.Contain(nameof(BrokenFrameHeaderParser)), "the kept file, fed to the harness, fails again");
            Assert.That(crash.MinimisedLength, Is.LessThanOrEqualTo(crash.OriginalLength));

            var bytes = File.ReadAllBytes(crash.File);
            Assert.That(() => BrokenFrameHeaderParser.TryParse(bytes), Throws.InstanceOf<ArgumentOutOfRangeException>(), "the plain code fails too");
            Assert.That(FrameHeaderParser.TryParse(bytes, out _, out _), Is.EqualTo(HeaderParseStatus.NeedMoreData), "the real parser waits for the key");
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }
}
