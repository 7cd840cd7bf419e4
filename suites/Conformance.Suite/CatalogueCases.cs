using System.Text;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Engine.Expectations;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Reports;

[assembly: LevelOfParallelism(16)]

namespace Conformance.Suite;

/// <summary>
/// Every case of the catalogue as a test, named by id and title and categorised by its category (number and title)
/// and RFC sections. FAILED behaviour or a failing close verdict fails the test with the reason and the end of the
/// wire transcript; UNIMPLEMENTED is inconclusive; NON-STRICT and INFORMATIONAL pass, their reason written out.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public class CatalogueCases
{
    /// <summary>The cases of the transport the settings choose (<see cref="SuiteSettings.Cases"/>).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var c in SuiteSettings.Cases(SuiteSettings.Read()))
        {
            var data = new TestCaseData(c).SetName($"{c.Id} {c.Title}").SetCategory(c.Category).SetCategory(c.CategoryTitle);
            var shortTitle = c.CategoryTitle.Split(' ')[0];
            if (shortTitle != c.CategoryTitle) data.SetCategory(shortTitle);
            foreach (var rfc in c.Rfc) data.SetCategory(rfc);
            if (c.IsHeavy) data.SetCategory("Heavy");
            data.Properties.Set("CaseId", c.Id);
            yield return data;
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Case(CaseDefinition @case)
    {
        if (SuiteRun.Unreachable is { } why) Assert.Fail($"the target cannot be tested: {why}");
        var result = await SuiteRun.Scheduler.RunCaseAsync(@case, CancellationToken.None);
        Assert.That(result, Is.Not.Null, "the case was cancelled");
        SuiteRun.Record(result!);
        Judge(result!);
    }

    /// <summary>
    /// The verdicts as a test outcome. With an expectations file, a case fails only when it is worse than expected
    /// or changed to another verdict as bad;
    /// an expected failure passes with its reason written out, and so does a case better than expected.
    /// </summary>
    public static void Judge(CaseResult result)
    {
        var verdicts = result.Verdicts;
        TestContext.Out.WriteLine($"{result.Id} {verdicts} in {result.DurationMs} ms: {result.Reason}");
        if (SuiteRun.Expectations is { } expectations)
        {
            var expectation = expectations.For(result.Id);
            switch (ExpectationComparer.Compare(result, expectation))
            {
                case Comparison.Regression:
                    Assert.Fail($"{verdicts}, worse than the expected {expectation.Verdicts}: {result.Reason}\n{TranscriptTail(result)}");
                    break;
                case Comparison.Changed:
                    Assert.Fail($"{verdicts}, neither better nor worse than the expected {expectation.Verdicts} but not it: {result.Reason}\n{TranscriptTail(result)}");
                    break;
                case Comparison.UnexpectedPass:
                    TestContext.Out.WriteLine($"better than expected ({expectation.Reason}): the expectations file can be tightened");
                    return;
                default:
                    if (expectation != ExpectationSet.Default) TestContext.Out.WriteLine($"as expected: {expectation.Reason}");
                    return;
            }
        }
        if (result.Fails) Assert.Fail($"{verdicts}: {result.Reason}\n{TranscriptTail(result)}");
        if (result.Behavior == Verdict.Unimplemented) Assert.Inconclusive($"{verdicts}: {result.Reason}");
    }

    private static string TranscriptTail(CaseResult result)
    {
        var rows = TranscriptView.Rows(result.Transcript);
        var text = new StringBuilder("the end of the wire transcript:\n");
        foreach (var row in rows.Skip(Math.Max(0, rows.Count - 12)))
        {
            var payload = row.Payload.Length > 160 ? row.Payload[..160] + "…" : row.Payload;
            text.AppendLine($"  {row.Time,12}  {row.Direction,-9} {row.Kind,-14} {row.Header} {payload.ReplaceLineEndings(" | ")}".TrimEnd());
        }
        return text.ToString();
    }
}
