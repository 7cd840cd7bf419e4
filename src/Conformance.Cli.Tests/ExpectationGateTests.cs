using Conformance.Targets;

namespace Conformance.Cli.Tests;

/// <summary>
/// The regression gate end to end, against the fault-injecting echo server: a baseline taken with one fault on;
/// the fault gone, the run reports unexpected passes and exits 0; another fault on, it reports the regressions and
/// exits 1.
/// </summary>
[NonParallelizable]
public class ExpectationGateTests
{
    private string _out = "";

    [SetUp]
    public void CreateOut() => _out = Directory.CreateTempSubdirectory("gate").FullName;

    [TearDown]
    public void RemoveOut() => Directory.Delete(_out, true);

    private CliRun Run(FaultyEchoServer server, params string[] args) =>
        Cli.Run(["--target", server.Url.ToString(), "--cases", "2.*,6.*", "--out", Path.Combine(_out, "reports"), .. args]);

    [Test]
    public async Task A_baseline_then_a_fix_then_a_new_fault()
    {
        var expectations = Path.Combine(_out, "expect.json");
        await using (var emptyPong = FaultyEchoServer.Start(ServerFault.EmptyPong))
        {
            var baseline = Cli.Run("baseline", "--target", emptyPong.Url.ToString(), "--cases", "2.*,6.*", "--out", expectations);
            Assert.That(baseline.ExitCode, Is.EqualTo(0), baseline.Errors);
            Assert.That(File.ReadAllText(expectations), Does.Contain("\"2.2\""));
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
            var summary = File.ReadAllText(Path.Combine(_out, "reports", "summary.md"));
            Assert.That(summary, Does.Match(@"\*\*Regressions \(worse than expected\): [1-9]"));
        }
    }
}
