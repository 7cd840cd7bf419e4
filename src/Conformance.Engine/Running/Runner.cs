using System.Collections.Concurrent;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Sessions;

namespace Conformance.Engine.Running;

public sealed record RunOptions
{
    public required SessionOptions Session { get; init; }
    /// <summary>The most cases that run at once; fewer while the server falls behind (<see cref="AdaptiveLimit"/>).</summary>
    public int Parallelism { get; init; } = 16;
    /// <summary>
    /// Over HTTP/2: how many cases' WebSockets one connection carries at once as its streams (<see cref="SharedHttp2Connections"/>);
    /// 1: each case on a connection of its own. Cases that move megabytes and those of RFC 8441 itself always get their own.
    /// </summary>
    public int Http2StreamsPerConnection { get; init; } = DefaultHttp2StreamsPerConnection;

    public const int DefaultHttp2StreamsPerConnection = 1;

    /// <summary>The least time a case gets before it is cut off; a case whose own timers need more gets more.</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a case may take before it is cut off: the case timeout, or more when its own timers need it.</summary>
    public TimeSpan BudgetFor(CaseDefinition @case)
    {
        var s = Session;
        var own = TimeSpan.FromMilliseconds(@case.Steps.OfType<WaitStep>().Sum(w => (long)w.Milliseconds) + @case.End.AfterMilliseconds)
                  + s.ConnectTimeout + s.OpenHandshakeTimeout + s.CloseHandshakeTimeout + s.ServerDropTimeout;
        return own > CaseTimeout ? own : CaseTimeout;
    }
}

/// <param name="LowestParallelism">The fewest cases the run allowed at once, as it adapted to the server.</param>
public sealed record RunOutcome(IReadOnlyList<CaseResult> Results, bool Interrupted, int LowestParallelism);

/// <summary>Runs cases in parallel, each on its own connection and with its own deadline.</summary>
public static class Runner
{
    /// <summary>Runs the cases against one target, never the two kinds at once (<see cref="CaseScheduler"/>).</summary>
    public static async Task<RunOutcome> RunAsync(
        IReadOnlyList<CaseDefinition> cases, RunOptions options, Action<CaseResult> onResult, CancellationToken cancel)
    {
        await using var scheduler = new CaseScheduler(options);
        var results = new ConcurrentBag<CaseResult>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancel };
        try
        {
            await Parallel.ForEachAsync(InRunOrder(cases), parallel, async (@case, token) =>
            {
                var result = await scheduler.RunCaseAsync(@case, token);
                if (result is null) return;
                results.Add(result);
                onResult(result);
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        var ordered = results.OrderBy(r => r.Id, CaseIdComparer.Instance).ToList();
        return new RunOutcome(ordered, ordered.Count < cases.Count, scheduler.LowestParallelism);
    }

    /// <summary>
    /// The cases that move a few octets first, those with the longest scripted waits first among them (the run of that
    /// kind lasts as long as its longest case), then those that move megabytes, smallest first, as their parallelism
    /// starts at one and grows while the server keeps up.
    /// </summary>
    private static IEnumerable<CaseDefinition> InRunOrder(IReadOnlyList<CaseDefinition> cases) =>
        cases.OrderBy(c => c.IsBulk)
            .ThenByDescending(c => c.IsBulk ? 0 : c.Steps.OfType<WaitStep>().Sum(w => (long)w.Milliseconds))
            .ThenBy(c => c.IsBulk ? c.OctetsSent : 0);

    /// <summary>Runs and scores one case on its own (confirming it alone when a timer decided it); null when cancelled meanwhile.</summary>
    public static async Task<CaseResult?> RunCaseAsync(CaseDefinition @case, RunOptions options, CancellationToken cancel)
    {
        await using var scheduler = new CaseScheduler(options);
        return await scheduler.RunCaseAsync(@case, cancel);
    }
}
