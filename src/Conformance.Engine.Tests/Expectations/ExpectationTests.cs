using Conformance.Engine.Expectations;

namespace Conformance.Engine.Tests;

public class ExpectationTests : WithScratchFolder
{
    private ExpectationSet Read(string json)
    {
        var path = Path.Combine(Scratch, "expect.json");
        File.WriteAllText(path, json);
        return ExpectationSet.Read(path);
    }

    private static CaseResult Result(string id, string behavior, string close, int? code = 1000) => new()
    {
        Id = id, Title = "t", Category = id.Split('.')[0], CategoryTitle = "c", Group = "g", GroupTitle = "g", Rfc = [],
        Requirement = "", Expectation = "", Behavior = Parse<Verdict>(behavior), BehaviorClose = Parse<CloseVerdict>(close), Reason = "r",
        StartedAt = DateTimeOffset.UnixEpoch, DurationMs = 1, RemoteCloseCode = code, Transcript = [],
    };

    private static T Parse<T>(string word) where T : struct, Enum =>
        VerdictWords.Of<T>().TryParse(word, out var verdict) ? verdict : throw new ArgumentException($"\"{word}\" is not a {typeof(T).Name}");

    private const string File1 = """
        { "target": "x",
          "knownIssues": [ { "cases": ["9.3.1"], "behavior": "FAILED", "behaviorClose": "FAILED", "reason": "fragment limit", "removedBy": "a flag" } ],
          "decisions": [ { "cases": ["6.4.*"], "behavior": ["OK", "NON-STRICT"], "reason": "checks whole messages", "rfc": "RFC6455 8.1" } ] }
        """;

    [TestCase("9.3.1", "FAILED", "FAILED", Comparison.AsExpected)]
    [TestCase("9.3.1", "OK", "OK", Comparison.UnexpectedPass)]
    [TestCase("9.3.1", "OK", "FAILED", Comparison.UnexpectedPass)]
    [TestCase("6.4.2", "NON-STRICT", "OK", Comparison.AsExpected)]
    [TestCase("6.4.2", "OK", "OK", Comparison.AsExpected)]
    [TestCase("6.4.2", "FAILED", "OK", Comparison.Regression)]
    [TestCase("6.4.2", "NON-STRICT", "WRONG CODE", Comparison.Regression)]
    [TestCase("1.1.1", "OK", "OK", Comparison.AsExpected)]
    [TestCase("7.13.1", "INFORMATIONAL", "INFORMATIONAL", Comparison.AsExpected)]
    [TestCase("1.1.1", "NON-STRICT", "OK", Comparison.Regression)]
    [TestCase("1.1.1", "OK", "UNCLEAN", Comparison.Regression)]
    public void Verdicts_are_compared_with_the_first_matching_entry_or_OK(string id, string behavior, string close, Comparison expected)
    {
        var set = Read(File1);
        Assert.That(ExpectationComparer.Compare(Result(id, behavior, close), set.For(id)), Is.EqualTo(expected));
    }

    [TestCase("FAILED", "UNCLEAN", Comparison.Changed)]
    [TestCase("OK", "UNCLEAN", Comparison.Changed)]
    [TestCase("UNIMPLEMENTED", "WRONG CODE", Comparison.UnexpectedPass)]
    [TestCase("FAILED", "WRONG CODE", Comparison.AsExpected)]
    [TestCase("FAILED", "FAILED BY CLIENT", Comparison.UnexpectedPass)]
    [TestCase("FAILED", "FAILED", Comparison.Regression)]
    public void Another_verdict_as_bad_as_the_expected_one_is_a_change_not_a_pass(string behavior, string close, Comparison expected)
    {
        var set = Read("""{ "knownIssues": [ { "cases": ["7.9.1"], "behavior": "FAILED", "behaviorClose": "WRONG CODE", "reason": "sends 1000" } ] }""");
        var comparison = ExpectationComparer.Compare(Result("7.9.1", behavior, close), set.For("7.9.1"));
        Assert.That(comparison, Is.EqualTo(expected));
        Assert.That(new ComparedCase(Result("7.9.1", behavior, close), set.For("7.9.1"), comparison).Fails,
            Is.EqualTo(expected is Comparison.Regression or Comparison.Changed), "the gate fails on a change as on a regression");
    }

