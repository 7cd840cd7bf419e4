namespace Conformance.Engine.Tests;

/// <summary>
/// A client with a fault gets the verdicts its fault deserves, and the same client without it gets OK, so each
/// verdict shows the suite noticed the fault rather than something else.
/// </summary>
public class BrokenClientTests
{
    [Test]
    public async Task A_client_that_does_not_mask_fails_every_echo_case_and_the_same_client_masking_passes()
    {
        var cases = ClientRuns.Categories("1");
        var (masking, _) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.RawAsync(url, "masking", masks: true, cases.Count));
        var (unmasked, _) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.RawAsync(url, "unmasked", masks: false, cases.Count));

        Assert.That(masking["masking"].Select(r => $"{r.Id} {r.Verdicts}"), Is.All.EndsWith(" OK/OK"));
        foreach (var result in unmasked["unmasked"])
        {
            Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), $"{result.Id}: {result.Reason}");
            Assert.That(result.Violations, Has.Some.Contains("the client sent an unmasked").And.Contains("RFC 6455 5.1"), result.Id);
        }
    }
}
