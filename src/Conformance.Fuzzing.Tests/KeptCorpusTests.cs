using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Tests;

/// <summary>
/// What the coverage-guided fuzzer kept (fuzz-corpus/HARNESS/) runs through the plain harness logic without an
/// exception: every crash in crashes/, because each was fixed and must stay fixed, and every input in queue/.
/// </summary>
public class KeptCorpusTests
{
    [TestCase("crashes")]
    [TestCase("queue")]
    public void No_kept_input_fails(string kind)
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var folder in Directory.Exists(RepositoryPaths.Corpus) ? Directory.EnumerateDirectories(RepositoryPaths.Corpus) : [])
        {
            var inputs = Path.Combine(folder, kind);
            if (!Directory.Exists(inputs)) continue;
            var harness = HarnessCatalogue.Find(Path.GetFileName(folder));
            Assert.That(harness, Is.Not.Null, $"{folder} is named after no harness");
            foreach (var file in Directory.EnumerateFiles(inputs))
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

        TestContext.Out.WriteLine($"{count} kept input(s) in */{kind}/ replayed");
        Assert.That(failures, Is.Empty);
    }
}
