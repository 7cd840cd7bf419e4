using Conformance.Engine.Results;

namespace Conformance.Engine.Expectations;

public enum Comparison { AsExpected, Regression, UnexpectedPass }

/// <summary>A case's verdicts against its expectation.</summary>
public sealed record ComparedCase(CaseResult Result, Expectation Expectation, Comparison Comparison)
{
    public VerdictPair Verdicts => Result.Verdicts;
    public string Expected => Expectation.Verdicts;
}

/// <summary>
/// Orders verdicts from good to bad and compares a run with an expectation set: a verdict pair the expectation allows
/// is as expected, and so is a behaviour verdict of a race class (<see cref="RaceClass"/>) one of whose verdicts the
/// expectation allows; one worse than every allowed pair on either verdict is a regression; any other is better than
/// expected (an unexpected pass, so the file can be tightened).
/// </summary>
public static class ExpectationComparer
{
    public static Comparison Compare(CaseResult result, Expectation expectation)
    {
        if (expectation.Allows(result.Verdicts)) return Comparison.AsExpected;
        // A move within a race class is no change: the expectation of one of its verdicts expects them all.
        if (result.IsWithinRace && expectation.BehaviorClose.Contains(result.BehaviorClose) && expectation.Behavior.Any(result.Race!.Behaviors.Contains))
            return Comparison.AsExpected;
        var worseBehavior = result.Behavior.Badness() > expectation.Behavior.Max(VerdictWords.Badness);
        var worseClose = result.BehaviorClose.Badness() > expectation.BehaviorClose.Max(VerdictWords.Badness);
        return worseBehavior || worseClose ? Comparison.Regression : Comparison.UnexpectedPass;
    }

    public static IReadOnlyList<ComparedCase> Compare(IEnumerable<CaseResult> results, ExpectationSet expectations) =>
        results.Select(r =>
        {
            var expectation = expectations.For(r.Id);
            return new ComparedCase(r, expectation, Compare(r, expectation));
        }).ToList();
}
