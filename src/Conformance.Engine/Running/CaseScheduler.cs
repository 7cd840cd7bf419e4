using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Scoring;
using Conformance.Engine.Sessions;
using Conformance.Engine.Wire;
using Nito.AsyncEx;

namespace Conformance.Engine.Running;

/// <summary>
/// Runs the cases of one run against one target so that a verdict depends on the server, not on how many cases ran
/// beside it or how busy the machine was:
/// <list type="bullet">
/// <item>once the server has fallen behind, cases that move megabytes never run beside cases with short timers
/// (<see cref="KindGate"/>);</item>
/// <item>the number of cases at once follows how fast the server answers (<see cref="AdaptiveLimit"/>);</item>
/// <item>a verdict other than OK that one of the suite's timers decided (<see cref="Score.DecidedByTimer"/>) is
/// confirmed by running the case again alone, with no other case of the run meanwhile, the way Autobahn|Testsuite
/// runs every case, unless the server answered that case's opening handshake and close well within time and sent
/// nothing else after the timer ran out (then the timer did not race a server kept busy or a suite held up, and the
/// verdict is the server's); the second verdict counts, and the first
/// run is kept beside it. Once <see cref="TrustAfter"/>
/// confirmations in a row have each given the first run's verdicts again, the server has shown that its timers' verdicts
/// are its own, and the rest of the run's are kept without running again (a server that never answers would otherwise
/// hold the run for a timer's length per case, one case at a time); nor is a case that got no HTTP answer while
/// the server has answered none in the run.</item>
/// <item>over HTTP/2, cases share connections as streams (<see cref="RunOptions.Http2StreamsPerConnection"/>); a case
/// whose shared connection ended while it ran, or whose stream the server refused for the connection's sake, is run
/// again on a connection of its own.</item>
/// </list>
/// </summary>
public sealed class CaseScheduler(RunOptions options) : IAsyncDisposable
{
    /// <summary>Confirmations in a row that changed nothing, after which a timer's verdict is trusted.</summary>
    public const int TrustAfter = 5;

    private int _unchangedInARow;
    /// <summary>The server has given some case an HTTP answer: it can, so a case without one may have met a busy server.</summary>
    private volatile bool _answeredHttp;

    private readonly AsyncReaderWriterLock _alone = new();
    private readonly KindGate _kinds = new();
    private readonly SemaphoreSlim _heavy = new(Math.Max(2, Environment.ProcessorCount));
    private readonly SharedHttp2Connections? _shared = options.Session.Http2 && options.Http2StreamsPerConnection > 1
        ? new SharedHttp2Connections(options.Session, options.Http2StreamsPerConnection) : null;

    /// <summary>Cases that move a few octets start at the maximum; those that move megabytes start one at a time.</summary>
    private readonly AdaptiveLimit _light = new(options.Parallelism, options.Parallelism);
    private readonly AdaptiveLimit _bulk = new(options.Parallelism, 1);

    /// <summary>The fewest cases of a kind the run allowed at once, as it adapted to the server.</summary>
    public int LowestParallelism => Math.Min(_light.Lowest, _bulk.Lowest);

