using System.Text.RegularExpressions;
using Conformance.Engine.Cases;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Targets;

namespace Conformance.Reports.Tests;

/// <summary>A report of a real run, opened in headless Chromium: what a vendor would see, and that nothing from the server runs.</summary>
[NonParallelizable]
public class BrowserTests
{
    private static readonly string[] Selected = ["1.1.1", "2.2", "5.19", "7.1.1"];
    private string _out = "";

    [OneTimeSetUp]
    public async Task RenderARealRun()
    {
        _out = Directory.CreateTempSubdirectory("browser-report").FullName;
        var catalogue = Catalogue.Load(RepositoryPaths.Suites);
        var cases = catalogue.Cases.Where(c => Selected.Contains(c.Id)).ToList();
        await using var server = await KestrelEchoServer.StartAsync();
        var outcome = await Runner.RunAsync(cases, new RunOptions { Session = new SessionOptions { Target = server.Url } }, _ => { }, CancellationToken.None);
        var real = HostileResults.Run("kestrel-embedded", [.. outcome.Results]) with { Target = server.Url.ToString() };
        var document = HostileResults.Document(real, HostileResults.Run("hostile", HostileResults.Case()));
        var requirements = RequirementSet.Read(Path.Combine(RepositoryPaths.Suites, RequirementSet.FileName));
        ReportWriter.Write(_out, document, null, new ReportPages(requirements, Compare: true));
        SingleFileReport.Write(_out, document, null, requirements);
    }

    /// <summary>Where the screenshots of the pages stay after the run, to be looked at.</summary>
    private static string Screenshots => Directory.CreateDirectory(Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-screenshots")).FullName;

    private static readonly string[] NewPages = ["index.html", RequirementsPage.FileName, ComparePage.FileName, SingleFileReport.FileName];

    [TestCaseSource(nameof(NewPages))]
    public void Each_page_has_its_charts_and_runs_no_script_from_the_server(string page)
    {
        var dom = HeadlessChromium.DumpDom(Path.Combine(_out, page));
        Assert.That(Regex.Matches(dom, "<svg class=\"bar\"").Count, Is.GreaterThan(0), "the bar charts are drawn");
        Assert.That(dom, Does.Not.Contain("PWNED\"").And.Not.Contain("<script>document"), "what the server sent stays text");
        Assert.That(Regex.Match(dom, "<title>(.*?)</title>").Groups[1].Value, Does.Not.Contain("PWNED"));
        if (page != "index.html") Assert.That(Regex.Matches(dom, "<script").Count, Is.EqualTo(0), "the page has no script at all");
    }

    [TestCaseSource(nameof(NewPages))]
    public void Each_page_is_screenshot_at_desktop_and_phone_width(string page)
    {
        foreach (var (width, height) in new[] { (1280, 2000), (390, 2400) })
        {
            var png = Path.Combine(Screenshots, $"{Path.GetFileNameWithoutExtension(page)}-{width}.png");
            HeadlessChromium.Screenshot(Path.Combine(_out, page), png, width, height);
            Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000), png);
            TestContext.AddTestAttachment(png);
        }
    }

    [Test]
    public void The_scorecard_comes_first_and_the_requirements_page_traces_the_real_run()
    {
        var index = HeadlessChromium.DumpDom(Path.Combine(_out, "index.html"));
        Assert.That(index.IndexOf("id=\"scorecard\"", StringComparison.Ordinal), Is.LessThan(index.IndexOf("id=\"runs\"", StringComparison.Ordinal)));
        Assert.That(index, Does.Contain($"href=\"{RequirementsPage.FileName}\"").And.Contain($"href=\"{ComparePage.FileName}\""));
        var requirements = HeadlessChromium.DumpDom(Path.Combine(_out, RequirementsPage.FileName));
        Assert.That(requirements, Does.Contain("id=\"6455-5.5.2-answer-ping\"").And.Contain("cases/kestrel-embedded_case_2_2.html"));
        Assert.That(requirements, Does.Contain("id=\"untestable\"").And.Contain("id=\"not-checked\""));
        var compare = HeadlessChromium.DumpDom(Path.Combine(_out, ComparePage.FileName));
        Assert.That(compare, Does.Contain("id=\"removed\"").And.Contain("cases/kestrel-embedded_case_5_19.html"), "the cases only the first run has, with their pages");
    }

    [OneTimeTearDown]
    public void RemoveOut() => Directory.Delete(_out, true);

    [Test]
    public void The_index_shows_the_totals_and_a_row_per_case_with_a_column_per_target()
    {
        var dom = HeadlessChromium.DumpDom(Path.Combine(_out, "index.html"));
        Assert.That(dom, Does.Contain("<h2>kestrel-embedded</h2>").And.Contain("<h2>hostile</h2>"));
        Assert.That(dom, Does.Contain("data-total=\"OK\">OK 4</span>"), "the real run's totals");
        Assert.That(dom, Does.Contain("<th>kestrel-embedded</th><th>hostile</th>"));
        Assert.That(dom, Does.Contain("id=\"case-5.19\""));
        Assert.That(dom, Does.Contain("cases/hostile_case_2_2.html"));
        Assert.That(dom, Does.Contain("4 of 4 case(s) shown"), "the filter script ran");
    }

    [Test]
    public void A_case_page_shows_its_requirement_and_transcript()
    {
        var dom = HeadlessChromium.DumpDom(Path.Combine(_out, ReportModel.PageName("kestrel-embedded", "5.19")));
        Assert.That(dom, Does.Contain("https://www.rfc-editor.org/rfc/rfc6455#section-5.4"));
        Assert.That(dom, Does.Contain("HTTP/1.1 101 Switching Protocols"));
        Assert.That(dom, Does.Contain("continuation · FIN=0"), "decoded frame headers");
        Assert.That(dom, Does.Contain("<li>wait 1000 ms</li>"), "the steps, with the pause");
        Assert.That(dom, Does.Contain("pong · FIN · unmasked"), "the server's pongs");
    }

    [Test]
    public void Script_sent_by_the_server_does_not_run()
    {
        var page = Path.Combine(_out, ReportModel.PageName("hostile", "2.2"));
        var dom = HeadlessChromium.DumpDom(page);
        var title = Regex.Match(dom, "<title>(.*?)</title>").Groups[1].Value;
        Assert.That(title, Does.StartWith("2.2 · hostile"));
        Assert.That(title, Does.Not.Contain("PWNED"));
        Assert.That(dom, Does.Contain("X-Evil: &lt;script&gt;"), "the header is there, as text");
        Assert.That(Regex.Matches(dom, "<script").Count, Is.EqualTo(0), "the case page has no script at all");

        var index = HeadlessChromium.DumpDom(Path.Combine(_out, "index.html"));
        Assert.That(Regex.Match(index, "<title>(.*?)</title>").Groups[1].Value, Is.EqualTo("WebSocket conformance report"));
    }

    [Test]
    public void Screenshots_can_be_taken()
    {
        var png = Path.Combine(_out, "index.png");
        HeadlessChromium.Screenshot(Path.Combine(_out, "index.html"), png);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000));
    }
}
