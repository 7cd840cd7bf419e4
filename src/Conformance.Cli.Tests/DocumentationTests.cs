using System.Text.RegularExpressions;
using Conformance.Engine.Cases;
using Conformance.Engine.Clients;
using Conformance.Engine.Configuration;
using Conformance.Engine.Sessions;

namespace Conformance.Cli.Tests;

/// <summary>
/// The documentation cannot drift: README stays a front door, every page is reachable from it, every shell command
/// of every page runs (against the embedded server; `./run.sh` stands for the program it builds) and ends as the
/// page promises, the program's output shown in a page is what the program prints, --help and the pages name the
/// same commands and flags, and the numbers the code knows are the pages' numbers.
/// </summary>
[NonParallelizable]
public class DocumentationTests : WithScratchFolder
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(5);

    public static IEnumerable<string> Pages() => Documentation.Pages();

    [Test]
    public void README_is_short_and_starts_with_the_two_commands()
    {
        var lines = File.ReadAllLines(Documentation.Full(Documentation.Front));
        Assert.That(lines, Has.Length.LessThanOrEqualTo(120), "README.md is a front door: the rest belongs in the pages it links to");
        var first = Documentation.Blocks(Documentation.Front).FirstOrDefault(b => b.Language == "sh");
        Assert.That(first, Is.Not.Null, "README.md has no sh block");
        Assert.That(first!.Line + first.Lines.Count, Is.LessThanOrEqualTo(30), "the two commands end within README's first 30 lines");
        Assert.That(first.Commands().Select(c => Regex.Replace(c, @"\s+#.*$", "").Trim()), Is.EqualTo(new[] { "./run.sh", "./run.sh test" }));
    }

    [Test]
    public void A_block_is_read_with_its_attributes_and_its_commands()
    {
        var blocks = Documentation.Blocks("page.md",
        [
            "text", "```sh exit=2 skip=\"needs a server on port 9001\" narrow=\"--cases 1.*\"", "# a comment line",
            "./run.sh --cases 1.1.1 \\", "  --parallel many   # bad", "", "./run.sh list", "```", "```text output-of=\"./run.sh --help\"", "Usage:", "```",
        ]);
        Assert.That(blocks.Select(b => (b.Line, b.Language)), Is.EqualTo(new[] { (2, "sh"), (9, "text") }));
        Assert.That(blocks[0].Attributes, Is.EqualTo(new Dictionary<string, string> { ["exit"] = "2", ["skip"] = "needs a server on port 9001", ["narrow"] = "--cases 1.*" }));
        Assert.That(blocks[0].Commands(), Is.EqualTo(new[] { "./run.sh --cases 1.1.1    --parallel many   # bad", "./run.sh list" }));
        Assert.That(blocks[1].Attributes["output-of"], Is.EqualTo("./run.sh --help"));
        Assert.That(blocks[1].Lines, Is.EqualTo(new[] { "Usage:" }));
        Assert.That(WithoutComment(blocks[0].Commands()[0]), Is.EqualTo("./run.sh --cases 1.1.1    --parallel many"));
        Assert.That(WithoutComment("./run.sh --fail-on FAILED,\"WRONG CODE\"   # exit 1"), Is.EqualTo("./run.sh --fail-on FAILED,\"WRONG CODE\""));
    }

    [Test]
    public void Every_page_is_reachable_from_README_and_every_link_leads_somewhere()
    {
        var pages = Documentation.Pages();
        Assert.That(Documentation.AllMarkdownFiles().Except(pages), Is.Empty, "pages no link from README leads to");
        var broken = pages.SelectMany(page => Documentation.Links(page)
                .Where(target => !File.Exists(Documentation.Full(target)) && !Directory.Exists(Documentation.Full(target)))
                .Select(target => $"{page} → {target}"))
            .ToList();
        Assert.That(broken, Is.Empty, "links to nothing");
    }

    [TestCaseSource(nameof(Pages))]
    public void Every_command_of_the_page_ends_as_the_page_says(string page)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("the pages' commands are bash's: run on Linux or macOS");
        var folder = PrepareFolder();
        var environment = new Dictionary<string, string> { ["PATH"] = $"{Path.Combine(folder, ".bin")}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}" };
        var ran = new List<string>();
        var skipped = new List<string>();
        Assert.Multiple(() =>
        {
            foreach (var block in Documentation.Blocks(page))
            {
                if (block.Attributes.TryGetValue("output-of", out var producer))
                {
                    var run = Cli.RunProgram("bash", folder, CommandLimit, environment, "-c", producer);
                    ran.Add(producer);
                    Assert.That(run.ExitCode, Is.Zero, $"{block}: {producer}: {run.Errors}");
                    Assert.That(Normalised(run.Output), Is.EqualTo(Normalised(string.Join('\n', block.Lines))),
                        $"{block} shows the output of `{producer}`: paste its output again");
                    continue;
                }
                if (block.Language != "sh") continue;
                foreach (var command in block.Commands())
                {
                    if (WhyNotRun(block, command) is { } why)
                    {
                        skipped.Add($"{command}  ({why})");
                        continue;
                    }
                    var line = block.Attributes.TryGetValue("narrow", out var narrow) ? $"{WithoutComment(command)} {narrow}" : command;
                    var expected = block.Attributes.TryGetValue("exit", out var code) ? int.Parse(code) : 0;
                    var result = Cli.RunProgram("bash", folder, CommandLimit, environment, "-c", line);
                    ran.Add(line);
                    Assert.That(result.ExitCode, Is.EqualTo(expected), $"{block}: {line}\n{Tail(result.Errors)}");
                }
            }
        });
        TestContext.Out.WriteLine($"{page}: {ran.Count} command(s) run, {skipped.Count} skipped");
        foreach (var line in ran) TestContext.Out.WriteLine($"  ran      {line}");
        foreach (var line in skipped) TestContext.Out.WriteLine($"  skipped  {line}");
    }

    [Test]
    public void Help_and_the_pages_name_the_same_commands_and_flags()
    {
        var help = Cli.Run("--help");
        var commands = Regex.Match(help.Output, @"Commands:\n(?<list>(?:.*\n?)*)").Groups["list"].Value.Split('\n')
            .Select(line => Regex.Match(line, @"^  (?<name>[a-z][a-z-]*)\b").Groups["name"].Value).Where(name => name.Length > 0).ToList();
        var flags = new Dictionary<string, HashSet<string>> { [""] = HelpFlags(help.Output) };
        foreach (var command in commands) flags[command] = HelpFlags(Cli.Run(command, "--help").Output);

        var pages = Documentation.Pages().ToDictionary(page => page, page => WithoutGeneratedBlocks(page));
        var prose = string.Join('\n', pages.Values);
        Assert.Multiple(() =>
        {
            foreach (var command in commands)
                Assert.That(pages[Documentation.Front], Does.Match($@"(\./run\.sh|conformance|`) ?{command}\b"), $"README does not name the command {command}");
            foreach (var (command, names) in flags)
                foreach (var flag in names.Where(f => f is not "--help" and not "--version"))
                    Assert.That(Documentation.Flags(prose), Does.Contain(flag), $"no page names {flag} (of {(command == "" ? "a run" : command)})");
            foreach (var page in pages.Keys)
                foreach (var block in Documentation.Blocks(page).Where(b => b.Language == "sh"))
                    foreach (var command in block.Commands())
                    {
                        var words = Regex.Match(command, @"^(?:\./run\.sh|conformance)(?<rest>(?: .*)?)$");
                        if (!words.Success) continue;
                        var sub = words.Groups["rest"].Value.Trim().Split(' ')[0];
                        var known = flags.TryGetValue(sub, out var own) ? own : flags[""];
                        foreach (var flag in Documentation.Flags(WithoutComment(command)))
                            Assert.That(known, Does.Contain(flag), $"{block}: {command}: {flag} is not a flag of {(known == flags[""] ? "a run" : sub)}");
                    }
        });
    }

    [Test]
    public void The_numbers_the_code_knows_are_the_pages_numbers()
    {
        var loaded = Catalogue.Load(RepositoryPaths.Suites);
        var catalogue = loaded.Cases;
        var defaults = new Settings();
        var timers = new SessionOptions { Target = new Uri("ws://127.0.0.1/") };
        (string Page, string Pattern, long Value)[] facts =
        [
            (Documentation.Front, @"(\d+) cases in all against a server", catalogue.Count),
            (Documentation.Front, @"Over HTTP/2 a run plays (\d+) cases", loaded.OverHttp2.Count),
            (Documentation.Front, @"plays (\d+) cases against a client", ClientCases.Select(loaded.All).Count),
            (Documentation.Front, @"categories 1 to 10 \((\d+) cases\)", catalogue.Count(c => int.TryParse(c.Category, out var n) && n is >= 1 and <= 10)),
            ("suites/scoring.md", @"at most (\d+) at once", defaults.Parallelism),
            ("suites/scoring.md", @"cut off after (\d+) s", (long)defaults.CaseTimeout.TotalSeconds),
            ("suites/scoring.md", @"by default (\d+) s for a server to fail the connection", EndTimer.Default.AfterMilliseconds / 1000),
            ("suites/scoring.md", @"(\d+) s to answer a close", (long)timers.CloseHandshakeTimeout.TotalSeconds),
            ("suites/scoring.md", @"(\d+) s to answer the opening handshake", (long)timers.OpenHandshakeTimeout.TotalSeconds),
            ("src/Conformance.Cli/README.md", @"default (\d+): the opening handshake", defaults.StoredOctets),
        ];
        Assert.Multiple(() =>
        {
            foreach (var (page, pattern, value) in facts)
            {
                var match = Regex.Match(File.ReadAllText(Documentation.Full(page)), pattern.Replace(" ", @"\s+"));
                Assert.That(match.Success, $"{page} no longer says /{pattern}/: keep the fact or change the test");
                if (match.Success) Assert.That(long.Parse(match.Groups[1].Value), Is.EqualTo(value), $"{page}: /{pattern}/");
            }
        });
    }

    /// <summary>
    /// A folder where the commands run as if in a clone: `./run.sh` and `conformance` stand for the built program (the
    /// scripts themselves are RunScriptTests' and ToolPackageTests'), the case scripts and sources are the repository's,
    /// and the fuzzing corpus is a copy, so that nothing a command writes lands in the repository.
    /// </summary>
    private string PrepareFolder()
    {
        var folder = Path.Combine(Scratch, "clone");
        Directory.CreateDirectory(Path.Combine(folder, ".bin"));
        var program = Path.Combine(AppContext.BaseDirectory.Replace("Conformance.Cli.Tests", "Conformance.Cli"), "conformance.dll");
        foreach (var script in new[] { Path.Combine(folder, "run.sh"), Path.Combine(folder, ".bin", "conformance") })
        {
            File.WriteAllText(script, $"#!/usr/bin/env bash\nexec dotnet '{program}' \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        foreach (var shared in new[] { "suites", "src" })
            Directory.CreateSymbolicLink(Path.Combine(folder, shared), Path.Combine(RepositoryPaths.Root, shared));
        CopyFolder(RepositoryPaths.Corpus, Path.Combine(folder, "fuzz-corpus"));
        Directory.CreateDirectory(Path.Combine(folder, "reports"));
        return folder;
    }

    private static string? WhyNotRun(FencedBlock block, string command) =>
        block.Attributes.TryGetValue("skip", out var why) ? why
        : Regex.IsMatch(command, @"^\./run\.sh test\b") ? "the project's own tests, of which this test is one"
        : null;

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    private static HashSet<string> HelpFlags(string help) =>
        Regex.Matches(help, @"^  (?:-\S, )?(?<flag>--[a-z][a-z0-9-]*)", RegexOptions.Multiline).Select(m => m.Groups["flag"].Value).ToHashSet();

    private static string WithoutGeneratedBlocks(string page)
    {
        var lines = File.ReadAllLines(Documentation.Full(page)).ToList();
        foreach (var block in Documentation.Blocks(page).Where(b => b.Attributes.ContainsKey("output-of")).Reverse())
            lines.RemoveRange(block.Line, block.Lines.Count);
        return string.Join('\n', lines);
    }

    private static string WithoutComment(string command) => Regex.Replace(command, @"\s+#[^""']*$", "");

    private static string Normalised(string text) => string.Join('\n', text.Replace("\r", "").Split('\n').Select(l => l.TrimEnd())).Trim('\n');

    private static string Tail(string text) => text.Length > 2000 ? "…" + text[^2000..] : text;
}
