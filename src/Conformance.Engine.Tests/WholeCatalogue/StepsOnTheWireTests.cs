namespace Conformance.Engine.Tests;

/// <summary>
/// A case whose steps never reach the wire cannot fail. Against the fault-free server, every scripted step of every
/// case is in the transcript's writes, labelled with its number, unless the TCP connection had closed before it
/// because the server failed the connection as the case expects.
/// </summary>
[NonParallelizable]
public class StepsOnTheWireTests
{
    [Test]
    public async Task Every_scripted_step_is_written_while_the_connection_is_open()
    {
        var results = await CatalogueRuns.AgainstTheFaultFreeServer();
        var cases = CatalogueRuns.Cases.ToDictionary(c => c.Id);
        var missing = new List<string>();
        var closedBefore = 0;
        foreach (var result in results)
        {
            var @case = cases[result.Id];
            if (@case.EndsAfterHandshake) continue;
            for (var number = 1; number <= @case.Steps.Count; number++)
            {
                if (@case.Steps[number - 1] is WaitStep || Written(result, number)) continue;
                var notSent = result.Transcript.Any(e => e.Kind == WireEntryKind.Note && e.Text?.StartsWith($"step {number} not sent (the connection is closed)", StringComparison.Ordinal) == true);
                if (notSent && @case.Close.Initiator == CloseInitiator.Server)
                {
                    closedBefore++;
                    continue;
                }
                missing.Add($"{result.Id} step {number} ({@case.Steps[number - 1].Describe()}){(notSent ? ", noted as not sent although the server was not to fail the connection" : "")}");
            }
        }
        TestContext.Out.WriteLine($"{results.Count} cases; {closedBefore} step(s) not sent because the server had failed the connection, as expected");
        Assert.That(missing, Is.Empty);
    }

    /// <summary>The step's octets went out: a write labelled with its number, or the pipelined request that carried step 1.</summary>
    private static bool Written(CaseResult result, int number) =>
        result.Transcript.Any(e => e.Kind == WireEntryKind.Sent && (e.Text == $"step {number}" || number == 1 && e.Text == "the opening request and step 1"));
}
