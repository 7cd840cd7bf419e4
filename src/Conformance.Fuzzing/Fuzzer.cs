using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Engine;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Rnd = FsCheck.Rnd;
using FsCheck.Fluent;

namespace Conformance.Fuzzing;

public sealed record FuzzOptions
{
    public required SessionOptions Session { get; init; }
    /// <summary>The target's name in findings and file names.</summary>
    public required string Target { get; init; }
    public long? Count { get; init; }
    public TimeSpan? Duration { get; init; }
    public long Seed { get; init; }
    public int Parallelism { get; init; } = 8;
    /// <summary>Where minimal findings are kept as case scripts; null keeps them in memory only.</summary>
    public string? Corpus { get; init; }
    public int MaxShrinkRuns { get; init; } = 150;
}

/// <param name="File">The case script written for it; null when the corpus already held the same finding.</param>
public sealed record Finding(string Signature, long Index, Conversation Original, Conversation Minimal, int ShrinkRuns, CaseResult Result, string? File);

public sealed record FuzzProgress(long Conversations, int Findings, TimeSpan Elapsed);

public sealed record FuzzOutcome(long Conversations, TimeSpan Elapsed, IReadOnlyList<Finding> Findings, string? ServerStopped, bool Interrupted)
{
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Conversations / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Black-box fuzzing of a WebSocket server: generated conversations, each judged by the oracle its case script
/// carries (a valid one must be echoed exactly and closed cleanly; an invalid one must make the server fail the
/// connection without echoing the invalid part); a failing one is shrunk to a minimal conversation that fails the
/// same way, and kept. Conversation n of a run with seed s is the same on every machine.
/// </summary>
public static class Fuzzer
{
    public static Conversation Generate(long seed, long index) =>
        ConversationGenerators.Conversation.Sample(1, new Rnd(Mix(seed, index)), 50).Single();

    public static async Task<FuzzOutcome> RunAsync(FuzzOptions options, Action<FuzzProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var findings = new List<Finding>();
        var signatures = new HashSet<string>();
        var shrinking = new SemaphoreSlim(1, 1);
        var runOptions = new RunOptions { Session = options.Session, Parallelism = 1 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (options.Duration is { } duration) stop.CancelAfter(duration);
        string? serverStopped = null;
        long next = -1, done = 0;

        async Task WorkAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (options.Count is { } count && index >= count) return;
                var conversation = Generate(options.Seed, index);
                var result = await RunAsync(conversation, $"F.{index}", runOptions, stop.Token);
                if (result is null) return;
                var finished = Interlocked.Increment(ref done);
                if (result.Fails)
                {
                    var signature = Signature(conversation, result);
                    await shrinking.WaitAsync(CancellationToken.None);
                    try
                    {
                        if (signatures.Add(signature))
                        {
                            var finding = await ShrinkAsync(conversation, result, signature, index, options, runOptions, stop.Token);
                            lock (findings) findings.Add(finding);
                        }
                    }
                    finally
                    {
                        shrinking.Release();
                    }
                }
                if ((result.Fails || finished % 200 == 0) && await Probe.OpenAsync(options.Session, CancellationToken.None) is { } problem)
                {
                    serverStopped = $"after conversation {index} ({conversation}), the server no longer accepts connections: {problem}";
                    stop.Cancel();
                    return;
                }
                progress?.Invoke(new FuzzProgress(finished, findings.Count, clock.Elapsed));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Parallelism).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
        return new FuzzOutcome(Interlocked.Read(ref done), clock.Elapsed, findings.OrderBy(f => f.Index).ToList(), serverStopped,
            cancel.IsCancellationRequested);
    }

    private static async Task<CaseResult?> RunAsync(Conversation conversation, string id, RunOptions options, CancellationToken cancel)
    {
        try
        {
            return await Runner.RunCaseAsync(ConversationScript.Definition(id, conversation), options, cancel);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>What a finding is, for telling findings apart: the kind of conversation and the verdicts it got.</summary>
    public static string Signature(Conversation conversation, CaseResult result) =>
        $"{conversation.Violation?.Kind.ToString() ?? "Valid"}-{result.Behavior.Word()}-{result.BehaviorClose.Word()}".Replace(' ', '_');

    private static async Task<Finding> ShrinkAsync(
        Conversation original, CaseResult originalResult, string signature, long index, FuzzOptions options, RunOptions runOptions, CancellationToken cancel)
    {
        var minimal = original;
        var result = originalResult;
        var runs = 0;
        var improved = true;
        while (improved && runs < options.MaxShrinkRuns && !cancel.IsCancellationRequested)
        {
            improved = false;
            foreach (var candidate in ConversationShrinker.Shrink(minimal))
            {
                if (runs++ >= options.MaxShrinkRuns) break;
                var candidateResult = await RunAsync(candidate, $"F.{index}", runOptions, CancellationToken.None);
                if (candidateResult is null || !candidateResult.Fails || Signature(candidate, candidateResult) != signature) continue;
                (minimal, result, improved) = (candidate, candidateResult, true);
                break;
            }
        }
        var file = options.Corpus is null ? null : Save(minimal, original, signature, index, runs, options);
        return new Finding(signature, index, original, minimal, runs, result, file);
    }

    /// <summary>Writes the finding as a case script, unless the corpus holds the same finding for the same target.</summary>
    private static string? Save(Conversation minimal, Conversation original, string signature, long index, int runs, FuzzOptions options)
    {
        var folder = Path.Combine(options.Corpus!, SafeName(options.Target));
        var path = Path.Combine(folder, $"{signature}.json");
        if (File.Exists(path)) return null;
        Directory.CreateDirectory(folder);
        var id = "F." + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.Target + "|" + signature)))[..8].ToLowerInvariant();
        var finding = new JsonObject
        {
            ["signature"] = signature,
            ["target"] = options.Target,
            ["seed"] = options.Seed,
            ["conversation"] = index,
            ["foundAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["original"] = original.ToString(),
            ["shrinkRuns"] = runs,
            ["replay"] = $"./run.sh replay {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)} --target {options.Session.Target}",
        };
        File.WriteAllText(path, ConversationScript.File(ConversationScript.Case(id, minimal), finding));
        return path;
    }

    /// <summary>
    /// The target's folder in the corpus: its name made file-safe (never "." or ".."), and, when that changed the name,
    /// a hash of the name after it, so two targets whose names differ only in characters a file name drops ("a/b",
    /// "a_b") keep their findings apart from one run to the next.
    /// </summary>
    public static string SafeName(string name)
    {
        var safe = ResultsWriter.SafeFilePart(name);
        return safe == name ? safe : $"{safe}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8].ToLowerInvariant()}";
    }

    private static ulong Mix(long seed, long index)
    {
        // A negative seed that fits in an int is taken as the 32 bits it had when seeds were ints, so runs keep their conversations.
        var bits = seed is < 0 and >= int.MinValue ? (uint)(int)seed : (ulong)seed;
        var x = bits * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xBF58476D1CE4E5B9UL;
        x ^= x >> 31;
        return x * 0x94D049BB133111EBUL;
    }
}
