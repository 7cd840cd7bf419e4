namespace Conformance.Cli.Tests;

/// <summary>`fuzz --engine afl` refuses bad usage with one line and exit code 2, before installing or building anything.</summary>
public class AflCommandLineTests
{
    [Test]
    public void Help_names_the_engines_and_the_harnesses()
    {
        var run = Cli.Run("fuzz", "--help");
        Assert.That(run.ExitCode, Is.EqualTo(0));
        Assert.That(run.Output, Does.Contain("--engine").And.Contain("--harness").And.Contain("--jobs")
            .And.Contain("frame-decoder").And.Contain("dotnet-websocket").And.Contain("AFL++"));
    }

    [TestCase(new[] { "--duration", "ten minutes" }, "conformance: --duration: \"ten minutes\" is not a duration such as 90s, 10m or 2h (at most 7 days)")]
    [TestCase(new[] { "--jobs", "0" }, "conformance: --jobs: 0 is not a number of AFL++ instances from 1 to 64")]
    [TestCase(new[] { "--count", "5" }, "conformance: --count: not used by --engine afl, which fuzzes the harnesses, not a server")]
    public void Bad_usage_is_one_line(string[] flags, string error)
    {
        var run = Cli.Run(["fuzz", "--engine", "afl", .. flags]);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo(error));
    }

    [Test]
    public void An_unknown_harness_is_one_line_naming_the_harnesses()
    {
        var run = Cli.Run("fuzz", "--engine", "afl", "--harness", "frame-decoderr");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Does.StartWith("conformance: --harness: no harness \"frame-decoderr\"; the harnesses are dotnet-websocket, frame-decoder,")
            .And.Not.Contain("\n"));
    }

    [Test]
    public void An_unknown_engine_is_bad_usage()
    {
        var run = Cli.Run("fuzz", "--engine", "libfuzzer");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo("conformance: --engine: Argument 'libfuzzer' not recognized. Must be one of: 'property' 'afl'"));
    }

    [Test]
    public void Harness_flags_are_refused_for_the_property_engine()
    {
        var run = Cli.Run("fuzz", "--harness", "frame-decoder");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Errors.Trim(), Is.EqualTo("conformance: --harness and --jobs are for --engine afl"));
    }
}