    [Test]
    public void Entries_keep_their_kind_and_reasons()
    {
        var set = Read(File1);
        Assert.That(set.Target, Is.EqualTo("x"));
        Assert.That(set.Entries.Select(e => (e.Kind, e.Reason)), Is.EqualTo(new[]
        {
            (ExpectationKind.KnownIssue, "fragment limit"), (ExpectationKind.Decision, "checks whole messages"),
        }));
        Assert.That(set.Entries[0].RemovedBy, Is.EqualTo("a flag"));
        Assert.That(set.Entries[1].Rfc, Is.EqualTo("RFC6455 8.1"));
    }

    [TestCase("""{ "knownIssues": [ { "cases": ["1.1.1"], "behavior": "BROKEN", "reason": "r" } ] }""", "knownIssues[0].behavior: \"BROKEN\" is not a verdict")]
    [TestCase("""{ "knownIssues": [ { "cases": ["1.1.1"], "reason": "" } ] }""", "knownIssues[0].reason: is empty")]
    [TestCase("""{ "knownIssues": [ { "cases": ["1.1.1"] } ] }""", "knownIssues[0].reason: is required")]
    [TestCase("""{ "decisions": [ { "cases": [], "reason": "r" } ] }""", "decisions[0].cases: names no case")]
    [TestCase("""{ "known": [] }""", "known: unknown field")]
    [TestCase("""{ "decisions": [ { "cases": ["1.1.1"], "reason": "r", "why": "w" } ] }""", "decisions[0].why: unknown field")]
    public void A_malformed_file_names_the_field(string json, string expected)
    {
        var error = Assert.Throws<ExpectationsFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.StartWith(Path.Combine(Scratch, "expect.json") + ": "));
        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void A_baseline_lists_every_case_that_was_not_OK_in_id_order_and_reads_back_as_expected()
    {
        var run = new RunResults
        {
            ToolVersion = "t", Target = "ws://x/", Agent = "x", StartedAt = DateTimeOffset.UnixEpoch, CasesSelected = 4,
            Cases = [Result("9.3.1", "FAILED", "FAILED"), Result("1.1.1", "OK", "OK"), Result("6.4.10", "NON-STRICT", "OK"), Result("6.4.2", "NON-STRICT", "OK"), Result("7.13.1", "INFORMATIONAL", "INFORMATIONAL")],
        };
        var path = Path.Combine(Scratch, "baseline.json");
        File.WriteAllText(path, Baseline.Write(run));
        var set = ExpectationSet.Read(path);
        Assert.That(set.Entries.Select(e => e.Cases.Single()), Is.EqualTo(new[] { "6.4.2", "6.4.10", "9.3.1" }));
        Assert.That(ExpectationComparer.Compare(run.Cases, set).Select(c => c.Comparison), Is.All.EqualTo(Comparison.AsExpected));
        Assert.That(File.ReadAllText(path), Does.Not.Contain("duration"));
    }

    [Test]
    public void A_baseline_is_unreviewed_until_each_placeholder_is_replaced()
    {
        var run = new RunResults
        {
            ToolVersion = "t", Target = "ws://x/", Agent = "x", StartedAt = DateTimeOffset.UnixEpoch, CasesSelected = 8,
            Cases = [.. new[] { "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7" }.Select(id => Result(id, "FAILED", "OK")), Result("2.1", "OK", "OK")],
        };
        var path = Path.Combine(Scratch, "baseline.json");
        File.WriteAllText(path, Baseline.Write(run));
        var set = ExpectationSet.Read(path);
        Assert.That(set.Unreviewed, Has.Count.EqualTo(7));
        Assert.That(set.UnreviewedProblem("--accept-unreviewed"), Is.EqualTo(
            $"{path}: 7 entries still carry the placeholder reason that baseline writes (cases 1.1.1; 1.1.2; 1.1.3; 1.1.4; 1.1.5; and 2 more): " +
            "write the real reason in each (and what would remove a known issue), or pass --accept-unreviewed"));

        var text = File.ReadAllText(path);
        var first = text.IndexOf(Baseline.ReasonPlaceholder, StringComparison.Ordinal);
        File.WriteAllText(path, text[..first] + "answers a ping late" + text[(first + Baseline.ReasonPlaceholder.Length)..]);
        Assert.That(ExpectationSet.Read(path).Unreviewed, Has.Count.EqualTo(7), "a removedBy left as the placeholder is unreviewed too");
        File.WriteAllText(path, text.Replace(Baseline.ReasonPlaceholder, "reviewed"));
        Assert.That(ExpectationSet.Read(path).UnreviewedProblem("--accept-unreviewed"), Is.Null);
    }

