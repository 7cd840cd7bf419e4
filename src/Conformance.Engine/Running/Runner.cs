using System.Collections.Concurrent;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;
using Nito.AsyncEx;

namespace Conformance.Engine.Running;

public sealed record RunOptions
{
    public required SessionOptions Session { get; init; }
    public int Parallelism { get; init; } = 16;
    /// <summary>The least time a case gets before it is cut off; a case whose own timers need more gets more.</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record RunOutcome(IReadOnlyList<CaseResult> Results, bool Interrupted);

/// <summary>Runs cases in parallel, each on its own connection and with its own deadline.</summary>
public static class Runner
{
    /// <summary>Cases hold it shared; a case run a second time holds it alone.</summary>
    private static readonly AsyncReaderWriterLock Alone = new();

    /// <summary>Opens one connection and closes it again; returns why the target cannot be tested, or null.</summary>
    public static async Task<string?> ProbeAsync(SessionOptions options, CancellationToken cancel)
    {
        var probe = new CaseDefinition
        {
            Id = "probe", Title = "probe", Category = "probe", CategoryTitle = "probe", Group = "probe", GroupTitle = "probe",
            Rfc = [], Requirement = "", Expectation = "", Steps = [],
            Outcomes = [new ExpectedOutcome(Verdict.Ok, [])], Close = ExpectedClose.NormalBySuite,
            End = new EndTimer(0, EndAction.Close), SourceFile = "",
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(options.ConnectTimeout + options.OpenHandshakeTimeout + TimeSpan.FromSeconds(5));
        var transcript = await Session.RunAsync(probe, options, deadline.Token);
        var reading = TranscriptReading.Read(transcript.Entries);
        return reading.HandshakeCompleted ? null : reading.HandshakeProblem;
    }

    public static async Task<RunOutcome> RunAsync(
        IReadOnlyList<CaseDefinition> cases, RunOptions options, Action<CaseResult> onResult, CancellationToken cancel)
    {
        var results = new ConcurrentBag<CaseResult>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancel };
        // Heavy cases hold all they move in their transcripts until they are scored, and are bound by processor time anyway.
        using var heavySlots = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        try
        {
            await Parallel.ForEachAsync(cases, parallel, async (@case, token) =>
            {
                var heavy = @case.IsHeavy;
                if (heavy) await heavySlots.WaitAsync(token);
                CaseResult? result;
                try
                {
                    result = await RunCaseAsync(@case, options, token);
                }
                finally
                {
                    if (heavy) heavySlots.Release();
                }
                if (result is null) return;
                results.Add(result);
                onResult(result);
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        var ordered = results.OrderBy(r => r.Id, CaseIdComparer.Instance).ToList();
        return new RunOutcome(ordered, ordered.Count < cases.Count);
    }

    /// <summary>
    /// Runs and scores one case; null when the run was cancelled while the case ran. A case whose verdict its own timer
    /// decided although the server answered as expected a little later (<see cref="LateAnswer"/>) is run a second time
    /// alone: no other case of this process runs meanwhile, and the second result is the one that counts.
    /// </summary>
    public static async Task<CaseResult?> RunCaseAsync(CaseDefinition @case, RunOptions options, CancellationToken runCancel)
    {
        (CaseResult Result, string? Late)? first;
        using (await Alone.ReaderLockAsync(runCancel)) first = await RunOnceAsync(@case, options, runCancel);
        if (first is not { Late: { } late } raced) return first?.Result;
        try
        {
            using (await Alone.WriterLockAsync(runCancel))
            {
                var second = await RunOnceAsync(@case, options, runCancel, $"run a second time, alone: the first time, {late}");
                return second?.Result ?? raced.Result;
            }
        }
        catch (OperationCanceledException) when (runCancel.IsCancellationRequested)
        {
            return raced.Result;
        }
    }

    private static async Task<(CaseResult Result, string? Late)?> RunOnceAsync(
        CaseDefinition @case, RunOptions options, CancellationToken runCancel, string? why = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(runCancel);
        deadline.CancelAfter(Budget(@case, options));
        var transcript = await Session.RunAsync(@case, options.Session, deadline.Token);
        if (runCancel.IsCancellationRequested) return null;
        if (@case.Handshake is { Recheck: true })
        {
            var problem = await ProbeAsync(options.Session, runCancel);
            if (runCancel.IsCancellationRequested) return null;
            transcript.Add(problem is null ? WireEntryKind.RecheckPassed : WireEntryKind.RecheckFailed,
                text: problem is null ? "afterwards, a normal connection opened" : $"afterwards, a normal connection failed: {problem}");
        }
        if (why is not null) transcript.Note(why);
        var entries = transcript.Entries;
        var score = Scorer.Score(@case, entries);
        var result = CaseResult.From(@case, transcript, score);
        if (why is not null) result = result with { Reason = $"{result.Reason}; {why}", RunAgainBecause = why };
        return (result, why is null ? LateAnswer.Find(@case, entries, score) : null);
    }

    private static TimeSpan Budget(CaseDefinition @case, RunOptions options)
    {
        var s = options.Session;
        var own = TimeSpan.FromMilliseconds(@case.Steps.OfType<WaitStep>().Sum(w => (long)w.Milliseconds) + @case.End.AfterMilliseconds)
                  + s.ConnectTimeout + s.OpenHandshakeTimeout + s.CloseHandshakeTimeout + s.ServerDropTimeout;
        return own > options.CaseTimeout ? own : options.CaseTimeout;
    }
}
