using Conformance.Testing;

namespace Conformance.Engine.Tests;

/// <summary>suites/requirements.json against the catalogue: every requirement a case names exists, and every requirement is checked or says why it cannot be.</summary>
public class RequirementTraceTests
{
    private static readonly RequirementSet Requirements = RequirementSet.Read(Path.Combine(RepositoryPaths.Suites, RequirementSet.FileName));

    [Test]
    public void Every_requirement_a_case_names_exists()
    {
        var unknown = CatalogueRuns.Catalogue.All.SelectMany(c => c.Requirements.Where(id => Requirements.Find(id) is null).Select(id => $"{c.Id}: {id}"));
        Assert.That(unknown, Is.Empty);
    }

    [Test]
    public void Every_requirement_is_checked_by_a_case_or_says_why_no_case_can_check_it_from_the_wire()
    {
        var named = CatalogueRuns.Catalogue.All.SelectMany(c => c.Requirements).ToHashSet();
        var neither = Requirements.Requirements.Where(r => !named.Contains(r.Id) && r.Untestable is null).Select(r => r.Id);
        Assert.That(neither, Is.Empty, "neither checked by a case nor marked untestable (with the reason)");
        var both = Requirements.Requirements.Where(r => named.Contains(r.Id) && r.Untestable is not null).Select(r => r.Id);
        Assert.That(both, Is.Empty, "marked untestable, yet a case names it");
    }

    [Test]
    public void Every_scripted_case_names_a_requirement_of_RFC_6455_or_7692()
    {
        var without = CatalogueRuns.Catalogue.All.Where(c => c.Requirements.Count == 0 && c.Rfc.Any(r => r.StartsWith("RFC6455") || r.StartsWith("RFC7692"))).Select(c => c.Id);
        Assert.That(without, Is.Empty);
    }

    [Test]
    public void The_requirements_file_is_not_read_as_a_case_file_and_a_bad_keyword_is_an_error_naming_it()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("requirements").FullName, RequirementSet.FileName);
        File.WriteAllText(file, """{"requirements": [{"id": "x", "rfc": "RFC 6455", "section": "5.1", "keyword": "SHALL", "words": "It SHALL."}]}""");
        var error = Assert.Throws<CaseFileException>(() => RequirementSet.Read(file))!;
        Assert.That(error.Message, Does.Contain("requirements[0].keyword"));
        Assert.That(Catalogue.Load(RepositoryPaths.Suites).Cases, Is.Not.Empty);
    }
}
