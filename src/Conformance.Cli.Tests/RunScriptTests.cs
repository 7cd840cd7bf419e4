using System.Diagnostics;

namespace Conformance.Cli.Tests;

/// <summary>
/// run.ps1 does what run.sh does: the same command lines through both scripts give the same exit codes (success, a
/// failing verdict, bad usage), with the arguments passed as given, spaces included, and the same output where
/// nothing in it varies between runs. (Each line builds the command first, as the scripts do: about 5 s a line.)
/// </summary>
[NonParallelizable]
public class RunScriptTests : WithScratchFolder
{
    [Test]
    public void Run_ps1_gives_what_run_sh_gives()
    {
        var bash = OnPath("bash") ?? Ignore("needs bash, to run run.sh");
        var pwsh = OnPath("pwsh") ?? Installed("pwsh")
                   ?? Ignore("needs pwsh: PowerShell 7 on PATH or in ~/.cache/conformance/tools (src/Conformance.Targets/external/install.sh installs it)");
        var failing = Directory.CreateDirectory(Path.Combine(Scratch, "failing")).FullName;
        File.WriteAllText(Path.Combine(failing, "wrong.json"), """
            { "category": "2", "title": "t", "cases": [ { "id": "2.1", "title": "expects a pong that will not come", "rfc": [],
              "requirement": "r", "expectation": "e", "steps": [], "expect": { "OK": [ { "pong": "never" } ] },
              "end": { "after": 100, "action": "close" } } ] }
            """);
        var reports = Path.Combine(Scratch, "reports");

        (string[] Args, int Code, bool SameOutput)[] lines =
        [
            (["list", "--cases", "2.*", "--exclude", "2.10"], 0, true),
            (["--suites", failing, "--fail-on", "FAILED,WRONG CODE", "--out", reports], 1, false),
            (["--cases", "1.1.1", "--parallel", "many"], 2, true),
        ];
        Assert.Multiple(() =>
        {
            foreach (var (args, code, sameOutput) in lines)
            {
                var sh = Run(bash, [Path.Combine(RepositoryPaths.Root, "run.sh"), .. args]);
                var ps = Run(pwsh, ["-NoProfile", "-NonInteractive", "-File", Path.Combine(RepositoryPaths.Root, "run.ps1"), .. args]);
                var line = string.Join(' ', args);
                Assert.That(sh.ExitCode, Is.EqualTo(code), $"run.sh {line}: {sh.Errors}");
                Assert.That(ps.ExitCode, Is.EqualTo(code), $"run.ps1 {line}: {ps.Errors}");
                if (sameOutput)
                    Assert.That((ps.Output, ps.Errors), Is.EqualTo((sh.Output, sh.Errors)), $"run.ps1 {line} prints what run.sh prints");
            }
        });
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? program + ".exe" : program))
        .FirstOrDefault(File.Exists);

    private static string? Installed(string program)
    {
        var tools = Environment.GetEnvironmentVariable("CONFORMANCE_TOOLS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "conformance", "tools");
        var path = Path.Combine(tools, OperatingSystem.IsWindows() ? program + ".exe" : program);
        return File.Exists(path) ? path : null;
    }

    private static string Ignore(string message)
    {
        Assert.Ignore(message);
        return "";
    }

    private CliRun Run(string program, string[] args) =>
        Cli.RunProgram(program, Scratch, TimeSpan.FromMinutes(3), new Dictionary<string, string>(), args);
}
