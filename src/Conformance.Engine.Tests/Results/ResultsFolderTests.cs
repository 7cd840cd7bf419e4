using System.Text;
using Conformance.Engine.Results;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Tests;

public class ResultsFolderTests : WithScratchFolder
{
    private static readonly byte[] Octets = Encoding.ASCII.GetBytes("the octets of one transcript, found once in the folder");

    private static CaseResult Case(string id) => new()
    {
        Id = id, Title = "t", Category = id.Split('.')[0], CategoryTitle = "c", Group = "g", GroupTitle = "g", Rfc = [],
        Requirement = "", Expectation = "", Behavior = Verdict.Ok, BehaviorClose = CloseVerdict.Ok, Reason = "r",
        StartedAt = DateTimeOffset.UnixEpoch, DurationMs = 1, RemoteCloseCode = 1000,
        Transcript = [new TranscriptEntry(0, WireEntryKind.Received, Convert.ToBase64String(Octets), null)],
    };

    private static RunResults Run(string agent, params CaseResult[] cases) => new()
    {
        ToolVersion = "test", Target = "ws://127.0.0.1:9001/", Agent = agent, StartedAt = DateTimeOffset.UnixEpoch,
        FinishedAt = DateTimeOffset.UnixEpoch.AddSeconds(1), CasesSelected = cases.Length, Cases = cases,
    };

    private int CopiesInFolder(string text) =>
        Directory.EnumerateFiles(Scratch, "*", SearchOption.AllDirectories).Sum(f => Occurrences(File.ReadAllText(f), text));

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    [Test]
    public void A_finished_run_leaves_each_transcript_once_in_results_json_and_index_json_beside_it()
    {
        var run = Run("server", Case("1.1.1"));
        using (var writer = new ResultsWriter(Scratch))
        {
            writer.StartRun(run with { Cases = [] });
            writer.Append(run.Agent, run.Cases[0]);
            writer.WriteAll(new ResultsDocument { ToolVersion = "test", GeneratedAt = DateTimeOffset.UnixEpoch, Runs = [run] });
        }

        Assert.That(CopiesInFolder(Convert.ToBase64String(Octets)), Is.EqualTo(1), "the transcript's octets are stored once");
        Assert.That(Directory.EnumerateFiles(Scratch, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { ResultsWriter.ResultsFileName, "index.json" }));
        Assert.That(File.ReadAllText(Path.Combine(Scratch, "index.json")), Does.Contain("\"reportfile\": \"cases/server_case_1_1_1.html\""));
        Assert.That(ResultsWriter.ReadAll(Path.Combine(Scratch, ResultsWriter.ResultsFileName)).Runs.Single().Cases.Single().Transcript.Single().Data,
            Is.EqualTo(Convert.ToBase64String(Octets)));
    }

    [Test]
    public void A_killed_run_leaves_its_journal_which_reads_as_interrupted_runs_and_no_earlier_results_json()
    {
        File.WriteAllText(Path.Combine(Scratch, ResultsWriter.ResultsFileName), "an earlier run's results");
        var first = Run("a", Case("1.1.1"), Case("1.1.2"));
        var second = Run("b", Case("2.1"));
        var writer = new ResultsWriter(Scratch);
        foreach (var run in new[] { first, second })
        {
            writer.StartRun(run with { Cases = [], FinishedAt = null });
            foreach (var c in run.Cases) writer.Append(run.Agent, c);
        }
        writer.Dispose();
        var journal = Path.Combine(Scratch, ResultsWriter.JournalFileName);
        File.AppendAllText(journal, """{"agent":"b","id":"2.2","tit""");

        Assert.That(File.Exists(Path.Combine(Scratch, ResultsWriter.ResultsFileName)), Is.False, "an earlier run's results would read as this run's");
        var read = ResultsWriter.ReadAll(journal);
        Assert.That(read.Runs.Select(r => (r.Agent, r.Target, r.Interrupted, r.CasesSelected)),
            Is.EqualTo(new[] { ("a", "ws://127.0.0.1:9001/", true, 2), ("b", "ws://127.0.0.1:9001/", true, 1) }));
        Assert.That(read.Runs.Select(r => string.Join(",", r.Cases.Select(c => c.Id))), Is.EqualTo(new[] { "1.1.1,1.1.2", "2.1" }),
            "the line the kill cut short is left out");
        Assert.That(read.Runs[0].Cases[0].Transcript.Single().Data, Is.EqualTo(Convert.ToBase64String(Octets)));
    }

    [TestCase("""{"agent":"a","id":"1.1.1"}""", "line 1: a case of agent \"a\" before any line of its run")]
    [TestCase("not json\n{}", "line 1 is not JSON")]
    [TestCase("", "not a results journal (no run in it)")]
    public void A_journal_that_cannot_be_read_is_one_line_naming_the_place(string text, string problem)
    {
        var journal = Path.Combine(Scratch, ResultsWriter.JournalFileName);
        File.WriteAllText(journal, text);
        var error = Assert.Throws<InvalidDataException>(() => ResultsWriter.ReadAll(journal))!;
        Assert.That(error.Message, Is.EqualTo($"{journal}: {problem}").Or.StartWith($"{journal}: {problem}"));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }
}
