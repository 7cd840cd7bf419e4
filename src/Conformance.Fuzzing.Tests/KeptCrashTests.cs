using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Tests;

/// <summary>
/// Every crash the coverage-guided fuzzer kept (fuzz-corpus/HARNESS/crashes/) runs through the plain harness
/// logic without an exception: each was fixed, and stays fixed.
/// </summary>
public class KeptCrashTests
{
    [Test]
    public void No_kept_crash_fails_any_more()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var folder in Directory.Exists(RepositoryPaths.Corpus) ? Directory.EnumerateDirectories(RepositoryPaths.Corpus) : [])
        {
            var crashes = Path.Combine(folder, "crashes");
            if (!Directory.Exists(crashes)) continue;
            var harness = HarnessCatalogue.Find(Path.GetFileName(folder));
            Assert.That(harness, Is.Not.Null, $"{folder} is named after no harness");
            foreach (var file in Directory.EnumerateFiles(crashes))
            {
                count++;
                try
                {
                    harness!.Run(File.ReadAllBytes(file));
                }
                catch (Exception e)
                {
                    failures.Add($"{Path.GetRelativePath(RepositoryPaths.Root, file)}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        TestContext.Out.WriteLine($"{count} kept crash(es) replayed");
        Assert.That(failures, Is.Empty);
    }
}
