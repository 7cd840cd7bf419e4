using Conformance.Engine.Results;

namespace Conformance.Engine.Expectations;

/// <summary>
/// A case against its expectation. <see cref="Changed"/>: a verdict the expectation does not allow, as bad as the worst
/// it allows (WRONG CODE where UNCLEAN is expected): not worse, but not what the file says either, so the gate fails on
/// it as on a regression.
/// </summary>
public enum Comparison { AsExpected, Regression, UnexpectedPass, Changed }

/// <summary>A case's verdicts against its expectation.</summary>
public sealed record ComparedCase(CaseResult Result, Expectation Expectation, Comparison Comparison)
{
    public VerdictPair Verdicts => Result.Verdicts;
    public string Expected => Expectation.Verdicts;

    /// <summary>A regression, or a change away from the expectation: what makes the gate fail.</summary>
    public bool Fails => Comparison is Comparison.Regression or Comparison.Changed;
}

/// <summary>
/// Orders verdicts from good to bad (<see cref="VerdictWords"/>) and compares a run with an expectation set, each of
/// the two verdicts on its own: one the expectation allows is as expected, and so is a behaviour verdict of a race
/// class (<see cref="RaceClass"/>) one of whose verdicts the expectation allows; one worse than every allowed verdict
/// is worse; one as bad as the worst allowed but another (and not as good as OK) is changed; any other is better.
/// A case is a regression when either verdict is worse, else changed when either is changed, else better than
/// expected (an unexpected pass, so the file can be tightened) when either is better.
/// </summary>
public static class ExpectationComparer
{
    public static Comparison Compare(CaseResult result, Expectation expectation)
    {
        if (expectation.Allows(result.Verdicts)) return Comparison.AsExpected;
        // A move within a race class is no change: the expectation of one of its verdicts expects them all.
        var raceAllowed = result.IsWithinRace && expectation.Behavior.Any(result.Race!.Behaviors.Contains);
        var behavior = raceAllowed ? Move.Allowed : Judge(result.Behavior, expectation.Behavior, VerdictWords.Behavior);
        var close = Judge(result.BehaviorClose, expectation.BehaviorClose, VerdictWords.Close);
        if (behavior == Move.Worse || close == Move.Worse) return Comparison.Regression;
        if (behavior == Move.Changed || close == Move.Changed) return Comparison.Changed;
        return behavior == Move.Better || close == Move.Better ? Comparison.UnexpectedPass : Comparison.AsExpected;
    }

    public static IReadOnlyList<ComparedCase> Compare(IEnumerable<CaseResult> results, ExpectationSet expectations) =>
        results.Select(r =>
        {
            var expectation = expectations.For(r.Id);
            return new ComparedCase(r, expectation, Compare(r, expectation));
        }).ToList();

    /// <summary>How one verdict stands to the verdicts allowed (or to the one it was before).</summary>
    internal enum Move { Allowed, Better, Changed, Worse }

    internal static Move Judge<T>(T verdict, IReadOnlyList<T> allowed, VerdictTable<T> table) where T : struct, Enum
    {
        if (allowed.Contains(verdict)) return Move.Allowed;
        var badness = table.Badness(verdict);
        var worst = allowed.Max(table.Badness);
        if (badness > worst) return Move.Worse;
        // As bad as the worst allowed, but another verdict: a change nobody reviewed. Verdicts as good as OK
        // (INFORMATIONAL where OK is expected) are no change worth failing on.
        return badness == worst && badness > 0 ? Move.Changed : Move.Better;
    }
}
