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
        .. new[] { 3, 4, 2, 4, 5, 11, 4, 2, 4, 3, 5, 8, 5, 10, 1, 3, 5, 5, 5, 7, 8, 34, 7 }.SelectMany((count, i) => Range($"6.{i + 1}.", count)),
        .. Range("7.1.", 6), .. Range("7.3.", 6), "7.5.1", .. Range("7.7.", 13), .. Range("7.9.", 9), .. Range("7.13.", 2),
        .. Range("9.1.", 6), .. Range("9.2.", 6), .. Range("9.3.", 9), .. Range("9.4.", 9),
        .. Range("9.5.", 6), .. Range("9.6.", 6), .. Range("9.7.", 6), .. Range("9.8.", 6),
        "10.1.1",
    ];

    [Test]
    public void It_holds_Autobahns_ids_for_categories_1_to_10()
    {
        var ids = CatalogueRuns.Catalogue.Cases.Where(c => int.TryParse(c.Category, out var n) && n is >= 1 and <= 10).Select(c => c.Id);
        Assert.That(ids, Is.EquivalentTo(AutobahnIds));
        Assert.That(AutobahnIds, Has.Length.EqualTo(301));
    }

    [Test]
    public void It_holds_Autobahns_216_compression_ids_each_a_thousand_round_trips_with_a_deflate_offer()
    {
        var compression = CatalogueRuns.Catalogue.Cases.Where(c => c.Category is "12" or "13").ToList();
        var expected = Enumerable.Range(1, 5).SelectMany(g => Enumerable.Range(1, 18).Select(n => $"12.{g}.{n}"))
            .Concat(Enumerable.Range(1, 7).SelectMany(g => Enumerable.Range(1, 18).Select(n => $"13.{g}.{n}")));
        Assert.That(compression.Select(c => c.Id), Is.EquivalentTo(expected));
        Assert.That(compression.Where(c => c.DeflateOffers is null || c.Steps.OfType<RoundTripsStep>().Single().Count != 1000).Select(c => c.Id), Is.Empty);
        Assert.That(compression.Single(c => c.Id == "13.7.1").DeflateOffers, Has.Count.EqualTo(3));
        Assert.That(compression.Single(c => c.Id == "12.5.18").Steps.OfType<RoundTripsStep>().Single() is { FragmentSize: 32768, Messages.Length: 131072 });
        Assert.That(compression.Sum(c => c.RoundTripOctets) / 1e9, Is.EqualTo(10.88).Within(0.01), "GB of messages each way");
    }

    [Test]
    public void The_opening_handshake_category_has_a_handshake_expectation_in_every_case()
    {
        var handshake = CatalogueRuns.Catalogue.Cases.Where(c => c.Category == "0").ToList();
        Assert.That(handshake, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(handshake.Where(c => c.Handshake is null || c.Request is null).Select(c => c.Id), Is.Empty);
        Assert.That(handshake.Select(c => c.Group).Distinct(), Is.EquivalentTo(new[] { "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8" }));
        Assert.That(handshake.Where(c => c.EndsAfterHandshake && c.Steps.Count > 0).Select(c => c.Id), Is.Empty,
            "nothing is sent after a request that is not expected to be upgraded");
    }

    [Test]
    public void Every_UTF8_case_expects_an_echo_exactly_when_its_text_is_valid()
    {
        var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (var c in CatalogueRuns.Catalogue.Cases.Where(c => c.Category == "6" && c.Group is not ("6.4")))
        {
            var sent = c.Steps.SelectMany(SentPayloads).SelectMany(p => p).ToArray();
            var valid = true;
            try { strict.GetString(sent); } catch (System.Text.DecoderFallbackException) { valid = false; }
            Assert.That(c.Close.Initiator, Is.EqualTo(valid ? CloseInitiator.Suite : CloseInitiator.Server), c.Id);
            Assert.That(c.Outcomes[0].Events, valid ? Has.Count.EqualTo(1) : Is.Empty, c.Id);
            if (!valid) Assert.That(c.Close.Codes, Is.EqualTo(new[] { 1007 }), c.Id);
        }
    }

    private static IEnumerable<byte[]> SentPayloads(Step step) => step switch
    {
        SendFramesStep s => s.Frames.Select(f => f.Payload),
        SendMessageStep m => [m.Payload],
        _ => [],
    };

    [Test]
    public void Every_case_says_what_it_checks_and_does_something()
    {
        foreach (var c in CatalogueRuns.Catalogue.Cases)
        {
            Assert.That(c.Title, Is.Not.Empty, c.Id);
            Assert.That(c.Rfc, Is.Not.Empty, c.Id);
            Assert.That(c.Requirement, Is.Not.Empty, c.Id);
            Assert.That(c.Expectation, Is.Not.Empty, c.Id);
            Assert.That(c.Steps.Count > 0 || c.Handshake is not null, c.Id + " does something");
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