    /// <summary>Runs and scores one case; null when the run was cancelled while the case ran.</summary>
    public async Task<CaseResult?> RunCaseAsync(CaseDefinition @case, CancellationToken cancel)
    {
        RunOnce? first;
        using (await _kinds.EnterAsync(@case.IsBulk, cancel))
        using (await LimitOf(@case).EnterAsync(cancel))
        using (await HeavySlotAsync(@case, cancel))
        using (await MemoryBudget.Shared.EnterAsync(cancel))
        using (await _alone.ReaderLockAsync(cancel))
        {
            first = await RunOnceAsync(@case, cancel, SharedFor(@case));
            if (first is { SharedConnectionTrouble: { } ended } && await RunOnceAsync(@case, cancel, shared: null) is { } own)
                first = own with
                {
                    Result = first.Value.Result.ConfirmedBy(own.Result, $"its HTTP/2 connection, shared with other cases, failed it: {ended}",
                        "on an HTTP/2 connection of its own"),
                };
        }
        if (first is not ({ } result, { DecidedByTimer: { } timer }, false, var answeredHttp, _)) return first?.Result;
        if (!answeredHttp && !_answeredHttp)
            return result with { Reason = $"{result.Reason}; a timer decided this verdict ({timer}), and it was not run again alone, as the server has answered no opening handshake in this run" };
        var trusted = result with { Reason = $"{result.Reason}; a timer decided this verdict ({timer}), and it was not run again alone, as the run's last {TrustAfter} such verdicts were each the same alone" };
        if (Volatile.Read(ref _unchangedInARow) >= TrustAfter) return trusted;

        _kinds.KeepApart();
        try
        {
            using (await _alone.WriterLockAsync(cancel))
            using (await MemoryBudget.Shared.EnterAsync(cancel))
            {
                if (_unchangedInARow >= TrustAfter) return trusted;
                var second = await RunOnceAsync(@case, cancel);
                if (second is null) return result;
                var confirmed = result.ConfirmedBy(second.Value.Result, $"its verdict {result.Verdicts} hung on a timer ({timer})");
                _unchangedInARow = confirmed.Verdicts == result.Verdicts ? _unchangedInARow + 1 : 0;
                return confirmed;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return result;
        }
    }

    private AdaptiveLimit LimitOf(CaseDefinition @case) => @case.IsBulk ? _bulk : _light;

    /// <summary>
    /// How long the server took to answer the opening handshake and the suite's close, each with the timer that waited
    /// for it, and whether it kept up: answered both well within time, and sent no frame but its close after the
    /// suite's first timer ran out (a frame that came after the timer may be the answer the timer waited for, late
    /// because the server or the suite was held up for a moment). An answer that never came is no measure of how
    /// busy the server was (a server may never answer a close, or a request it must refuse), so it does not change the
    /// parallelism; but a case without its answers did not show the server keeping up.
    /// </summary>
    private (List<(TimeSpan, TimeSpan)> Answers, bool KeptUp) Answers(CaseDefinition @case, TranscriptReading reading)
    {
        var handshake = ServerAnswers.Handshake(reading);
        var close = ServerAnswers.Close(reading);
        var answers = new List<(TimeSpan, TimeSpan)>();
        if (handshake.Took is { } opened) answers.Add((opened, @case.ShortestTimer(options.Session)));
        if (close.Took is { } closed) answers.Add((closed, options.Session.CloseHandshakeTimeout));
        var answeredAfterTimer = reading.LastServerFrameAt > reading.FirstTimerAt;
        return (answers, !handshake.TimedOut && !close.TimedOut && !answeredAfterTimer && AdaptiveLimit.WellInTime(answers));
    }

    private async Task<IDisposable?> HeavySlotAsync(CaseDefinition @case, CancellationToken cancel)
    {
        // Heavy cases are bound by processor time: more at once than processors only makes each slower.
        if (!@case.IsHeavy) return null;
        await _heavy.WaitAsync(cancel);
        return new Release(_heavy);
    }

    /// <summary>Cases of RFC 8441 itself test the connection, and cases that move megabytes would slow the others on it: each gets its own.</summary>
    private SharedHttp2Connections? SharedFor(CaseDefinition @case) => @case.OnlyOverHttp2 || @case.IsBulk ? null : _shared;

    private readonly record struct RunOnce(CaseResult Result, Score Score, bool KeptUp, bool AnsweredHttp, string? SharedConnectionTrouble);

    private async Task<RunOnce?> RunOnceAsync(CaseDefinition @case, CancellationToken runCancel, SharedHttp2Connections? shared = null)
    {
        var transcript = await Session.RunAsync(@case, options.Session, options.BudgetFor(@case), runCancel, shared);
        if (runCancel.IsCancellationRequested) return null;
        var reading = transcript.Reading();
        var score = Scorer.Score(@case, reading);
        var (answers, keptUp) = Answers(@case, reading);
        if (LimitOf(@case).Judge(answers)) _kinds.KeepApart();
        var answeredHttp = reading.Response is not null;
        if (answeredHttp) _answeredHttp = true;
        return new RunOnce(CaseResult.From(@case, transcript, score), score, keptUp, answeredHttp, reading.SharedConnectionTrouble);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
