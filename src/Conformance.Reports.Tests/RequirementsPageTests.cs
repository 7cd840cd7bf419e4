using Conformance.Engine;
using Conformance.Engine.Cases;

namespace Conformance.Reports.Tests;

public class RequirementsPageTests : WithScratchFolder
{
    private static readonly RequirementSet Requirements = new("requirements.json",
    [
        new Requirement("pong", "RFC 6455", "5.5.2", "MUST", "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response.", null),
        new Requirement("origin", "RFC 6455", "10.2", "SHOULD", "Servers SHOULD verify the |Origin| field <b>is</b> an origin they expect.", "the operator's choice"),
        new Requirement("unmasked", "RFC 6455", "5.1", "MUST", "The server MUST close the connection upon receiving a frame that is not masked.", null),
    ]);

    [Test]
    public void Every_requirement_shows_its_cases_verdicts_per_target_and_the_unchecked_ones_in_plain_sight()
    {
        var failed = HostileResults.Case() with { Requirements = ["pong", "no-such-requirement"] };
        var document = HostileResults.Document(HostileResults.Run("good", failed with { Behavior = Verdict.Ok, BehaviorClose = CloseVerdict.Ok }), HostileResults.Run("bad", failed));
        var view = RequirementsPage.Build(document, Requirements);
        Assert.That(view.Figures, Is.EqualTo(new RequirementFigures(3, 1, 1, 1, 0, 1)));
        Assert.That(view.ByRfc.Single().Requirements[0].Tallies.Select(t => t.State), Is.EqualTo(new[] { "met", "not met" }));
        Assert.That(view.NotChecked.Single().Id, Is.EqualTo("unmasked"));
        Assert.That(view.Unknown.Single(), Is.EqualTo(new UnknownRequirement("2.2", "no-such-requirement")));

        ReportWriter.Write(Scratch, document, null, new ReportPages(Requirements));
        var page = File.ReadAllText(Path.Combine(Scratch, RequirementsPage.FileName));
        Assert.That(page, Does.Contain("id=\"not-checked\"").And.Contain("href=\"#unmasked\""));
        Assert.That(page, Does.Contain("<span class=\"label\">why no case</span> the operator&#39;s choice"));
        Assert.That(page, Does.Contain("cases/bad_case_2_2.html"));
        Assert.That(page, Does.Contain("https://www.rfc-editor.org/rfc/rfc6455#section-5.5.2"));
        Assert.That(page, Does.Contain("&lt;b&gt;is&lt;/b&gt;").And.Not.Contain("<script>document"));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "index.html")), Does.Contain($"href=\"{RequirementsPage.FileName}\""));
    }

    [Test]
    public void Without_requirements_there_is_no_page_and_no_link()
    {
        ReportWriter.Write(Scratch, HostileResults.Document(HostileResults.Run("bad", HostileResults.Case())));
        Assert.That(File.Exists(Path.Combine(Scratch, RequirementsPage.FileName)), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "index.html")), Does.Not.Contain(RequirementsPage.FileName));
    }
}
