using System.Text.RegularExpressions;
using Conformance.Engine;
using Conformance.Engine.Cases;

namespace Conformance.Reports.Tests;

public class SingleFileReportTests : WithScratchFolder
{
    [Test]
    public void One_file_holds_the_styles_the_scorecard_every_case_as_a_row_and_the_pages_of_the_cases_not_OK()
    {
        var failed = HostileResults.Case();
        var ok = failed with { Id = "1.1.1", Title = "an OK case", Behavior = Verdict.Ok, BehaviorClose = CloseVerdict.Ok };
        var requirements = new RequirementSet("requirements.json",
            [new Requirement("pong", "RFC 6455", "5.5.2", "MUST", "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response.", null)]);
        var path = SingleFileReport.Write(Scratch, HostileResults.Document(HostileResults.Run("bad", failed with { Requirements = ["pong"] }, ok)), null, requirements);

        var html = File.ReadAllText(path);
        Assert.That(Directory.GetFiles(Scratch), Is.EqualTo(new[] { path }), "one file, nothing beside it");
        Assert.That(html, Does.Contain("<style>").And.Not.Contain("<link").And.Not.Contain("<script"), "styles inline, no script, nothing fetched");
        Assert.That(html, Does.Not.Contain("src=\"").And.Not.Contain("href=\"cases/").And.Not.Contain("url("), "no reference to another file");
        Assert.That(html, Does.Contain("<article class=\"case-page\" id=\"bad_case_2_2\">"), "the not-OK case's page is inside");
        Assert.That(html, Does.Contain("href=\"#bad_case_2_2\""), "and the scorecard links it");
        Assert.That(html, Does.Contain("id=\"case-1.1.1\"").And.Not.Contain("id=\"bad_case_1_1_1\""), "the OK case is a row, without a page");
        Assert.That(Regex.Matches(html, " id=\"bad_case_2_2-verdict\"").Count, Is.EqualTo(1), "the embedded page's ids are its own");
        Assert.That(html, Does.Contain("id=\"chart-categories\"").And.Contain("id=\"chart-requirements\""));
        Assert.That(html, Does.Not.Contain("<script>document"), "what the server sent is escaped");
    }

    [Test]
    public void A_long_transcript_keeps_its_ends_and_says_how_many_rows_it_leaves_out()
    {
        var failed = HostileResults.Case();
        var longer = failed with { Transcript = [.. Enumerable.Range(0, 60).SelectMany(_ => failed.Transcript)] };
        var html = File.ReadAllText(SingleFileReport.Write(Scratch, HostileResults.Document(HostileResults.Run("bad", longer))));
        Assert.That(Regex.Matches(html, "<td class=\"time\">").Count, Is.EqualTo(2 * SingleFileReport.TranscriptRowsKept));
        Assert.That(html, Does.Match(@"leaves out [1-9]\d* rows in its middle; the case's own page \(cases/bad_case_2_2\.html"));
    }
}
