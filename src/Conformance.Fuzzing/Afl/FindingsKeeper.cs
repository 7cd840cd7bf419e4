using System.Security.Cryptography;

namespace Conformance.Fuzzing.Afl;

/// <summary>
/// Moves what AFL++ found into the kept corpus (fuzz-corpus/HARNESS/): each crash minimised with afl-tmin into
/// crashes/, the new interesting inputs, with those kept before, reduced by afl-cmin into queue/. Files are named
/// by their content's hash, so a finding is kept once, under a name any file system takes.
/// </summary>
internal sealed class FindingsKeeper(AflOptions options, AflTools tools, string program, string harnessName, string folder)
{
    private const int MostCrashesMinimised = 10;

    public string Kept => Path.Combine(options.Corpus, harnessName);

    public async Task<IReadOnlyList<AflCrash>> KeepCrashesAsync(string findings, Action<string> log, CancellationToken cancel)
    {
        var crashes = AflFiles(findings, "crashes").DistinctBy(f => Hash(File.ReadAllBytes(f))).ToList();
        if (crashes.Count > MostCrashesMinimised)
            log($"{harnessName}: {crashes.Count} crashes; minimising the first {MostCrashesMinimised}, the rest are in {findings}");
        var kept = new List<AflCrash>();
        Directory.CreateDirectory(Path.Combine(Kept, "crashes"));
        foreach (var crash in crashes.Take(MostCrashesMinimised))
        {
            var minimised = Path.Combine(folder, "minimised-crash");
            var tmin = await ExternalProcess.RunAsync(tools.AflTmin,
                ["-i", crash, "-o", minimised, "-m", "none", "-t", AflEnvironment.Milliseconds(options.ExecutionTimeout * 2),
                 .. AflEnvironment.Target(program, harnessName)],
                TimeSpan.FromMinutes(3), cancel, AflEnvironment.For(false));
            var bytes = File.ReadAllBytes(tmin.Succeeded && File.Exists(minimised) ? minimised : crash);
            var file = Path.Combine(Kept, "crashes", Hash(bytes));
            await File.WriteAllBytesAsync(file, bytes, cancel);
            var again = await ReproduceAsync(file, cancel);
            kept.Add(new AflCrash(file, (int)new FileInfo(crash).Length, bytes.Length, again.Succeeded ? null : again.Tail(25)));
            log($"{harnessName}: crash kept in {file} ({bytes.Length} octet(s)); " +
                (again.Succeeded ? "it does not fail when fed to the harness again" : "it fails again when fed to the harness"));
        }

        return kept;
    }

    /// <summary>Feeds a file to the instrumented harness on standard input, as SharpFuzz runs it outside AFL++.</summary>
    public Task<ProcessResult> ReproduceAsync(string file, CancellationToken cancel) =>
        ExternalProcess.RunAsync(program, [harnessName], TimeSpan.FromMinutes(1), cancel, standardInput: File.ReadAllBytes(file));

    /// <summary>Replaces queue/ with the smallest set of new and earlier inputs that covers what they all cover.</summary>
    public async Task<int> KeepQueueAsync(string findings, Action<string> log, CancellationToken cancel)
    {
        var keptQueue = Path.Combine(Kept, "queue");
        var candidates = Path.Combine(folder, "queue-candidates");
        var minimal = Path.Combine(folder, "queue-minimal");
        foreach (var dir in new[] { candidates, minimal }.Where(Directory.Exists)) Directory.Delete(dir, true);
        Directory.CreateDirectory(candidates);
        // The seeds AFL++ started from (orig:) are made again from the cases at each run; only new inputs are kept.
        var newInputs = AflFiles(findings, "queue").Where(f => !Path.GetFileName(f).Contains("orig:", StringComparison.Ordinal));
        var earlier = Directory.Exists(keptQueue) ? Directory.EnumerateFiles(keptQueue) : [];
        foreach (var file in newInputs.Concat(earlier))
        {
            var bytes = File.ReadAllBytes(file);
            await File.WriteAllBytesAsync(Path.Combine(candidates, Hash(bytes)), bytes, cancel);
        }

        if (!Directory.EnumerateFiles(candidates).Any()) return 0;
        var cmin = await ExternalProcess.RunAsync(tools.AflCmin,
            ["-i", candidates, "-o", minimal, "-m", "none", "-t", AflEnvironment.Milliseconds(options.ExecutionTimeout * 2),
             .. AflEnvironment.Target(program, harnessName)],
            TimeSpan.FromMinutes(10), cancel, AflEnvironment.For(false));
        var chosen = cmin.Succeeded && Directory.Exists(minimal) && Directory.EnumerateFiles(minimal).Any() ? minimal : candidates;
        if (chosen == candidates) log($"{harnessName}: afl-cmin failed, keeping every new input:\n{cmin.Tail(5)}");

        if (Directory.Exists(keptQueue)) Directory.Delete(keptQueue, true);
        Directory.CreateDirectory(keptQueue);
        foreach (var file in Directory.EnumerateFiles(chosen)) File.Copy(file, Path.Combine(keptQueue, Path.GetFileName(file)));
        return Directory.EnumerateFiles(keptQueue).Count();
    }

    /// <summary>AFL++'s inputs of one kind (queue, crashes) from every instance, without its README files.</summary>
    public static IEnumerable<string> AflFiles(string findings, string kind) =>
        Directory.Exists(findings)
            ? Directory.EnumerateDirectories(findings)
                .Select(instance => Path.Combine(instance, kind))
                .Where(Directory.Exists)
                .SelectMany(Directory.EnumerateFiles)
                .Where(f => Path.GetFileName(f).StartsWith("id:", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [];

    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
}
