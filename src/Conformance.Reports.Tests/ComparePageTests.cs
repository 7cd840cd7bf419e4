using Conformance.Engine;

namespace Conformance.Reports.Tests;

public class ComparePageTests : WithScratchFolder
{
    [Test]
    public void The_comparison_lists_regressions_fixes_close_codes_and_new_and_removed_cases_with_both_pages()
    {
        var failed = HostileResults.Case();
        var ok = failed with { Behavior = Verdict.Ok, BehaviorClose = CloseVerdict.Ok, RemoteCloseCode = 1002 };
        var old = HostileResults.Run("server", ok, ok with { Id = "1.1.1", Title = "only before" }, failed with { Id = "3.1", Title = "fixed <i>later</i>" });
        var @new = HostileResults.Run("server-2", failed, ok with { Id = "3.1", Title = "fixed <i>later</i>" }, ok with { Id = "9.1.1", Title = "only after" });
        var document = HostileResults.Document(old, @new);

        var view = ComparePage.Build(document);
        Assert.That(view.Fails, Is.True);
        Assert.That(view.Lists.Single(l => l.Id == "regressions").Cases.Single().Id, Is.EqualTo("2.2"));
        Assert.That(view.Lists.Single(l => l.Id == "fixes").Cases.Single().Id, Is.EqualTo("3.1"));
        Assert.That(view.Lists.Single(l => l.Id == "close-codes").Cases.Select(c => c.Id), Does.Contain("2.2"));
        Assert.That(view.Added.Single().Id, Is.EqualTo("9.1.1"));
        Assert.That(view.Removed.Single().Id, Is.EqualTo("1.1.1"));

        ReportWriter.Write(Scratch, document, null, new ReportPages(Compare: true));
        var page = File.ReadAllText(Path.Combine(Scratch, ComparePage.FileName));
        Assert.That(page, Does.Contain("cases/server_case_2_2.html").And.Contain("cases/server-2_case_2_2.html"), "both case pages");
        Assert.That(page, Does.Contain("fixed &lt;i&gt;later&lt;/i&gt;").And.Not.Contain("<script>document"));
        Assert.That(page, Does.Contain("<svg class=\"bar\""));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "index.html")), Does.Contain($"href=\"{ComparePage.FileName}\""));
    }
}
