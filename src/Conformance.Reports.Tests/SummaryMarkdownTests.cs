using Conformance.Engine.Expectations;

namespace Conformance.Reports.Tests;

/// <summary>summary.md goes into pull-request comments: what the server wrote must stay text there.</summary>
public class SummaryMarkdownTests
{
    private const string Hostile = "@everyone look | here <script>alert(1)</script> `rm -rf` [x](https://e.x) ~~gone~~ $x$ \u202Egnp.exe";

    private static void AssertInert(string markdown)
    {
        Assert.That(markdown, Does.Not.Match(@"@everyone|@org"), "no live mention");
        Assert.That(markdown, Does.Contain("@\u200Beveryone"), "the mention is still readable");
        Assert.That(markdown, Does.Not.Contain("<script>").And.Contain("&lt;script&gt;"));
        Assert.That(markdown, Does.Not.Match(@"(?<!\\)`rm"), "no code span of the server's");
        Assert.That(markdown, Does.Not.Match(@"(?<!\\)\[x(?<!\\)\]"), "no link of the server's");
        Assert.That(markdown, Does.Not.Match(@"(?<!\\)~~|(?<!\\)\$x"), "no strikethrough or math of the server's");
        Assert.That(markdown, Does.Not.Contain("\u202E"), "no direction override");
        foreach (var line in markdown.Split('\n').Where(l => l.Contains("look")))
            Assert.That(line, Does.Not.Match(@"(?<!\\)\|"), $"a pipe of the server's would make a table cell: {line}");
    }

    [Test]
    public void Reasons_names_and_titles_from_the_server_are_inert_in_the_list_of_cases_not_OK()
    {
        var result = HostileResults.Case() with { Reason = Hostile, CategoryTitle = "Pings | @org/team" };
        var markdown = SummaryMarkdown.Render(HostileResults.Document(HostileResults.Run("@org/team | x", result)));
        AssertInert(markdown);
        var row = markdown.Split('\n').Single(l => l.StartsWith("| 2 "));
        Assert.That(row.Split(" | ").Length, Is.EqualTo(8), $"the category's cell stays one cell: {row}");
    }

    [Test]
    public void Reasons_from_the_server_are_inert_in_the_regressions()
    {
        var result = HostileResults.Case() with { Reason = Hostile };
        var compared = new Dictionary<string, IReadOnlyList<ComparedCase>>
        {
            ["agent"] = [new ComparedCase(result, ExpectationSet.Default, Comparison.Regression)],
        };
        var markdown = SummaryMarkdown.Render(HostileResults.Document(HostileResults.Run("agent", result)), compared);
        Assert.That(markdown, Does.Contain("**Regressions (worse than expected): 1**"));
        AssertInert(markdown);
    }
}
