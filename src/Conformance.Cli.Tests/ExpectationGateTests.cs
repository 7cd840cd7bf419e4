using System.Text.Json.Nodes;
using Conformance.Engine.Expectations;
using Conformance.Targets;

namespace Conformance.Cli.Tests;

/// <summary>
/// The regression gate end to end, against the fault-injecting echo server: a baseline taken with one fault on is
/// refused until its reasons are written (or accepted as they are); the fault gone, the run reports unexpected passes
/// and exits 0; another fault on, it reports the regressions and exits 1; a change to another verdict as bad fails
/// too, and so does a diff against a run with cases missing.
/// </summary>
[NonParallelizable]
public class ExpectationGateTests : WithScratchFolder
{
    private CliRun Run(FaultyEchoServer server, params string[] args) =>
        Cli.Run(["--target", server.Url.ToString(), "--cases", "2.*,6.*", "--out", Path.Combine(Scratch, "reports"), .. args]);

    [Test]
    public async Task A_baseline_then_a_fix_then_a_new_fault()
    {
        var expectations = Path.Combine(Scratch, "expect.json");
        await using (var emptyPong = FaultyEchoServer.Start(ServerFault.EmptyPong))
        {
            var baseline = Cli.Run("baseline", "--target", emptyPong.Url.ToString(), "--cases", "2.*,6.*", "--out", expectations);
            Assert.That(baseline.ExitCode, Is.EqualTo(0), baseline.Errors);
            Assert.That(File.ReadAllText(expectations), Does.Contain("\"2.2\""));

            var unreviewed = Run(emptyPong, "--expect", expectations);
            Assert.That(unreviewed.ExitCode, Is.EqualTo(2), "an unedited baseline passes nothing: " + unreviewed.Output);
            Assert.That(unreviewed.Errors.Trim().Split('\n'), Has.Length.EqualTo(1), unreviewed.Errors);
            Assert.That(unreviewed.Errors, Does.StartWith($"conformance: {expectations}: ").And.Contain("placeholder reason")
                .And.Contain("2.2").And.Contain("--accept-unreviewed"));
            var accepted = Run(emptyPong, "--expect", expectations, "--accept-unreviewed");
            Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.Output + accepted.Errors);
            Assert.That(accepted.Errors, Does.Contain("accepted (--accept-unreviewed)"));

            WriteReasons(expectations);
            var same = Run(emptyPong, "--expect", expectations);
            Assert.That(same.ExitCode, Is.EqualTo(0), same.Output);
            Assert.That(same.Output, Does.Contain("0 regressions").And.Contain("0 unexpected passes"));
        }

        await using (var fixedServer = FaultyEchoServer.Start())
        {
            var better = Run(fixedServer, "--expect", expectations);
            Assert.That(better.ExitCode, Is.EqualTo(0), better.Output);
            Assert.That(better.Output, Does.Contain("0 regressions"));
            Assert.That(better.Output, Does.Match(@"[1-9]\d* unexpected passes"));
            Assert.That(better.Output, Does.Contain("2.2      OK/OK, expected FAILED/OK"));
        }

