namespace Conformance.Engine.Tests;

/// <summary>The case texts worded for the side the suite plays: against a client they name the client, and the permessage-deflate offer is the client's.</summary>
public class RoleWordingTests
{
    [Test]
    public void Every_expectation_played_against_clients_speaks_of_the_client()
    {
        var worded = ClientRuns.All.Select(c => (c.Id, Text: Role.Server.Worded(c.Expectation))).ToList();
        Assert.Multiple(() =>
        {
            foreach (var (id, text) in worded)
            {
                Assert.That(text, Does.Not.Contain("The server").And.Not.Contain(" the server "), id);
                Assert.That(text, Does.Not.Contain("The client accepts a permessage-deflate offer").And.Not.Contain("A server that accepts no offer"), id);
            }
        });
        Assert.That(worded.Single(w => w.Id == "12.1.1").Text, Does.StartWith("The client offers permessage-deflate, the suite accepts the offer, and the client echoes"));
    }

    [Test]
    public void Against_a_server_the_texts_are_the_cases_own()
    {
        foreach (var c in CatalogueRuns.Catalogue.Cases.Take(50))
            Assert.That(Role.Client.Worded(c.Expectation), Is.EqualTo(c.Expectation), c.Id);
    }
}
