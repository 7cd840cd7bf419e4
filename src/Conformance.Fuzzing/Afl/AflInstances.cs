using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Conformance.Fuzzing.Afl;

/// <summary>
/// afl-fuzz on one harness: one instance, or with several jobs a main (-M main) and secondaries (-S secondaryN)
/// sharing one findings folder, each logging to its own file beside it.
/// </summary>
internal sealed class AflInstances(AflOptions options, AflTools tools, string program, string harnessName, string folder)
{
    public string Findings => Path.Combine(folder, "findings");

    public string Seeds => Path.Combine(folder, "seeds");

    public string Dictionary => Path.Combine(folder, "dictionary.txt");

    /// <summary>The fuzzer_stats of each instance that got far enough to write one.</summary>
    public IEnumerable<FuzzerStats> Stats =>
        Directory.Exists(Findings)
            ? Directory.EnumerateDirectories(Findings).Select(d => FuzzerStats.Read(Path.Combine(d, "fuzzer_stats"))).OfType<FuzzerStats>()
            : [];

    public async Task<string?> RunAsync(Action<string> log, CancellationToken cancel)
    {
        var processes = new List<(Process Process, string Log)>();
        try
        {
            for (int job = 0; job < options.Jobs; job++)
            {
                string[] role = options.Jobs == 1 ? [] : job == 0 ? ["-M", "main"] : ["-S", $"secondary{job}"];
                string logFile = Path.Combine(folder, options.Jobs == 1 ? "afl-fuzz.log" : $"afl-fuzz-{(job == 0 ? "main" : $"secondary{job}")}.log");
                processes.Add((Start(role, logFile), logFile));
            }

            var clock = Stopwatch.StartNew();
            var limit = options.Duration + TimeSpan.FromMinutes(3);
            while (processes.Any(p => !p.Process.HasExited))
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                tick.CancelAfter(TimeSpan.FromSeconds(30));
                try
                {
                    await Task.WhenAll(processes.Select(p => p.Process.WaitForExitAsync(tick.Token)));
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    if (clock.Elapsed > limit) break;
                    if (Progress(processes[0].Log) is { } progress) log($"{harnessName}: {clock.Elapsed.TotalSeconds:0} s, {progress}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await Task.WhenAll(processes.Select(p => ExternalProcess.StopAsync(p.Process)));
            foreach (var (process, _) in processes) process.Dispose();
        }

        return Stats.Any() ? null : $"afl-fuzz did not start fuzzing; the end of {processes.FirstOrDefault().Log}:\n{Tail(processes.FirstOrDefault().Log)}";
    }

    private Process Start(string[] role, string logFile)
    {
        // bash only opens the log and becomes afl-fuzz (exec), so the process started is afl-fuzz itself.
        var start = new ProcessStartInfo("bash", [
            "-c", "exec \"$@\" >\"$AFL_LOG_FILE\" 2>&1", "bash",
            tools.AflFuzz, "-i", Seeds, "-o", Findings, "-m", "none", "-t", AflEnvironment.Milliseconds(options.ExecutionTimeout),
            "-x", Dictionary, "-V", ((long)options.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), .. role,
            .. AflEnvironment.Target(program, harnessName)])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var (key, value) in AflEnvironment.For(options.StopAtFirstCrash)) start.Environment[key] = value;
        start.Environment["AFL_LOG_FILE"] = logFile;
        return Process.Start(start) ?? throw new AflSetupException($"{tools.AflFuzz} did not start");
    }

    /// <summary>The corpus and crash counts of afl-fuzz's last "Fuzzing test case #N (T total, C crashes saved, ...)" line.</summary>
    private static string? Progress(string log)
    {
        if (!File.Exists(log)) return null;
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(0, stream.Length - 65536), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var last = Regex.Matches(reader.ReadToEnd(), @"\((\d+) total, (\d+) crashes saved").LastOrDefault();
        return last is null ? null : $"corpus {last.Groups[1].Value}, crashes {last.Groups[2].Value}";
    }

    private static string Tail(string? file) =>
        file is not null && File.Exists(file)
            ? string.Join('\n', File.ReadLines(file).Select(l => Regex.Replace(l, @"\x1b\[[0-9;]*m", "")).Where(l => l.Trim().Length > 0).TakeLast(12))
            : "";
}
