using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Configuration;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Pipeline;

namespace Conformance.Cli;

/// <summary>
/// `conformance bench`: how long the selected cases take, in parallel and one at a time, per category, against
/// the machine's loopback speed. A timed harness rather than BenchmarkDotNet: the figure wanted is the wall time of
/// whole runs (seconds, a handful of repetitions), not a micro-benchmark of one method.
/// </summary>
internal static class BenchCommand
{
    private const long LoopbackOctets = 1L << 30;

    private static readonly TimeSpan LongestSerialCategory = TimeSpan.FromMinutes(1);

    public static Command Create()
    {
        var bench = new Command("bench",
            "Time the selected cases against the embedded server (or --target): whole runs in parallel, each category in parallel " +
            "and one at a time (a category whose parallel run takes over a minute is not also run one at a time), beside the " +
            "loopback speed and the process's processor time; lists every case whose verdicts changed between the rounds (a move " +
            "within a race class is no change); with --http2, also the same selection over HTTP/2 with the other use of connections (shared by many cases' streams, or one per case, see --http2-streams) and over HTTP/1.1, as many rounds each; writes bench.json to the results folder.");
        var flags = new CommandLineFlags();
        flags.AddTo(bench);
        var rounds = TypedOptions.WholeNumber("--rounds", "Parallel runs of the whole selection to time and compare", 1, 100, 3, text => $"{text} is not a whole number from 1 to 100");
        var wholeOnly = new Option<bool>("--whole-only")
        {
            Description = "Time only whole runs of the selection: no warm-up run, no per-category runs (for long selections such as 12.*,13.*)",
        };
        bench.Options.Add(rounds);
        bench.Options.Add(wholeOnly);
        bench.SetAction(async (parse, cancel) =>
        {
            try
            {
                return await ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), parse.GetValue(rounds), parse.GetValue(wholeOnly), cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine("\nconformance: interrupted; no figures written");
                return ExitCodes.Interrupted;
            }
        });
        return bench;
    }

    private static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, int rounds, bool wholeOnly, CancellationToken interrupt)
    {
        if (Selection.Load(commandLine, configFile) is not var (settings, cases)) return ExitCodes.Usage;
        if (settings.Http2 && cases.Count(c => c.OnlyOverHttp2) is var onlyHttp2 and > 0)
        {
            // The figure compares the same cases over both transports.
            cases = cases.Where(c => !c.OnlyOverHttp2).ToList();
            if (cases.Count == 0) return ExitCodes.Fail("bench --http2 times cases over HTTP/2 and HTTP/1.1, and the extended CONNECT cases selected are played over HTTP/2 only", ExitCodes.Usage);
            Console.Error.WriteLine($"bench: the {onlyHttp2} extended CONNECT case(s) (E.*) are played over HTTP/2 only, so not timed against HTTP/1.1: left out");
        }
        if (OutputFolder.Problem(settings.Out, "out") is { } unwritable) return ExitCodes.Fail(unwritable);

        await using var pipeline = await RunPipeline.StartAsync(settings);
        var target = pipeline.Targets[0];
        if (await pipeline.ProbeAsync(target, interrupt) is { } unreachable)
            return ExitCodes.Fail($"cannot test {target}: {unreachable}", ExitCodes.Unreachable);
        RunOptions Options(int parallelism) => pipeline.Options(target, parallelism);

        Console.Error.WriteLine($"bench: {cases.Count} case(s) against {target}{(pipeline.Embedded ? " (embedded Kestrel)" : "")}, {rounds} round(s)");
        var loopback = MeasureLoopback();
        Console.Error.WriteLine($"bench: loopback TCP {Rate(LoopbackOctets, loopback)}");

        // With --http2, every round also times the other use of HTTP/2 connections (shared by many cases' streams, or one
        // per case) and HTTP/1.1 against the same server (a second embedded one, serving HTTP/1.1), in turn, so that
        // warming up and the machine's load weigh on all three alike; a first, untimed pass warms all of them up.
        var otherStreams = settings.Http2Streams > 1 ? 1 : settings.Parallelism;
        await using var http1 = settings.Http2 ? await RunPipeline.StartAsync(settings with { Http2 = false }) : null;
        RunOptions OtherHttp2() => Options(settings.Parallelism) with { Http2StreamsPerConnection = otherStreams };
        RunOptions Http1() => http1!.Options(http1.Targets[0], settings.Parallelism);
        if (!wholeOnly || settings.Http2)
        {
            await TimeAsync(cases, Options(settings.Parallelism), interrupt);
            if (http1 is not null)
            {
                await TimeAsync(cases, OtherHttp2(), interrupt);
                await TimeAsync(cases, Http1(), interrupt);
            }
        }
        var parallelTimes = new List<TimeSpan>();
        var processorTimes = new List<TimeSpan>();
        var everyRound = new List<IReadOnlyList<CaseResult>>();
        var otherHttp2 = new List<TimeSpan>();
        var overHttp1 = new List<TimeSpan>();
        IReadOnlyList<CaseResult> parallelResults = [];
        for (var round = 1; round <= rounds; round++)
        {
            var processorBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var (elapsed, results) = await TimeAsync(cases, Options(settings.Parallelism), interrupt);
            var processor = Process.GetCurrentProcess().TotalProcessorTime - processorBefore;
            parallelTimes.Add(elapsed);
            processorTimes.Add(processor);
            parallelResults = results;
            everyRound.Add(results);
            Console.Error.WriteLine($"bench: round {round}: {elapsed.TotalSeconds:0.00} s, {processor.TotalSeconds:0.0} s of processor time in this process"
                                    + (pipeline.Embedded ? " (the embedded server's included)" : "")
                                    + $", {results.Count(r => r.Behavior != Verdict.Ok)} not OK");
            if (http1 is null) continue;
            var (other, otherResults) = await TimeAsync(cases, OtherHttp2(), interrupt);
            otherHttp2.Add(other);
            Console.Error.WriteLine($"bench: round {round} over HTTP/2, {Connections(otherStreams)}: {other.TotalSeconds:0.00} s, {otherResults.Count(r => r.Behavior != Verdict.Ok)} not OK");
            var (took, http1Results) = await TimeAsync(cases, Http1(), interrupt);
            overHttp1.Add(took);
            Console.Error.WriteLine($"bench: round {round} over HTTP/1.1: {took.TotalSeconds:0.00} s, {http1Results.Count(r => r.Behavior != Verdict.Ok)} not OK");
        }

        var perCategory = new List<(string Category, string Title, int Count, TimeSpan Parallel, TimeSpan? Serial)>();
        var serialResults = new List<CaseResult>();
        foreach (var category in wholeOnly ? [] : cases.GroupBy(c => c.Category))
        {
            var list = category.ToList();
            var (parallel, _) = await TimeAsync(list, Options(settings.Parallelism), interrupt);
            TimeSpan? serial = null;
            if (parallel <= LongestSerialCategory)
            {
                var (took, results) = await TimeAsync(list, Options(1), interrupt);
                serial = took;
                serialResults.AddRange(results);
            }
            perCategory.Add((category.Key, list[0].CategoryTitle, list.Count, parallel, serial));
            Console.Error.WriteLine($"bench: category {category.Key}: {parallel.TotalSeconds:0.00} s in parallel, "
                                    + (serial is { } s ? $"{s.TotalSeconds:0.00} s one at a time" : "not run one at a time (over a minute in parallel)"));
        }

        var peakResident = PeakResidentBytes();
        Console.Error.WriteLine($"bench: peak resident memory {peakResident / (1024 * 1024)} MiB"
                                + (pipeline.Embedded ? " (the embedded server's included)" : "")
                                + $"; the goal is under {MemoryGoal / (1024 * 1024)} MiB at the default settings"
                                + (peakResident > MemoryGoal ? ": NOT MET" : ""));
        var changed = ChangedAcrossRounds(everyRound);
        var report = Render(cases.Count, settings.Parallelism, loopback, parallelTimes, perCategory, parallelResults, serialResults, changed);
        Console.Write(report);
        if (settings.Http2)
        {
            Console.WriteLine($"over HTTP/2 (extended CONNECT), {Connections(settings.Http2Streams)}: best {parallelTimes.Min().TotalSeconds:0.00} s, median {Median(parallelTimes).TotalSeconds:0.00} s");
            Console.WriteLine($"over HTTP/2 (extended CONNECT), {Connections(otherStreams)}: best {otherHttp2.Min().TotalSeconds:0.00} s, median {Median(otherHttp2).TotalSeconds:0.00} s");
            Console.WriteLine($"over HTTP/1.1, a connection per case: best {overHttp1.Min().TotalSeconds:0.00} s, median {Median(overHttp1).TotalSeconds:0.00} s");
        }
        Directory.CreateDirectory(settings.Out);
        var file = Path.Combine(settings.Out, "bench.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            target = target.ToString(),
            http2 = settings.Http2,
            http2StreamsPerConnection = settings.Http2 ? settings.Http2Streams : (int?)null,
            http2OtherStreamsPerConnection = settings.Http2 ? otherStreams : (int?)null,
            http2OtherRoundsSeconds = otherHttp2.Select(t => Math.Round(t.TotalSeconds, 3)),
            http1RoundsSeconds = overHttp1.Select(t => Math.Round(t.TotalSeconds, 3)),
            cases = cases.Count,
            parallelism = settings.Parallelism,
            loopbackMegabytesPerSecond = Math.Round(LoopbackOctets / loopback.TotalSeconds / 1e6),
            roundsSeconds = parallelTimes.Select(t => Math.Round(t.TotalSeconds, 3)),
            roundsProcessorSeconds = processorTimes.Select(t => Math.Round(t.TotalSeconds, 1)),
            peakResidentMegabytes = Math.Round(peakResident / 1e6),
            memoryGoalMegabytes = Math.Round(MemoryGoal / 1e6),
            roundsRunTwice = everyRound.Select(r => r.Count(c => c.FirstRun is not null)),
            verdictsChangedAcrossRounds = changed.Select(c => new { id = c.Id, verdicts = c.Verdicts }),
            categories = perCategory.Select(c => new
            {
                category = c.Category, title = c.Title, cases = c.Count,
                parallelSeconds = Math.Round(c.Parallel.TotalSeconds, 3), serialSeconds = c.Serial is { } s ? Math.Round(s.TotalSeconds, 3) : (double?)null,
            }),
        }, ResultsWriter.Json));
        Console.WriteLine($"bench: {Path.GetFullPath(file)}");
        return ExitCodes.Completed;
    }

    private static string Connections(int streamsPerConnection) =>
        streamsPerConnection == 1 ? "a connection per case" : $"cases sharing connections, up to {streamsPerConnection} streams each";

    private static TimeSpan Median(IReadOnlyList<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>The most resident memory a run of the whole catalogue may take, the embedded server's included.</summary>
    private const long MemoryGoal = 1L << 30;

    /// <summary>The process's peak resident set (VmHWM on Linux).</summary>
    private static long PeakResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>Cases whose verdicts were not the same in every round; a move within a race class is no change.</summary>
    private static IReadOnlyList<(string Id, IReadOnlyList<string> Verdicts)> ChangedAcrossRounds(IReadOnlyList<IReadOnlyList<CaseResult>> rounds) =>
        rounds.SelectMany(r => r).GroupBy(r => r.Id)
            .Select(g => (g.Key, Distinct: g.Select(r => r.IsWithinRace ? $"{string.Join(" or ", r.Race!.Behaviors.Select(v => v.Word()))}/{r.BehaviorClose.Word()}" : r.Verdicts.ToString()).Distinct().ToList()))
            .Where(c => c.Distinct.Count > 1)
            .OrderBy(c => c.Key, CaseIdComparer.Instance)
            .Select(c => (c.Key, (IReadOnlyList<string>)c.Distinct)).ToList();

    private static async Task<(TimeSpan Elapsed, IReadOnlyList<CaseResult> Results)> TimeAsync(
        IReadOnlyList<CaseDefinition> cases, RunOptions options, CancellationToken interrupt)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await Runner.RunAsync(cases, options, _ => { }, interrupt);
        interrupt.ThrowIfCancellationRequested();
        return (clock.Elapsed, outcome.Results);
    }

    /// <summary>One connection on 127.0.0.1 carrying LoopbackOctets one way in 1 MiB writes: the ceiling for an echo.</summary>
    private static TimeSpan MeasureLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var sender = new TcpClient();
        sender.Connect((IPEndPoint)listener.LocalEndpoint);
        using var receiver = listener.AcceptTcpClient();
        var clock = Stopwatch.StartNew();
        var reading = Task.Run(() =>
        {
            var buffer = new byte[1 << 20];
            long total = 0;
            var stream = receiver.GetStream();
            while (total < LoopbackOctets)
            {
                var n = stream.Read(buffer);
                if (n == 0) break;
                total += n;
            }
        });
        var chunk = new byte[1 << 20];
        var output = sender.GetStream();
        for (long sent = 0; sent < LoopbackOctets; sent += chunk.Length) output.Write(chunk);
        reading.Wait();
        return clock.Elapsed;
    }

    private static string Rate(long octets, TimeSpan elapsed) => $"{octets / elapsed.TotalSeconds / 1e6:0} MB/s";

    private static string Render(
        int count, int parallelism, TimeSpan loopback, IReadOnlyList<TimeSpan> rounds,
        IReadOnlyList<(string Category, string Title, int Count, TimeSpan Parallel, TimeSpan? Serial)> perCategory,
        IReadOnlyList<CaseResult> parallelResults, IReadOnlyList<CaseResult> serialResults,
        IReadOnlyList<(string Id, IReadOnlyList<string> Verdicts)> changedAcrossRounds)
    {
        var text = new StringBuilder();
        var sorted = rounds.OrderBy(t => t).ToList();
        text.AppendLine();
        text.AppendLine($"all {count} case(s), {parallelism} at a time: best {sorted[0].TotalSeconds:0.00} s, median {sorted[sorted.Count / 2].TotalSeconds:0.00} s over {rounds.Count} round(s)");
        if (perCategory.Count > 0)
        {
            text.AppendLine($"one at a time (sum of the categories run so): {perCategory.Sum(c => c.Serial?.TotalSeconds ?? 0):0.00} s");
            text.AppendLine();
            text.AppendLine($"{"category",-34} {"cases",5} {"parallel",9} {"one by one",11}");
        }
        foreach (var c in perCategory)
        {
            var name = $"{c.Category} {c.Title}";
            if (name.Length > 34) name = name[..33] + "…";
            var serial = c.Serial is { } s ? $"{s.TotalSeconds,10:0.00}s" : $"{"-",11}";
            text.AppendLine($"{name,-34} {c.Count,5} {c.Parallel.TotalSeconds,8:0.00}s {serial}");
        }

        text.AppendLine();
        text.AppendLine($"loopback TCP, one connection, one way: {Rate(LoopbackOctets, loopback)}");
        foreach (var r in serialResults.Where(r => r.Id is "9.1.6" or "9.2.6" or "9.3.9" or "9.4.9"))
        {
            if (r.DurationMs <= 0) continue;
            var octets = 2L * (r.Id is "9.1.6" or "9.2.6" ? 16 : 4) * 1024 * 1024;
            text.AppendLine($"{r.Id} one at a time: {r.DurationMs} ms for the echo of {octets / 2 / (1024 * 1024)} MiB ({Rate(octets, TimeSpan.FromMilliseconds(r.DurationMs))} both ways together)");
        }

        text.AppendLine();
        text.AppendLine(changedAcrossRounds.Count == 0
            ? $"verdicts: the same in all {rounds.Count} round(s) (a move within a race class is no change)"
            : $"verdicts that changed between the {rounds.Count} rounds, outside race classes ({changedAcrossRounds.Count}):");
        foreach (var (id, verdicts) in changedAcrossRounds) text.AppendLine($"  {id}: {string.Join(", then ", verdicts)}");

        var serialById = serialResults.ToDictionary(r => r.Id);
        var differing = parallelResults
            .Where(r => serialById.TryGetValue(r.Id, out var s) && s.Verdicts != r.Verdicts
                        && !(r.IsWithinRace && s.IsWithinRace && s.BehaviorClose == r.BehaviorClose))
            .Select(r => $"  {r.Id}: {r.Verdicts} in parallel, {serialById[r.Id].Verdicts} one at a time")
            .ToList();
        if (serialResults.Count == 0) return text.ToString();
        text.AppendLine();
        text.AppendLine(differing.Count == 0
            ? "verdicts: the same in parallel and one at a time"
            : $"verdicts that differ between the last parallel round and the one-at-a-time run ({differing.Count}):");
        foreach (var line in differing) text.AppendLine(line);
        return text.ToString();
    }
}
