using System.Diagnostics;
using System.Xml.Linq;

namespace Conformance.Engine.Tests;

/// <summary>
/// The NUnit project in suites/, run with `dotnet test` against node ws, which breaks two cases of category 9 on
/// purpose (its default limit of 16384 fragments a message) and is NON-STRICT on 6.4.x (it checks UTF-8 once a
/// message is whole): exactly the two broken cases fail; the NON-STRICT ones pass with their verdict written out.
/// </summary>
[NonParallelizable]
public class SuiteProjectTests
{
    [Test]
    public void Dotnet_test_fails_exactly_the_cases_the_server_breaks()
    {
        using var server = ExternalServer.Start("ws");
        var reports = Directory.CreateTempSubdirectory("suite-reports").FullName;
        var (exitCode, printed, results) = RunSuite("Category=Limits/Performance|Category=UTF-8", ("target", server.Url.ToString()), ("out", reports));
        var outcomes = Outcomes(results);
        Assert.That(outcomes, Has.Count.EqualTo(54 + 145), printed);
        var nonStrict = results.Single(e => e.Attribute("testName")!.Value.StartsWith("6.4.1 "));
        Assert.That(nonStrict.Attribute("outcome")!.Value, Is.EqualTo("Passed"));
        Assert.That(nonStrict.Descendants().Single(e => e.Name.LocalName == "StdOut").Value, Does.Contain("6.4.1 NON-STRICT/OK"));
        Assert.That(outcomes.Where(p => p.Value != "Passed").Select(p => p.Key), Is.EquivalentTo(new[] { "9.3.1", "9.4.1" }));
        Assert.That(exitCode, Is.Not.EqualTo(0), "a failed case fails the test run");
        Assert.That(File.Exists(Path.Combine(reports, "index.html")), "the reports are written at the end");
        Assert.That(File.ReadAllText(Path.Combine(reports, "results.json")), Does.Contain("\"9.3.1\""));
    }

    /// <summary>
    /// With http2=true and no target: the embedded server over HTTP/2, held to what it gets there
    /// (kestrel-embedded-http2.json, where E.2.6 and E.2.8 are known to fail), and the HTTP/2 selection of cases:
    /// category E in, category 0 (the HTTP/1.1 opening handshake) out.
    /// </summary>
    [Test]
    public void Dotnet_test_with_http2_plays_the_cases_of_HTTP2_against_the_embedded_server()
    {
        var reports = Directory.CreateTempSubdirectory("suite-http2").FullName;
        var (exitCode, printed, results) = RunSuite("Category=0|Category=E", ("http2", "true"), ("out", reports));
        var outcomes = Outcomes(results);
        var categoryE = CatalogueRuns.Catalogue.OverHttp2.Where(c => c.Category == "E").Select(c => c.Id).ToList();
        Assert.That(outcomes.Keys, Is.EquivalentTo(categoryE), printed);
        Assert.That(outcomes.Where(p => p.Value != "Passed").Select(p => p.Key), Is.Empty, "the known failures pass as expected: " + printed);
        var knownFailure = results.Single(e => e.Attribute("testName")!.Value.StartsWith("E.2.6 "));
        Assert.That(knownFailure.Descendants().Single(e => e.Name.LocalName == "StdOut").Value, Does.Contain("E.2.6 FAILED").And.Contain("as expected"));
        Assert.That(exitCode, Is.EqualTo(0), printed);
        var written = File.ReadAllText(Path.Combine(reports, "results.json"));
        Assert.That(written, Does.Contain("HTTP/2 over TCP with prior knowledge (h2c)"), "the cases ran over HTTP/2");
    }

    [Test]
    public void A_killed_dotnet_test_leaves_the_cases_it_finished_in_its_journal()
    {
        var reports = Directory.CreateTempSubdirectory("suite-killed").FullName;
        var journal = Path.Combine(reports, ResultsWriter.JournalFileName);
        var start = new ProcessStartInfo("dotnet",
        [
            "test", SuiteDll(), "--filter", "Category=Limits/Performance", "--",
            $"TestRunParameters.Parameter(name=\"out\", value=\"{reports}\")",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CONFORMANCE_")).ToList()) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        while (!process.HasExited && (!File.Exists(journal) || File.ReadLines(journal).Count() < 3)) Thread.Sleep(100);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();

        Assert.That(File.Exists(Path.Combine(reports, "results.json")), Is.False, "the run was killed before its end");
        var lines = File.ReadAllLines(journal);
        Assert.That(lines[0], Does.StartWith("{\"run\""));
        Assert.That(lines.Skip(1).Where(l => l.EndsWith('}')), Is.Not.Empty, "a line per finished case");
        var read = ResultsWriter.ReadAll(journal);
        Assert.That(read.Runs.Single().Cases, Is.Not.Empty);
        Assert.That(read.Runs.Single().Cases.Select(c => c.Id), Has.All.StartWith("9."));
    }

    /// <summary>dotnet test on the suite project with the test parameters given, none taken from CONFORMANCE_* variables.</summary>
    private static (int ExitCode, string Printed, List<XElement> Results) RunSuite(string filter, params (string Name, string Value)[] parameters)
    {
        var trx = Path.Combine(Directory.CreateTempSubdirectory("suite-trx").FullName, "suite.trx");
        var start = new ProcessStartInfo("dotnet",
        [
            "test", SuiteDll(), "--filter", filter, "--logger", $"trx;LogFileName={trx}", "--",
            .. parameters.Select(p => $"TestRunParameters.Parameter(name=\"{p.Name}\", value=\"{p.Value}\")"),
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CONFORMANCE_")).ToList()) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, "dotnet test finished");
        var results = XDocument.Load(trx).Descendants().Where(e => e.Name.LocalName == "UnitTestResult").ToList();
        return (process.ExitCode, output.Result + errors.Result, results);
    }

    private static Dictionary<string, string> Outcomes(List<XElement> results) =>
        results.ToDictionary(e => e.Attribute("testName")!.Value.Split(' ')[0], e => e.Attribute("outcome")!.Value);

    private static string SuiteDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace("src/Conformance.Engine.Tests", "suites/Conformance.Suite")
            .Replace("Conformance.Engine.Tests", "Conformance.Suite"), "Conformance.Suite.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is built with the solution");
        return dll;
    }
}
