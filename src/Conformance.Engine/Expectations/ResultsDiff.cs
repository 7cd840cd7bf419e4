using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using static Conformance.Engine.Expectations.ExpectationComparer;

namespace Conformance.Engine.Expectations;

public sealed record CaseChange(string Id, string Title, VerdictPair Old, VerdictPair New, int? OldCode, int? NewCode);

/// <summary>
/// Two runs of the same target compared case by case, each of the two verdicts on its own: what got worse (either
/// verdict worse), what changed to another verdict as bad (WRONG CODE to UNCLEAN, neither better nor worse), what got
/// better, which close codes changed; the cases of the old run without a result in the new one, and whether the new
/// run stopped before every case it selected had a result. A move within a race class (<see cref="RaceClass"/>)
/// is no change.
/// </summary>
public sealed record ResultsDiff(
    IReadOnlyList<CaseChange> Regressions, IReadOnlyList<CaseChange> Changes, IReadOnlyList<CaseChange> Fixes,
    IReadOnlyList<CaseChange> CloseCodeChanges, IReadOnlyList<string> OnlyInOld, IReadOnlyList<string> OnlyInNew,
    bool NewInterrupted, int NewWithoutResult)
{
    /// <summary>
    /// What the gate fails on: a regression, a change to another verdict as bad, a case of the old run missing from
    /// the new one, a new run that was interrupted or left selected cases without a result.
    /// </summary>
    public bool Fails => Regressions.Count + Changes.Count + OnlyInOld.Count + NewWithoutResult > 0 || NewInterrupted;

    public static ResultsDiff Between(RunResults old, RunResults @new)
    {
        var before = old.Cases.ToDictionary(c => c.Id);
        var after = @new.Cases.ToDictionary(c => c.Id);
        var common = after.Keys.Where(before.ContainsKey).OrderBy(id => id, CaseIdComparer.Instance).ToList();
        CaseChange Change(string id) => new(id, after[id].Title, before[id].Verdicts, after[id].Verdicts,
            before[id].RemoteCloseCode, after[id].RemoteCloseCode);
        // Every verdict of a race class counts as its best: a move within the class is no change.
        static Verdict Behavior(CaseResult c) => c.IsWithinRace ? c.Race!.Behaviors.MinBy(VerdictWords.Badness) : c.Behavior;
        var moves = common.ToDictionary(id => id, id => (
            Behavior: Step(Behavior(before[id]), Behavior(after[id]), VerdictWords.Behavior),
            Close: Step(before[id].BehaviorClose, after[id].BehaviorClose, VerdictWords.Close)));
        bool Either(string id, Move move) => moves[id].Behavior == move || moves[id].Close == move;
        var regressions = common.Where(id => Either(id, Move.Worse)).ToList();
        var changes = common.Except(regressions).Where(id => Either(id, Move.Changed)).ToList();
        var fixes = common.Except(regressions).Except(changes).Where(id => Either(id, Move.Better)).ToList();
        return new ResultsDiff(
            regressions.Select(Change).ToList(),
            changes.Select(Change).ToList(),
            fixes.Select(Change).ToList(),
            common.Where(id => before[id].RemoteCloseCode != after[id].RemoteCloseCode).Select(Change).ToList(),
            before.Keys.Where(id => !after.ContainsKey(id)).OrderBy(id => id, CaseIdComparer.Instance).ToList(),
            after.Keys.Where(id => !before.ContainsKey(id)).OrderBy(id => id, CaseIdComparer.Instance).ToList(),
            @new.Interrupted,
            Math.Max(0, @new.CasesSelected - @new.Cases.Count));
    }

    /// <summary>One verdict from one run to the next; between two verdicts as good as OK there is no change.</summary>
    private static Move Step<T>(T old, T @new, VerdictTable<T> table) where T : struct, Enum
    {
        var (was, @is) = (table.Badness(old), table.Badness(@new));
        if (@is > was) return Move.Worse;
        if (@is < was) return Move.Better;
        return @is > 0 && !EqualityComparer<T>.Default.Equals(old, @new) ? Move.Changed : Move.Allowed;
    }
}
