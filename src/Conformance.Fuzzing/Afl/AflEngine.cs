using System.Diagnostics;
using System.Text;
using Conformance.Engine.Cases;
using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Afl;

/// <summary>
/// Coverage-guided fuzzing of the harnesses with AFL++: installs what is missing, publishes and instruments the
/// harness program, seeds each harness from the cases and the kept corpus, runs afl-fuzz for the time given, and
/// keeps what it found (see <see cref="FindingsKeeper"/>).
/// </summary>
public static class AflEngine
{
    /// <summary>AFL++ refuses inputs over 1 MiB.</summary>
    private const int LargestSeed = 1 << 20;

    public static async Task<IReadOnlyList<AflHarnessOutcome>> RunAsync(AflOptions options, Action<string> log, CancellationToken cancel)
    {
        var tools = await AflTools.EnsureAsync(options.RepositoryRoot, log, cancel);
        Directory.CreateDirectory(options.Out);
        var published = Path.Combine(options.Out, "published");
        log($"publishing {HarnessBuild.Project} (self-contained, linux-x64) into {published}");
        await HarnessBuild.PublishAsync(options.RepositoryRoot, published, cancel);
        var material = options.Suites is null ? SeedMaterial.Empty : SeedMaterial.FromCases(Catalogue.Load(options.Suites).Cases);

        var outcomes = new List<AflHarnessOutcome>();
        foreach (var harness in options.Harnesses)
        {
            if (cancel.IsCancellationRequested) break;
            outcomes.Add(await RunHarnessAsync(options, tools, harness, published, material, log, cancel));
        }

        return outcomes;
    }

    private static async Task<AflHarnessOutcome> RunHarnessAsync(
        AflOptions options, AflTools tools, Harness harness, string published, SeedMaterial material, Action<string> log, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var folder = Path.GetFullPath(Path.Combine(options.Out, harness.Name));
        AflHarnessOutcome Failed(string error) => new(harness.Name, null, [], 0, folder, clock.Elapsed, error);
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        Directory.CreateDirectory(folder);

        string program;
        try
        {
            log($"{harness.Name}: instrumenting {string.Join(", ", harness.Instrumented.Select(a => a.FileName))}");
            program = await HarnessBuild.PrepareAsync(harness, published, Path.Combine(folder, "harness"), tools, cancel);
        }
        catch (AflSetupException e)
        {
            return Failed(e.Message);
        }

        var instances = new AflInstances(options, tools, program, harness.Name, folder);
        var keeper = new FindingsKeeper(options, tools, program, harness.Name, folder);
        int seeds = WriteSeeds(harness, material, Path.Combine(keeper.Kept, "queue"), instances.Seeds);
        WriteDictionary(harness.DictionaryTokens, instances.Dictionary);
        log($"{harness.Name}: fuzzing for {options.Duration.TotalSeconds:0} s from {seeds} seeds" +
            (options.Jobs > 1 ? $" with {options.Jobs} instances" : "") + $"; AFL++'s output in {instances.Findings}");
        if (await instances.RunAsync(log, cancel) is { } notStarted) return Failed(notStarted);

        var stats = FuzzerStats.Combine(instances.Stats);
        var crashes = await keeper.KeepCrashesAsync(instances.Findings, log, CancellationToken.None);
        int kept = options.KeepQueue && !cancel.IsCancellationRequested ? await keeper.KeepQueueAsync(instances.Findings, log, cancel) : 0;
        return new AflHarnessOutcome(harness.Name, stats, crashes, kept, folder, clock.Elapsed, null);
    }

    /// <summary>The harness's seeds from the cases, then the inputs kept by earlier runs; each once.</summary>
    private static int WriteSeeds(Harness harness, SeedMaterial material, string keptQueue, string folder)
    {
        Directory.CreateDirectory(folder);
        var kept = Directory.Exists(keptQueue) ? Directory.EnumerateFiles(keptQueue).Order(StringComparer.Ordinal).Select(File.ReadAllBytes) : [];
        var written = new HashSet<string>();
        foreach (var seed in harness.Seeds(material).Concat(kept).Where(s => s.Length is > 0 and <= LargestSeed))
        {
            var name = FindingsKeeper.Hash(seed);
            if (written.Add(name)) File.WriteAllBytes(Path.Combine(folder, name), seed);
        }

        return written.Count;
    }

    /// <summary>AFL++'s dictionary format: one quoted token a line, anything but printable ASCII as \xNN.</summary>
    private static void WriteDictionary(IEnumerable<byte[]> tokens, string path)
    {
        var text = new StringBuilder();
        int n = 0;
        foreach (var token in tokens.DistinctBy(Convert.ToHexString))
        {
            text.Append($"token{n++}=\"");
            foreach (byte b in token)
                text.Append(b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
            text.Append("\"\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}
