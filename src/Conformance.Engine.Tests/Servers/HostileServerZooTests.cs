using System.Diagnostics;

namespace Conformance.Engine.Tests;

/// <summary>
/// The whole catalogue against each hostile server: the run ends within its deadline, every case gets a verdict,
/// memory stays bounded and the results are written (with the server's HTML kept as escaped data).
/// </summary>
[NonParallelizable]
public class HostileServerZooTests
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromMinutes(3);
    /// <summary>
    /// What the run holds: the managed heap after each collection, above what the process held before the run (the
    /// catalogue, the caches earlier tests filled), the in-process hostile server's included. Garbage between
    /// collections is the working set's part; after a collection of the young generations only, the old one still
    /// counts its garbage. The in-process servers that echo (never closes) hold their own copies of category 9's
    /// messages, so this is above the run's own budget (<see cref="MemoryBudget.DefaultBytes"/>).
    /// </summary>
    private const long HeldLimit = 1536L * 1024 * 1024;

    /// <summary>
    /// The test process's resident memory: the run's heap, the runtime, the test framework and the hostile server. A
    /// server that floods at loopback speed takes this process to about 1 GiB (the run's budget,
    /// <see cref="MemoryBudget.DefaultBytes"/>, collects behind it).
    /// </summary>
    private const long WorkingSetLimit = 1536L * 1024 * 1024;

    private static IEnumerable<HostileServer> Servers => HostileServerZoo.All();

    [TestCaseSource(nameof(Servers))]
    public async Task The_whole_catalogue_survives(HostileServer hostile)
    {
        var cases = CatalogueRuns.Cases;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var output = Directory.CreateTempSubdirectory("conformance-hostile-").FullName;
        await using var server = hostile.Start();
        var url = hostile.Url(server);
        var options = new RunOptions { Session = new SessionOptions { Target = url } };
        if (hostile.Parallelism is { } parallelism) options = options with { Parallelism = parallelism };
        try
        {
            using var memory = new MemorySampler();
            using var deadline = new CancellationTokenSource(RunDeadline);
            var started = DateTimeOffset.UtcNow;
            var watch = Stopwatch.StartNew();
            RunOutcome outcome;
            using (var writer = new ResultsWriter(output))
            {
                outcome = await Runner.RunAsync(cases, options, r => writer.Append("hostile", r), deadline.Token);
                var document = new ResultsDocument
                {
                    ToolVersion = "test", GeneratedAt = DateTimeOffset.UtcNow,
                    Runs =
                    [
                        new RunResults
                        {
                            ToolVersion = "test", Target = url.ToString(), Agent = "hostile", StartedAt = started,
                            FinishedAt = DateTimeOffset.UtcNow, Interrupted = outcome.Interrupted, CasesSelected = cases.Count,
                            Cases = outcome.Results,
                        },
                    ],
                };
                writer.WriteAll(document);
                Reports.ReportWriter.Write(output, document);
            }

            watch.Stop();
            var verdicts = outcome.Results.GroupBy(r => r.Verdicts).Select(g => $"{g.Key} {g.Count()}");
            TestContext.Out.WriteLine(
                $"{hostile.Name}: {cases.Count} cases in {watch.Elapsed.TotalSeconds:F1} s, held {memory.PeakHeld / (1024 * 1024)} MiB at most after a collection (peak managed heap {memory.PeakManagedHeap / (1024 * 1024)} MiB), " +
                $"peak working set {memory.PeakWorkingSet / (1024 * 1024)} MiB; {string.Join(", ", verdicts)}; " +
                $"{outcome.Results.Count(r => r.FirstRun is not null)} run again alone, down to {outcome.LowestParallelism} at once");

            Assert.That(outcome.Interrupted, Is.False, $"the run ended within {RunDeadline}");
            Assert.That(outcome.Results.Select(r => r.Id), Is.EquivalentTo(cases.Select(c => c.Id)), "every case got a verdict");
            Assert.That(outcome.Results.Where(r => !Enum.IsDefined(r.Behavior) || !Enum.IsDefined(r.BehaviorClose)), Is.Empty);
            Assert.That(memory.PeakHeld, Is.LessThan(HeldLimit), "held after a collection");
            Assert.That(memory.PeakWorkingSet, Is.LessThan(WorkingSetLimit), "working set");
            var written = ResultsWriter.ReadAll(Path.Combine(output, "results.json"));
            Assert.That(written.Runs.Single().Cases, Has.Count.EqualTo(cases.Count), "results.json holds every case");
            Assert.That(File.Exists(Path.Combine(output, "index.json")), Is.True);
            Assert.That(File.Exists(Path.Combine(output, "index.html")), Is.True, "the report is produced");
            Assert.That(Directory.EnumerateFiles(Path.Combine(output, "cases"), "*.html").Count(), Is.EqualTo(cases.Count));
            Assert.That(File.ReadAllText(Path.Combine(output, "results.json")), Does.Not.Contain("<script>"), "HTML is escaped");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Samples the managed heap and the working set every 20 ms, keeping the largest.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly Process _process = Process.GetCurrentProcess();

        public MemorySampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));

        private readonly long _before = HeapAfterCollection();

        public long PeakManagedHeap { get; private set; }

        /// <summary>The most the heap held after a collection during the run, above what it held before.</summary>
        public long PeakHeld { get; private set; }

        private static long HeapAfterCollection() => GC.GetGCMemoryInfo().GenerationInfo.ToArray().Sum(g => g.SizeAfterBytes);

        public long PeakWorkingSet { get; private set; }

        private void Sample()
        {
            lock (_process)
            {
                _process.Refresh();
                PeakManagedHeap = Math.Max(PeakManagedHeap, GC.GetTotalMemory(false));
                PeakHeld = Math.Max(PeakHeld, HeapAfterCollection() - _before);
                PeakWorkingSet = Math.Max(PeakWorkingSet, _process.WorkingSet64);
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            Sample();
            _process.Dispose();
        }
    }
}
