using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Afl;

public sealed record AflOptions
{
    /// <summary>The checkout: the harness project and the installer are found from here.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Run one after another.</summary>
    public required IReadOnlyList<Harness> Harnesses { get; init; }

    /// <summary>Time for each harness (AFL++'s -V), once its start-up is done.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>AFL++ instances per harness: one main (-M), the rest secondaries (-S) sharing its findings folder.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Where AFL++ works: a folder per harness with its findings (queue, crashes, fuzzer_stats).</summary>
    public required string Out { get; init; }

    /// <summary>The kept corpus: seeds are read from, and new inputs and crashes written to, a folder per harness.</summary>
    public required string Corpus { get; init; }

    /// <summary>Case scripts whose octets seed the fuzzer; null for none.</summary>
    public string? Suites { get; init; }

    /// <summary>Stop a harness at its first crash (AFL_BENCH_UNTIL_CRASH).</summary>
    public bool StopAtFirstCrash { get; init; }

    /// <summary>Keep the new interesting inputs (minimised with afl-cmin) in the corpus.</summary>
    public bool KeepQueue { get; init; } = true;

    /// <summary>How long one input may run before AFL++ counts it as a hang.</summary>
    public TimeSpan ExecutionTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <param name="File">The minimised input, kept under the corpus.</param>
/// <param name="Reproduction">What the harness printed when fed the file on standard input, or null when it no longer fails.</param>
public sealed record AflCrash(string File, int OriginalLength, int MinimisedLength, string? Reproduction);

/// <param name="Error">Why this harness did not run, else null.</param>
public sealed record AflHarnessOutcome(
    string Harness, FuzzerStats? Stats, IReadOnlyList<AflCrash> Crashes, int KeptInputs, string Folder, TimeSpan Took, string? Error);
