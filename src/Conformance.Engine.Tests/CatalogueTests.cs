using Conformance.Engine.Cases;

namespace Conformance.Engine.Tests;

/// <summary>The catalogue in suites/ holds exactly Autobahn's ids for the categories it covers, each fully described.</summary>
public class CatalogueTests
{
    private static IEnumerable<string> Range(string prefix, int last) => Enumerable.Range(1, last).Select(i => $"{prefix}{i}");

    private static readonly string[] AutobahnIds =
    [
        .. Range("1.1.", 8), .. Range("1.2.", 8),
        .. Range("2.", 11),
        .. Range("3.", 7),
        .. Range("4.1.", 5), .. Range("4.2.", 5),
        .. Range("5.", 20),
        .. Range("7.1.", 6), .. Range("7.3.", 6), "7.5.1", .. Range("7.7.", 13), .. Range("7.9.", 9), .. Range("7.13.", 2),
    ];

    [Test]
    public void It_holds_Autobahns_ids_for_categories_1_to_5_and_7()
    {
        var ids = CatalogueRuns.Catalogue.Cases.Where(c => c.Category is "1" or "2" or "3" or "4" or "5" or "7").Select(c => c.Id);
        Assert.That(ids, Is.EquivalentTo(AutobahnIds));
    }

    [Test]
    public void Every_case_says_what_it_checks_and_does_something()
    {
        foreach (var c in CatalogueRuns.Catalogue.Cases)
        {
            Assert.That(c.Title, Is.Not.Empty, c.Id);
            Assert.That(c.Rfc, Is.Not.Empty, c.Id);
            Assert.That(c.Requirement, Is.Not.Empty, c.Id);
            Assert.That(c.Expectation, Is.Not.Empty, c.Id);
            Assert.That(c.Steps, Is.Not.Empty, c.Id);
            Assert.That(c.Close.Codes, Is.Not.Empty, c.Id);
        }
    }

    [Test]
    public void Invalid_input_cases_expect_the_server_to_fail_the_connection_with_1002()
    {
        foreach (var c in CatalogueRuns.Catalogue.Cases.Where(c => c.Category is "3" or "4"))
        {
            Assert.That(c.Close.Initiator, Is.EqualTo(CloseInitiator.Server), c.Id);
            Assert.That(c.Close.Codes, Is.EqualTo(new[] { 1002 }), c.Id);
        }
    }
}
