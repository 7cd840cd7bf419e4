using Conformance.Engine.Cases;
using Conformance.Engine.Running;
using Conformance.Engine.Sessions;
using Conformance.Targets;

namespace Conformance.Fuzzing.Tests;

/// <summary>The fuzzer against the fault-injecting echo server: a planted bug is found and shrunk; no fault, no finding.</summary>
[NonParallelizable]
public class PlantedBugTests : WithScratchFolder
{
    private FuzzOptions Options(Uri target, long count) => new()
    {
        Session = new SessionOptions { Target = target }, Target = "planted", Count = count, Seed = 20261125, Corpus = Scratch,
    };

    [Test]
    public async Task A_server_that_accepts_an_oversized_ping_is_found_and_shrunk_to_one_frame()
    {
        await using var server = FaultyEchoServer.Start(ServerFault.AcceptsOversizedControlFrames);
        var outcome = await Fuzzer.RunAsync(Options(server.Url, 300), null, CancellationToken.None);

        var finding = outcome.Findings.Single(f => f.Signature.StartsWith("OversizedControlFrame-"));
        Assert.That(finding.Minimal.Messages, Is.Empty, finding.Minimal.ToString());
        Assert.That(finding.Minimal.Chop, Is.Null);
        Assert.That(finding.Minimal.Violation!.Payload, Has.Length.EqualTo(126), "the smallest ping over the limit");
        Assert.That(outcome.Findings.Where(f => !f.Signature.StartsWith("OversizedControlFrame-")), Is.Empty, "nothing else is blamed");

        var replayed = Catalogue.Load(finding.File!).Cases.Single();
        Assert.That(replayed.Id, Does.StartWith("F."));
        var again = await Runner.RunCaseAsync(replayed, new RunOptions { Session = new SessionOptions { Target = server.Url } }, CancellationToken.None);
        Assert.That(again!.Fails, Is.True, "the saved case replays the finding");
        TestContext.Out.WriteLine($"{outcome.Conversations} conversations, {outcome.PerSecond:0}/s; minimal: {finding.Minimal} after {finding.ShrinkRuns} runs");
    }

    [Test]
    public async Task A_finding_of_a_target_named_dot_dot_stays_inside_the_corpus()
    {
        await using var server = FaultyEchoServer.Start(ServerFault.AcceptsOversizedControlFrames);
        var outcome = await Fuzzer.RunAsync(Options(server.Url, 300) with { Target = ".." }, null, CancellationToken.None);
        var file = outcome.Findings.First(f => f.File is not null).File!;
        Assert.That(Path.GetFullPath(file), Does.StartWith(Path.GetFullPath(Scratch) + Path.DirectorySeparatorChar));
        Assert.That(Path.GetRelativePath(Scratch, file), Does.Not.StartWith(".."));
    }

    [TestCase("..", "a_b")]
    [TestCase("a/b", "a_b")]
    [TestCase("a:b", "a?b")]
    [TestCase(".", "_")]
    public void Targets_whose_names_differ_only_where_a_file_name_drops_characters_keep_folders_of_their_own(string one, string other)
    {
        Assert.That(Fuzzer.SafeName(one), Is.Not.EqualTo(Fuzzer.SafeName(other)));
        foreach (var name in new[] { one, other })
            Assert.That(Fuzzer.SafeName(name), Does.Not.Contain('/').And.Not.Contain('\\').And.Not.EqualTo("..").And.Not.EqualTo("."));
        Assert.That(Fuzzer.SafeName("kestrel-embedded"), Is.EqualTo("kestrel-embedded"), "a safe name is kept as it is");
    }

    [Test]
    public async Task A_server_that_echoes_invalid_UTF8_is_found()
    {
        await using var server = FaultyEchoServer.Start(ServerFault.SkipsUtf8Validation);
        var outcome = await Fuzzer.RunAsync(Options(server.Url, 300), null, CancellationToken.None);
        var finding = outcome.Findings.Single(f => f.Signature.StartsWith("InvalidUtf8-"));
        Assert.That(finding.Minimal.Messages, Is.Empty);
        Assert.That(finding.Minimal.Violation!.Fragments, Has.Count.EqualTo(1));
        Assert.That(finding.Minimal.Violation.Payload.Length, Is.LessThanOrEqualTo(4), finding.Minimal.ToString());
    }

    [Test]
    public async Task A_conforming_server_gives_no_finding()
    {
        await using var server = FaultyEchoServer.Start();
        var outcome = await Fuzzer.RunAsync(Options(server.Url, 400), null, CancellationToken.None);
        Assert.That(outcome.Findings.Select(f => $"{f.Signature}: {f.Minimal}: {f.Result.Reason}"), Is.Empty);
        Assert.That(outcome.ServerStopped, Is.Null);
        Assert.That(outcome.Conversations, Is.EqualTo(400));
        Assert.That(Directory.EnumerateFiles(Scratch, "*", SearchOption.AllDirectories), Is.Empty);
    }
}
