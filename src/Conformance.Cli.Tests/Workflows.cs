using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Conformance.Cli.Tests;

/// <summary>What GitHub gives a run: the event's inputs, the repository's variables and the run id.</summary>
/// <param name="Event">schedule, workflow_dispatch, push or pull_request</param>
public sealed record GitHubRun(string Event, IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, string> Vars)
{
    /// <summary>A run id past 2^31, as GitHub's have been for years.</summary>
    public const string RunId = "12345678901";

    public override string ToString() =>
        $"{Event}{string.Concat(Inputs.Select(i => $" {i.Key}={i.Value}"))}{string.Concat(Vars.Select(v => $" vars.{v.Key}={v.Value}"))}";
}

/// <summary>A step of a job as one matrix combination of one run would run it, its expressions replaced by their values.</summary>
public sealed record ExpandedStep(string Workflow, string Job, string Name, string Shell, string Script, IReadOnlyDictionary<string, string> Environment,
    GitHubRun Run, IReadOnlyDictionary<string, string> Matrix)
{
    public override string ToString() =>
        $"{Workflow} {Job}{string.Concat(Matrix.Select(m => $" {m.Key}={m.Value}"))} \"{Name}\" on {Run}";
}

/// <summary>
/// A workflow file read with a YAML parser, and its steps expanded the way GitHub expands them: ${{ }} expressions
/// (the contexts the project's workflows use: github, inputs, vars, matrix, runner), matrix combinations, step
/// conditions on runner.os, and each job's default shell.
/// </summary>
public sealed partial class Workflow
{
    private Workflow(string file, YamlMappingNode root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }

    public YamlMappingNode Root { get; }

    public string Name => System.IO.Path.GetFileName(File);

    public static IReadOnlyList<Workflow> All(string repository) =>
        Directory.GetFiles(System.IO.Path.Combine(repository, ".github", "workflows"), "*.yml").Order().Select(Load).ToList();

