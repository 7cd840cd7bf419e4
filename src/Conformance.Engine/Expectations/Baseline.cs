using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;

namespace Conformance.Engine.Expectations;

/// <summary>
/// An expectations file from a run: every case whose verdicts are not OK (or INFORMATIONAL) becomes a known issue
/// of its own, in id order, without durations; the reasons are placeholders a person replaces with the real why. A case
/// in a race class gets the whole class (OK or NON-STRICT), and one that got OK within its class needs no entry.
/// </summary>
public static class Baseline
{
    public const string ReasonPlaceholder = "(say why the server does this, and what would change it)";

    public static string Write(RunResults run)
    {
        var issues = new JsonArray();
        foreach (var c in run.Cases.OrderBy(c => c.Id, CaseIdComparer.Instance))
        {
            if (ExpectationComparer.Compare(c, ExpectationSet.Default) == Comparison.AsExpected) continue;
            issues.Add(new JsonObject
            {
                ["cases"] = new JsonArray(c.Id),
                ["behavior"] = c.IsWithinRace ? JsonSerializer.SerializeToNode(c.Race!.Behaviors) : JsonSerializer.SerializeToNode(c.Behavior),
                ["behaviorClose"] = JsonSerializer.SerializeToNode(c.BehaviorClose),
                ["reason"] = ReasonPlaceholder,
                ["removedBy"] = ReasonPlaceholder,
            });
        }
        var file = new JsonObject { ["target"] = run.Agent, ["knownIssues"] = issues, ["decisions"] = new JsonArray() };
        return file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
