using System.Text.RegularExpressions;
using Conformance.Engine;
using Conformance.Engine.Expectations;

namespace Conformance.Reports.Tests;

public class ScorecardTests : WithScratchFolder
{
    [Test]
    public void The_scorecard_shows_a_bar_per_target_and_row_and_the_not_OK_cases_by_section()
    {
        var failed = HostileResults.Case();
        var document = HostileResults.Document(HostileResults.Run("good", failed with { Behavior = Verdict.Ok, BehaviorClose = CloseVerdict.Ok }), HostileResults.Run("bad", failed));
        var view = Scorecard.Build(document, null);
        Assert.That(view.ByCategory.Single().Bars.Select(b => b!.PercentText), Is.EqualTo(new[] { "100 %", "0 %" }));
        Assert.That(view.ByRfc.Single().Label, Is.EqualTo("RFC 6455"));
        Assert.That(view.NotOk.Single().Section, Is.EqualTo("RFC6455 5.5.2"));

        ReportWriter.Write(Scratch, document);
        var index = File.ReadAllText(Path.Combine(Scratch, "index.html"));
        Assert.That(index.IndexOf("id=\"scorecard\"", StringComparison.Ordinal), Is.LessThan(index.IndexOf("id=\"runs\"", StringComparison.Ordinal)), "the scorecard comes first");
        Assert.That(Regex.Matches(index, "<svg class=\"bar\"").Count, Is.EqualTo(4), "one bar per target for the category and for the RFC");
        Assert.That(index, Does.Contain("href=\"https://www.rfc-editor.org/rfc/rfc6455#section-5.5.2\">RFC6455 5.5.2</a>"));
        Assert.That(index, Does.Contain("cases/bad_case_2_2.html"));
        Assert.That(index, Does.Not.Contain("<script>document"));
    }

    [Test]
    public void Known_issues_and_decisions_of_the_expectations_file_are_marked_with_their_reason()
    {
        var failed = HostileResults.Case();
        var expectations = new ExpectationSet("test.json", "bad",
            [new Expectation(ExpectationKind.KnownIssue, ["2.2"], [Verdict.Failed], [CloseVerdict.Ok], "pongs carry <i>another</i> payload", "a fix of the pong", null)]);
        var document = HostileResults.Document(HostileResults.Run("bad", failed));
        ReportWriter.Write(Scratch, document, new Dictionary<string, IReadOnlyList<ComparedCase>> { ["bad"] = ExpectationComparer.Compare([failed], expectations) });
        var index = File.ReadAllText(Path.Combine(Scratch, "index.html"));
        Assert.That(index, Does.Contain("<span class=\"expected known-issue\""));
        Assert.That(index, Does.Contain("pongs carry &lt;i&gt;another&lt;/i&gt; payload"));
        Assert.That(index, Does.Contain("a fix of the pong"));
    }
}
