using Conformance.Engine.Cases;
using Conformance.Engine.Results;

namespace Conformance.Engine.Expectations;

public sealed record CaseChange(string Id, string Title, VerdictPair Old, VerdictPair New, int? OldCode, int? NewCode);

/// <summary>
/// Two runs of the same target compared case by case: what got worse, what got better, which close codes changed. A
/// move within a race class (<see cref="RaceClass"/>) is neither.
/// </summary>
public sealed record ResultsDiff(
    IReadOnlyList<CaseChange> Regressions, IReadOnlyList<CaseChange> Fixes, IReadOnlyList<CaseChange> CloseCodeChanges,
    IReadOnlyList<string> OnlyInOld, IReadOnlyList<string> OnlyInNew)
{
    public static ResultsDiff Between(RunResults old, RunResults @new)
    {
        var before = old.Cases.ToDictionary(c => c.Id);
        var after = @new.Cases.ToDictionary(c => c.Id);
        var common = after.Keys.Where(before.ContainsKey).OrderBy(id => id, CaseIdComparer.Instance).ToList();
        CaseChange Change(string id) => new(id, after[id].Title, before[id].Verdicts, after[id].Verdicts,
            before[id].RemoteCloseCode, after[id].RemoteCloseCode);
        int Score(CaseResult c)
        {
            // Every verdict of a race class counts as its best: a move within the class is no change.
            var behavior = c.IsWithinRace ? c.Race!.Behaviors.Min(VerdictWords.Badness) : c.Behavior.Badness();
            var close = c.BehaviorClose.Badness();
            return Math.Max(behavior, close) * 10 + behavior + close;
        }
        return new ResultsDiff(
            common.Where(id => Score(after[id]) > Score(before[id])).Select(Change).ToList(),
            common.Where(id => Score(after[id]) < Score(before[id])).Select(Change).ToList(),
            common.Where(id => before[id].RemoteCloseCode != after[id].RemoteCloseCode).Select(Change).ToList(),
            before.Keys.Where(id => !after.ContainsKey(id)).OrderBy(id => id, CaseIdComparer.Instance).ToList(),
            after.Keys.Where(id => !before.ContainsKey(id)).OrderBy(id => id, CaseIdComparer.Instance).ToList());
    }
}