    [Test]
    public void A_diff_names_regressions_fixes_and_changed_close_codes()
    {
        RunResults Run(params CaseResult[] cases) => new()
        {
            ToolVersion = "t", Target = "ws://x/", Agent = "x", StartedAt = DateTimeOffset.UnixEpoch, CasesSelected = cases.Length, Cases = cases,
        };
        var old = Run(Result("1.1.1", "OK", "OK"), Result("2.1", "FAILED", "OK"), Result("3.1", "OK", "OK", 1002), Result("4.1.1", "OK", "OK"));
        var @new = Run(Result("1.1.1", "NON-STRICT", "OK"), Result("2.1", "OK", "OK"), Result("3.1", "OK", "OK", 1000), Result("5.1", "OK", "OK"));
        var diff = ResultsDiff.Between(old, @new);
        Assert.That(diff.Regressions.Select(c => c.Id), Is.EqualTo(new[] { "1.1.1" }));
        Assert.That(diff.Fixes.Select(c => c.Id), Is.EqualTo(new[] { "2.1" }));
        Assert.That(diff.CloseCodeChanges.Select(c => (c.Id, c.OldCode, c.NewCode)), Is.EqualTo(new[] { ("3.1", (int?)1002, (int?)1000) }));
        Assert.That((diff.OnlyInOld.Single(), diff.OnlyInNew.Single()), Is.EqualTo(("4.1.1", "5.1")));
        Assert.That(diff.Fails, Is.True);
    }

    private static RunResults RunOf(int selected, bool interrupted, params CaseResult[] cases) => new()
    {
        ToolVersion = "t", Target = "ws://x/", Agent = "x", StartedAt = DateTimeOffset.UnixEpoch, CasesSelected = selected, Cases = cases,
        Interrupted = interrupted,
    };

    [Test]
    public void A_diff_names_a_change_between_verdicts_as_bad_as_each_other_a_change_not_a_fix()
    {
        var old = RunOf(4, false, Result("7.9.1", "FAILED", "WRONG CODE"), Result("7.9.2", "OK", "UNCLEAN"), Result("7.13.1", "OK", "OK"), Result("9.1.1", "FAILED", "OK"));
        var @new = RunOf(4, false, Result("7.9.1", "FAILED", "UNCLEAN"), Result("7.9.2", "NON-STRICT", "WRONG CODE"), Result("7.13.1", "INFORMATIONAL", "INFORMATIONAL"), Result("9.1.1", "UNIMPLEMENTED", "OK"));
        var diff = ResultsDiff.Between(old, @new);
        Assert.That(diff.Changes.Select(c => c.Id), Is.EqualTo(new[] { "7.9.1" }));
        Assert.That(diff.Regressions.Select(c => c.Id), Is.EqualTo(new[] { "7.9.2" }), "worse on one verdict is worse, whatever the other did");
        Assert.That(diff.Fixes.Select(c => c.Id), Is.EqualTo(new[] { "9.1.1" }), "better; and OK to INFORMATIONAL, as good as each other, is no change");
        Assert.That(diff.Fails, Is.True);
        Assert.That(ResultsDiff.Between(old, RunOf(4, false, [.. old.Cases])).Fails, Is.False);
    }

    [Test]
    public void A_diff_against_a_run_with_cases_missing_or_interrupted_fails()
    {
        var old = RunOf(2, false, Result("1.1.1", "OK", "OK"), Result("1.1.2", "OK", "OK"));
        var missing = ResultsDiff.Between(old, RunOf(1, false, Result("1.1.1", "OK", "OK")));
        Assert.That((missing.OnlyInOld.Single(), missing.Regressions.Count, missing.Fails), Is.EqualTo(("1.1.2", 0, true)));
        var interrupted = ResultsDiff.Between(old, RunOf(3, true, Result("1.1.1", "OK", "OK"), Result("1.1.2", "OK", "OK")));
        Assert.That((interrupted.NewInterrupted, interrupted.NewWithoutResult, interrupted.Fails), Is.EqualTo((true, 1, true)));
    }
}
