using System.Globalization;
using System.Text.Json;
using Conformance.Engine.Configuration;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Fuzzing;
using Conformance.Reports;
using Conformance.Targets;

namespace Conformance.Cli;

/// <summary>`conformance fuzz`: generated conversations against the target until --duration or --count; findings shrunk and kept.</summary>
internal static class FuzzCommand
{
    public static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, string? duration, long? count, int? seed, string corpus)
    {
        Settings settings;
        try
        {
            settings = SettingsReader.Read(configFile ?? "conformance.json", configFile is not null, commandLine);
        }
        catch (SettingsException e)
        {
            return Fail(e.Message, ExitCodes.Usage);
        }
        if (settings.Targets.Count > 1) return Fail("fuzz: give one target", ExitCodes.Usage);
        TimeSpan? budget = null;
        if (duration is not null)
        {
            if (ParseDuration(duration) is not { } parsed) return Fail($"--duration: \"{duration}\" is not a duration such as 90s, 10m or 2h", ExitCodes.Usage);
            budget = parsed;
        }
        if (count is < 1) return Fail($"--count: {count} is not a positive number of conversations", ExitCodes.Usage);
        if (budget is null && count is null) budget = TimeSpan.FromMinutes(1);

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        await using var embedded = settings.Targets.Count == 0 ? await KestrelEchoServer.StartAsync() : null;
        var target = embedded?.Url ?? settings.Targets[0];
        var agent = settings.Agent ?? (embedded is null ? $"{target.Host}_{target.Port}" : "kestrel-embedded");
        var session = settings.SessionFor(target);
        if (await Runner.ProbeAsync(session, stop.Token) is { } unreachable)
            return Fail($"cannot test {target}: {unreachable}", ExitCodes.Unreachable);

        var runSeed = seed ?? Random.Shared.Next();
        Console.Error.WriteLine($"fuzz: {target} with seed {runSeed}, {settings.Parallelism} conversations at a time, " +
                                (budget is { } b ? $"for {b.TotalSeconds:0} s" : $"{count} conversations") + $"; findings go to {corpus}/");
        var lastPrinted = TimeSpan.Zero;
        var startedAt = DateTimeOffset.UtcNow;
        var outcome = await Fuzzer.RunAsync(new FuzzOptions
        {
            Session = session, Target = agent, Count = count, Duration = budget, Seed = runSeed,
            Parallelism = Math.Min(settings.Parallelism, 32), Corpus = corpus,
        }, p =>
        {
            if (p.Elapsed - lastPrinted < TimeSpan.FromSeconds(2)) return;
            lastPrinted = p.Elapsed;
            Console.Error.WriteLine($"fuzz: {p.Conversations} conversations, {p.Conversations / p.Elapsed.TotalSeconds:0} per second, {p.Findings} finding(s)");
        }, stop.Token);

        Console.WriteLine($"\n{outcome.Conversations} conversations in {outcome.Elapsed.TotalSeconds:0.0} s ({outcome.PerSecond:0} per second), seed {runSeed}");
        foreach (var f in outcome.Findings)
        {
            Console.WriteLine($"  finding {f.Signature} (conversation {f.Index}, shrunk in {f.ShrinkRuns} runs): {f.Minimal}");
            Console.WriteLine($"    {f.Result.Behavior}/{f.Result.BehaviorClose}: {f.Result.Reason}");
            Console.WriteLine(f.File is null ? "    (already in the corpus)" : $"    {f.File}");
        }
        if (outcome.ServerStopped is { } stopped) Console.WriteLine($"  finding: {stopped}");

        var document = new ResultsDocument
        {
            ToolVersion = typeof(FuzzCommand).Assembly.GetName().Version?.ToString(3) ?? "",
            GeneratedAt = DateTimeOffset.UtcNow,
            Runs =
            [
                new RunResults
                {
                    ToolVersion = typeof(FuzzCommand).Assembly.GetName().Version?.ToString(3) ?? "", Target = target.ToString(),
                    Agent = "fuzz-" + agent, StartedAt = startedAt, FinishedAt = DateTimeOffset.UtcNow, Interrupted = outcome.Interrupted,
                    Error = outcome.ServerStopped, CasesSelected = outcome.Findings.Count, Cases = outcome.Findings.Select(f => f.Result).ToList(),
                },
            ],
        };
        Directory.CreateDirectory(settings.Out);
        using (var writer = new ResultsWriter(settings.Out)) writer.WriteAll(document);
        ReportWriter.Write(settings.Out, document);
        await File.WriteAllTextAsync(Path.Combine(settings.Out, "fuzz.json"), JsonSerializer.Serialize(new
        {
            target = target.ToString(), seed = runSeed, conversations = outcome.Conversations,
            seconds = Math.Round(outcome.Elapsed.TotalSeconds, 1), perSecond = Math.Round(outcome.PerSecond),
            findings = outcome.Findings.Select(f => new { f.Signature, conversation = f.Index, minimal = f.Minimal.ToString(), file = f.File }),
            serverStopped = outcome.ServerStopped,
        }, ResultsWriter.Json));
        Console.WriteLine($"report: {Path.GetFullPath(ReportWriter.IndexPath(settings.Out))} (and fuzz.json)");
        if (outcome.Interrupted) return ExitCodes.Interrupted;
        return outcome.Findings.Count > 0 || outcome.ServerStopped is not null ? ExitCodes.VerdictsFailed : ExitCodes.Completed;
    }

    /// <summary>90s, 10m, 2h, or a number of seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text[^1]) ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => null,
        };
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"conformance: {message}");
        return code;
    }
}
