using System.Xml.Linq;
using Conformance.Engine;

namespace Conformance.Reports.Tests;

public class ReportSafetyTests : WithScratchFolder
{
    [Test]
    public void What_the_server_sent_is_escaped_everywhere()
    {
        var result = HostileResults.Case();
        Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), "the pong carried the wrong payload");
        ReportWriter.Write(Scratch, HostileResults.Document(HostileResults.Run("<b>agent</b>", result)));

        var index = File.ReadAllText(Path.Combine(Scratch, "index.html"));
        var page = File.ReadAllText(Path.Combine(Scratch, ReportModel.PageName("<b>agent</b>", "2.2")));
        foreach (var html in new[] { index, page })
        {
            Assert.That(html, Does.Not.Contain("<script>document"));
            Assert.That(html, Does.Not.Contain("<b>agent"));
        }
        Assert.That(page, Does.Contain("X-Evil: &lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"), "the header is shown, as text");
        Assert.That(page, Does.Contain("&quot;&lt;script&gt;"), "the pong payload is shown, as text");
        Assert.That(page, Does.Contain("code 1000"), "the close frame is decoded");
        Assert.That(File.Exists(Path.Combine(Scratch, "cases", "_b_agent__b__case_2_2.html")), "the agent is made file-safe");
    }

    [Test]
    public void What_the_server_sent_over_HTTP_2_is_escaped_in_the_frames_shown()
    {
        ReportWriter.Write(Scratch, HostileResults.Document(HostileResults.Run("agent", HostileResults.Http2Case())));
        var page = File.ReadAllText(Path.Combine(Scratch, ReportModel.PageName("agent", "2.2")));
        Assert.That(page, Does.Not.Contain("<script>document"));
        Assert.That(page, Does.Contain("x-evil: &lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"), "the decoded header list is shown, as text");
        Assert.That(page, Does.Contain("debug data &quot;&lt;script&gt;"), "the GOAWAY's debug data is shown, as text");
        Assert.That(page, Does.Contain("&quot;&lt;script&gt;"), "the pong inside the DATA is decoded and shown, as text");
    }

    [Test]
    public void JUnit_stays_well_formed_whatever_the_server_sent()
    {
        ReportWriter.Write(Scratch, HostileResults.Document(HostileResults.Run("agent", HostileResults.Case())));
        var junit = XDocument.Load(Path.Combine(Scratch, "junit.xml"));
        var testcase = junit.Descendants("testcase").Single();
        Assert.That(testcase.Attribute("name")!.Value, Does.StartWith("2.2 A ping <script>"));
        Assert.That(testcase.Element("failure")!.Attribute("type")!.Value, Is.EqualTo("FAILED/OK"),
            "the pong was wrong; the server's close reason is invalid UTF-8, so the suite failed the connection (1007) and started the closing itself");
        Assert.That(junit.Root!.Element("testsuite")!.Attribute("failures")!.Value, Is.EqualTo("1"));
    }
}
