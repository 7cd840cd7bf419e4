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
        var (masking, _) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.RawAsync(url, "masking", ClientFault.None, cases.Count));
        var (unmasked, _) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.RawAsync(url, "unmasked", ClientFault.DoesNotMask, cases.Count));

        Assert.That(masking["masking"].Select(r => $"{r.Id} {r.Verdicts}"), Is.All.EndsWith(" OK/OK"));
        foreach (var result in unmasked["unmasked"])
        {
            Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), $"{result.Id}: {result.Reason}");
            Assert.That(result.Violations, Has.Some.Contains("the client sent an unmasked").And.Contains("RFC 6455 5.1"), result.Id);
        }
    }

    /// <summary>
    /// The client-side handshake (category H), as FaultTable proves the server faults: each fault of the raw client
    /// turns exactly the cases it should non-OK, the client without faults passes them all, and every case of the
    /// category is failed by some fault.
    /// </summary>
    [Test]
    public async Task Each_client_fault_fails_exactly_the_handshake_cases_it_breaks()
    {
        var cases = ClientRuns.Categories("H");
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(20));
        var accepting = cases.Where(c => c.Group == "H.2").Select(c => c.Id).ToList();
        var wrongAccept = new[] { "H.1.6", "H.1.7", "H.1.8" };
        var expected = new Dictionary<ClientFault, IReadOnlyList<string>>
        {
            [ClientFault.None] = [],
            [ClientFault.IgnoresAccept] = wrongAccept,
            [ClientFault.ChecksNoAnswer] = cases.Where(c => c.Group is "H.1" or "H.3").Select(c => c.Id).ToList(),
            // An unmasked client still fails every answer it must fail, and so passes those; the answers it accepts are
            // followed by its unmasked echo.
            [ClientFault.DoesNotMask] = accepting,
        };
        Assert.That(expected.Values.SelectMany(f => f).Distinct(), Is.EquivalentTo(cases.Select(c => c.Id)), "every case can fail");
        foreach (var (fault, failing) in expected)
        {
            var agent = fault.ToString();
            var (results, index) = await ClientRuns.ServeAsync(cases, url => ClientDrivers.RawAsync(url, agent, fault, cases.Count));
            var notOk = results[agent].Where(r => $"{r.Verdicts}" != "OK/OK").ToList();
            Assert.That(notOk.Select(r => r.Id), Is.EquivalentTo(failing), $"{fault}: " + string.Join("; ", notOk.Select(r => $"{r.Id} {r.Verdicts} {r.Reason}")));
            foreach (var result in notOk) Assert.That(result.Behavior, Is.EqualTo(Verdict.Failed), $"{fault} {result.Id}: {result.Reason}");
            Assert.That((string)index[agent]!["H.1.7"]!["behavior"]!, Is.EqualTo(fault is ClientFault.IgnoresAccept or ClientFault.ChecksNoAnswer ? "FAILED" : "OK"));
        }
    }
}
