namespace Conformance.Cli.Tests;

/// <summary>
/// Command lines put together at random from the flags and from values that are wrong in the usual ways: each is
/// taken (exit 0) or refused with one line and exit 2, never a stack trace or an unexpected error.
/// </summary>
public class GeneratedArgumentsTests
{
    private static readonly string[] Flags =
    [
        "--target", "--cases", "--exclude", "--header", "--subprotocol", "--origin", "--timeout", "--run-timeout",
        "--parallel", "--out", "--fail-on", "--agent", "--suites", "--expect", "--config", "--stored-octets",
    ];

    private static readonly string[] Values =
    [
        "", " ", "-1", "0", "1", "NaN", "1e309", "99999999999999999999", "ws://", "http://x/", "ws://127.0.0.1:0/",
        "a\r\nb", "1.*", "9.9.9.9", "FAILED,NOPE", "/proc/self/mem", "/nonexistent/dir/file.json", "..", "\u00e9\u2603",
        "X-A: b", "no colon", "16k", "--cases",
    ];

    /// <summary>The command lines are listings or refusals, which no timer decides: they run side by side, one per processor.</summary>
    [Test]
    public void A_random_command_line_is_taken_or_refused_in_one_line()
    {
        var random = new Random(6455);
        var lines = new List<List<string>>();
        for (var round = 0; round < 24; round++)
        {
            var args = new List<string> { "list" };
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                args.Add(Flags[random.Next(Flags.Length)]);
                if (random.Next(6) > 0) args.Add(Values[random.Next(Values.Length)]);
            }
            lines.Add(args);
        }
        var runs = new CliRun[lines.Count];
        Parallel.For(0, lines.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => runs[i] = Cli.Run([.. lines[i]]));
        foreach (var (args, run) in lines.Zip(runs))
        {
            var shown = string.Join(" ", args.Select(a => $"[{a}]"));
            Assert.That(run.Errors, Does.Not.Contain("   at "), $"{shown}: no stack trace");
            Assert.That(run.ExitCode, Is.EqualTo(0).Or.EqualTo(2), $"{shown}: {run.Errors}");
            if (run.ExitCode == 2)
            {
                Assert.That(run.Errors.TrimEnd().Split('\n'), Has.Length.EqualTo(1), $"{shown}: {run.Errors}");
                Assert.That(run.Errors, Does.StartWith("conformance: "), shown);
            }
        }
    }
}