        await using (var newFault = FaultyEchoServer.Start(ServerFault.SkipsUtf8Validation))
        {
            var worse = Run(newFault, "--expect", expectations);
            Assert.That(worse.ExitCode, Is.EqualTo(1), worse.Output);
            Assert.That(worse.Output, Does.Match(@"[1-9]\d* regressions"));
            Assert.That(worse.Output, Does.Contain("6 UTF-8 handling"));
            var summary = File.ReadAllText(Path.Combine(Scratch, "reports", "summary.md"));
            Assert.That(summary, Does.Match(@"\*\*Regressions \(worse than expected\): [1-9]"));
        }
    }

    /// <summary>What a person does after baseline: the real why in place of each placeholder.</summary>
    private static void WriteReasons(string expectations) =>
        File.WriteAllText(expectations, File.ReadAllText(expectations).Replace(Baseline.ReasonPlaceholder, "the fault server was started with a fault"));

    [Test]
    public async Task A_close_verdict_changed_to_another_as_bad_fails_the_gate_as_a_change()
    {
        var expectations = Path.Combine(Scratch, "expect.json");
        await using var server = FaultyEchoServer.Start(ServerFault.WrongCodeOnInvalidUtf8);
        var baseline = Cli.Run("baseline", "--target", server.Url.ToString(), "--cases", "2.*,6.*", "--out", expectations);
        Assert.That(baseline.ExitCode, Is.EqualTo(0), baseline.Errors);
        Assert.That(File.ReadAllText(expectations), Does.Contain("\"WRONG CODE\""), "the fault gets WRONG CODE");
        WriteReasons(expectations);
        var asExpected = Run(server, "--expect", expectations);
        Assert.That(asExpected.ExitCode, Is.EqualTo(0), asExpected.Output);

        // The same file, saying UNCLEAN where the server gets WRONG CODE: as bad, but not what the file says.
        File.WriteAllText(expectations, File.ReadAllText(expectations).Replace("\"WRONG CODE\"", "\"UNCLEAN\""));
        var changed = Run(server, "--expect", expectations);
        Assert.That(changed.ExitCode, Is.EqualTo(1), changed.Output);
        Assert.That(changed.Output, Does.Contain("0 regressions").And.Match(@"[1-9]\d* changed, neither better nor worse than expected")
            .And.Contain("0 unexpected passes").And.Contain("/WRONG CODE, expected "));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "reports", "summary.md")), Does.Match(@"\*\*Changed, neither better nor worse than expected \(fails like a regression\): [1-9]"));
    }

    [Test]
    public void Diff_fails_on_a_change_to_a_verdict_as_bad_on_cases_missing_and_on_an_interrupted_run()
    {
        var run = Cli.Run("--cases", "2.1,2.2,2.3", "--out", Scratch);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Errors);
        var results = Path.Combine(Scratch, "results.json");
        string Variant(string name, Action<JsonObject> change)
        {
            var document = JsonNode.Parse(File.ReadAllText(results))!;
            change(document["runs"]![0]!.AsObject());
            var file = Path.Combine(Scratch, name);
            File.WriteAllText(file, document.ToJsonString());
            return file;
        }
        JsonObject Case(JsonObject run, string id) => run["cases"]!.AsArray().Single(c => (string?)c!["id"] == id)!.AsObject();

        var same = Cli.Run("diff", results, results);
        Assert.That(same.ExitCode, Is.EqualTo(0), same.Output);

        var wrongCode = Variant("wrong-code.json", r => Case(r, "2.1")["behaviorClose"] = "WRONG CODE");
        var unclean = Variant("unclean.json", r => Case(r, "2.1")["behaviorClose"] = "UNCLEAN");
        var changed = Cli.Run("diff", wrongCode, unclean);
        Assert.That(changed.ExitCode, Is.EqualTo(1), changed.Output + changed.Errors);
        Assert.That(changed.Output, Does.Contain("0 regressions").And.Contain("1 changed, neither better nor worse")
            .And.Contain("0 fixes").And.Contain("2.1      OK/WRONG CODE → OK/UNCLEAN"));

        var missing = Variant("missing.json", r =>
        {
            r["cases"]!.AsArray().Remove(Case(r, "2.3"));
            r["casesSelected"] = 2;
        });
        var withoutCase = Cli.Run("diff", results, missing);
        Assert.That(withoutCase.ExitCode, Is.EqualTo(1), withoutCase.Output);
        Assert.That(withoutCase.Output, Does.Contain("0 regressions").And.Contain("1 missing from the new results (counted as failures): 2.3"));

        var interrupted = Variant("interrupted.json", r =>
        {
            r["cases"]!.AsArray().Remove(Case(r, "2.3"));
            r["interrupted"] = true;
        });
        var stopped = Cli.Run("diff", results, interrupted);
        Assert.That(stopped.ExitCode, Is.EqualTo(1), stopped.Output);
        Assert.That(stopped.Output, Does.Contain("the new run was interrupted: 1 of its 3 selected case(s) without a result"));
        Assert.That(Cli.Run("diff", interrupted, results).ExitCode, Is.EqualTo(0), "an old run that was interrupted is no failure of the new one");
    }
}