    public static Workflow Load(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file)) yaml.Load(reader);
        return new Workflow(file, (YamlMappingNode)yaml.Documents.Single().RootNode);
    }

    public YamlMappingNode Triggers => Root.Children[new YamlScalarNode("on")] as YamlMappingNode
                                       ?? throw new InvalidDataException($"{Name}: \"on\" is not a mapping of events");

    public IEnumerable<(string Id, YamlMappingNode Job)> Jobs =>
        ((YamlMappingNode)Root["jobs"]).Children.Select(j => (((YamlScalarNode)j.Key).Value!, (YamlMappingNode)j.Value));

    /// <summary>Every run GitHub can make of this workflow: each event, and for a manual run each choice of each input.</summary>
    public IEnumerable<GitHubRun> Runs(IReadOnlyList<IReadOnlyDictionary<string, string>> variableSets)
    {
        foreach (var (name, trigger) in Triggers.Children.Select(t => (((YamlScalarNode)t.Key).Value!, t.Value)))
        {
            if (name != "workflow_dispatch")
            {
                foreach (var vars in variableSets) yield return new GitHubRun(name, new Dictionary<string, string>(), vars);
                continue;
            }
            var inputs = (trigger as YamlMappingNode)?.Children.TryGetValue(new YamlScalarNode("inputs"), out var i) == true
                ? ((YamlMappingNode)i).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (YamlMappingNode)p.Value)
                : [];
            var defaults = inputs.ToDictionary(p => p.Key, p => Text(p.Value, "default") ?? "");
            var choices = inputs.SelectMany(p => Choices(p.Value).Select(choice => new Dictionary<string, string>(defaults) { [p.Key] = choice }))
                .DefaultIfEmpty(defaults);
            foreach (var chosen in choices)
                foreach (var vars in variableSets)
                    yield return new GitHubRun(name, chosen, vars);
        }
    }

    public static IEnumerable<string> Choices(YamlMappingNode input) =>
        input.Children.TryGetValue(new YamlScalarNode("options"), out var options)
            ? ((YamlSequenceNode)options).Children.Select(o => ((YamlScalarNode)o).Value!)
            : Text(input, "default") is { } value ? [value] : [];

    /// <summary>The steps each matrix combination of the job runs on this run, with their expressions expanded.</summary>
    public IEnumerable<ExpandedStep> Steps(string jobId, YamlMappingNode job, GitHubRun run, string workspace)
    {
        foreach (var matrix in MatrixCombinations(job))
        {
            var runsOn = Expand(Text(job, "runs-on") ?? throw new InvalidDataException($"{Name}: job {jobId} has no runs-on"), run, matrix, workspace, "");
            var runner = runsOn.StartsWith("windows") ? "Windows" : runsOn.StartsWith("macos") ? "macOS" : "Linux";
            var context = new Dictionary<string, string>(matrix) { ["runner.os"] = runner };
            var steps = (YamlSequenceNode)job["steps"];
            foreach (var step in steps.Children.Cast<YamlMappingNode>())
            {
                if (Text(step, "run") is not { } script) continue;
                if (Text(step, "if") is { } condition && !Holds(condition, runner)) continue;
                var environment = new Dictionary<string, string>
                {
                    ["GITHUB_RUN_ID"] = GitHubRun.RunId, ["GITHUB_WORKSPACE"] = workspace, ["RUNNER_OS"] = runner,
                    ["GITHUB_STEP_SUMMARY"] = System.IO.Path.Combine(workspace, "step-summary.md"),
                };
                foreach (var scope in new[] { Root, job, step })
                    if (scope.Children.TryGetValue(new YamlScalarNode("env"), out var env))
                        foreach (var (key, value) in ((YamlMappingNode)env).Children)
                            environment[((YamlScalarNode)key).Value!] = Expand(((YamlScalarNode)value).Value ?? "", run, context, workspace, runner);
                var shell = Text(step, "shell") ?? (runner == "Windows" ? "pwsh" : "bash");
                yield return new ExpandedStep(Name, jobId, Text(step, "name") ?? script.Split('\n')[0], shell,
                    Expand(script, run, context, workspace, runner), environment, run, matrix);
            }
        }
    }

    /// <summary>
    /// For a step that runs ./run.sh or ./run.ps1: runs its script with its shell, as GitHub does, in a folder where
    /// those two only record the arguments they get, and returns them. Null for any other step, which is not run.
    /// </summary>
    public static string[]? ArgumentsOfConformance(ExpandedStep step, string folder)
    {
        if (!IsConformance(step)) return null;
        var (exitCode, errors, arguments) = RunWithConformanceExiting(step, folder, 0);
        if (exitCode != 0) throw new InvalidDataException($"{step}: the script exited with {exitCode}: {errors}");
        return arguments;
    }

    /// <summary>The exit status of a step that runs ./run.sh or ./run.ps1 when that command exits with <paramref name="conformanceExit"/>.</summary>
    public static int ExitStatusWhenConformanceExits(ExpandedStep step, string folder, int conformanceExit) =>
        IsConformance(step) ? RunWithConformanceExiting(step, folder, conformanceExit).ExitCode : throw new ArgumentException($"{step} does not run conformance");

    private static bool IsConformance(ExpandedStep step) =>
        step.Script.Contains("./run.sh ") || step.Script.Contains("./run.ps1 ");

    private static (int ExitCode, string Errors, string[]? Arguments) RunWithConformanceExiting(ExpandedStep step, string folder, int conformanceExit)
    {
        var recorded = System.IO.Path.Combine(folder, "arguments");
        System.IO.File.Delete(recorded);
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "run.sh"), $"#!/usr/bin/env bash\nprintf '%s\\0' \"$@\" > \"$RECORDED_ARGUMENTS\"\nexit {conformanceExit}\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(folder, "run.ps1"), $"[IO.File]::WriteAllText($env:RECORDED_ARGUMENTS, (($args | ForEach-Object {{ \"$_`0\" }}) -join ''))\nexit {conformanceExit}\n");
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(System.IO.Path.Combine(folder, "run.sh"), (UnixFileMode)0b111_101_101);
        var script = System.IO.Path.Combine(folder, step.Shell == "pwsh" ? "step.ps1" : "step.sh");
        System.IO.File.WriteAllText(script, step.Script);
        ProcessStartInfo start = step.Shell switch
        {
            "bash" => new("bash", ["--noprofile", "--norc", "-eo", "pipefail", script]),
            "pwsh" => new(Tool("pwsh"), ["-NoProfile", "-NonInteractive", "-Command", $". '{script}'"]),
            _ => throw new InvalidDataException($"{step}: shell {step.Shell} is not one the project's steps use"),
        };
        start.WorkingDirectory = folder;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var (key, value) in step.Environment) start.Environment[key] = value;
        start.Environment["RECORDED_ARGUMENTS"] = recorded;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors.Result, System.IO.File.Exists(recorded) ? System.IO.File.ReadAllText(recorded).Split('\0')[..^1] : null);
    }

    /// <summary>A program on PATH, or installed by install.sh into the tools folder.</summary>
    public static string Tool(string program)
    {
        var name = OperatingSystem.IsWindows() ? program + ".exe" : program;
        var tools = Environment.GetEnvironmentVariable("CONFORMANCE_TOOLS_DIR") is { Length: > 0 } dir
            ? dir
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "conformance", "tools");
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
               .Append(tools).Select(folder => System.IO.Path.Combine(folder, name)).FirstOrDefault(System.IO.File.Exists)
               ?? throw new IgnoreException($"needs {program}: on PATH or in {tools} (src/Conformance.Targets/external/install.sh installs it)");
    }

    public static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    private IEnumerable<Dictionary<string, string>> MatrixCombinations(YamlMappingNode job)
    {
        if (!job.Children.TryGetValue(new YamlScalarNode("strategy"), out var strategy)
            || !((YamlMappingNode)strategy).Children.TryGetValue(new YamlScalarNode("matrix"), out var matrix))
            return [[]];
        var axes = ((YamlMappingNode)matrix).Children.Select(axis => (Key: ((YamlScalarNode)axis.Key).Value!, Node: axis.Value)).ToList();
        if (axes.Any(a => a.Key is "include" or "exclude" || a.Node is not YamlSequenceNode))
            throw new InvalidDataException($"{Name}: matrix include, exclude or non-list axes are not expanded here; expand them in Workflow");
        IEnumerable<Dictionary<string, string>> combinations = [[]];
        foreach (var (key, node) in axes)
            combinations = combinations.SelectMany(c => ((YamlSequenceNode)node).Children.Select(v => new Dictionary<string, string>(c) { [key] = ((YamlScalarNode)v).Value! }));
        return combinations.ToList();
    }

    /// <summary>
    /// The step conditions the project's workflows use: always(), runner.os compared with a name, and a step that runs
    /// also after an earlier one failed (success() || steps.ID.outcome == 'failure'; here every step runs, so it holds).
    /// </summary>
    private bool Holds(string condition, string runner)
    {
        var text = condition.Trim();
        if (text.StartsWith("${{") && text.EndsWith("}}")) text = text[3..^2].Trim();
        if (text == "always()") return true;
        if (AfterFailure(text) is not null) return true;
        var comparison = RunnerComparison().Match(text);
        if (!comparison.Success) throw new InvalidDataException($"{Name}: the condition \"{condition}\" is not one Workflow evaluates");
        return (comparison.Groups["op"].Value == "==") == (runner == comparison.Groups["os"].Value);
    }

    /// <summary>The id of the step whose failure the condition lets this step run after; null for another condition.</summary>
    public static string? AfterFailure(string condition)
    {
        var text = condition.Trim();
        if (text.StartsWith("${{") && text.EndsWith("}}")) text = text[3..^2].Trim();
        var match = Regex.Match(text, @"^success\(\)\s*\|\|\s*steps\.(?<id>[\w-]+)\.outcome\s*==\s*'failure'$");
        return match.Success ? match.Groups["id"].Value : null;
    }

    private string Expand(string text, GitHubRun run, IReadOnlyDictionary<string, string> context, string workspace, string runner) =>
        Expression().Replace(text, match =>
        {
            var expression = match.Groups["expression"].Value.Trim();
            if (expression is "github.run_id") return GitHubRun.RunId;
            if (expression is "github.workspace") return workspace;
            if (expression is "runner.os" && runner.Length > 0) return runner;
            foreach (var prefix in new[] { "github.event.inputs.", "inputs." })
                if (expression.StartsWith(prefix))
                    return run.Event == "workflow_dispatch" ? Known(run.Inputs, expression[prefix.Length..], expression) : "";
            if (expression.StartsWith("vars.")) return run.Vars.GetValueOrDefault(expression["vars.".Length..], "");
            if (expression.StartsWith("matrix.")) return Known(context, expression["matrix.".Length..], expression);
            throw new InvalidDataException($"{Name}: the expression ${{{{ {expression} }}}} is not one Workflow evaluates");
        });

    private string Known(IReadOnlyDictionary<string, string> values, string key, string expression) =>
        values.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"{Name}: ${{{{ {expression} }}}} names nothing defined");

    [GeneratedRegex(@"\$\{\{(?<expression>.*?)\}\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"^runner\.os\s*(?<op>==|!=)\s*'(?<os>\w+)'$")]
    private static partial Regex RunnerComparison();
}
