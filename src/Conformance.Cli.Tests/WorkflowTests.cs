using System.Text.Json;
using System.Text.RegularExpressions;
using Conformance.Engine.Cases;
using YamlDotNet.RepresentationModel;

namespace Conformance.Cli.Tests;

/// <summary>
/// The GitHub workflows, read as YAML and checked the way GitHub would run them (actionlint has no Debian package):
/// least privilege, a timeout on every job that its longest budget fits in, the NuGet cache, the SDK from global.json;
/// and every conformance command line, as each run's shell expands it with the values GitHub passes (a 64-bit run id,
/// each choice of each input, the repository variable set and unset, each matrix combination), parsed by the
/// command's own parser, and the nightly fuzzing command run.
/// </summary>
public class WorkflowTests : WithScratchFolder
{
    private static readonly IReadOnlyList<Workflow> Workflows = Workflow.All(RepositoryPaths.Root);

    /// <summary>The repository variables the workflows read, unset and set.</summary>
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, string>> VariableSets =
        [new Dictionary<string, string>(), new Dictionary<string, string> { ["FUZZ_TARGET"] = "ws://127.0.0.1:9001/" }];

    /// <summary>What a job needs beside the fuzzing budget: checkout, SDK, build, installs, replay, minimising, publishing.</summary>
    private static readonly TimeSpan Overhead = TimeSpan.FromMinutes(25);



    [Test]
    public void Each_workflow_grants_read_access_only_and_each_job_has_a_timeout_the_SDK_of_global_json_and_the_NuGet_cache()
    {
        Assert.That(Workflows.Select(w => w.Name), Is.SupersetOf(new[] { "ci.yml", "nightly-fuzz.yml" }));
        Assert.Multiple(() =>
        {
            foreach (var workflow in Workflows)
            {
                var permissions = workflow.Root.Children.TryGetValue(new YamlScalarNode("permissions"), out var node) ? node as YamlMappingNode : null;
                Assert.That(permissions?.Children.Select(p => $"{p.Key}: {p.Value}"), Is.EqualTo(new[] { "contents: read" }),
                    $"{workflow.Name}: permissions, the least the jobs need");
                foreach (var (id, job) in workflow.Jobs)
                {
                    var where = $"{workflow.Name} {id}";
                    Assert.That(int.TryParse(Workflow.Text(job, "timeout-minutes"), out _), Is.True, $"{where}: timeout-minutes");
                    Assert.That(job.Children.ContainsKey(new YamlScalarNode("permissions")), Is.False, $"{where}: no job asks for more");
                    var steps = ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>().ToList();
                    foreach (var step in steps)
                    {
                        Assert.That(step.Children.ContainsKey(new YamlScalarNode("uses")) ^ step.Children.ContainsKey(new YamlScalarNode("run")), Is.True,
                            $"{where}: a step either uses an action or runs a script");
                        if (Workflow.Text(step, "uses") is { } action)
                            Assert.That(action, Does.Match(@"^[\w.-]+/[\w./-]+@v\d+$"), $"{where}: an action pinned to its major version");
                    }
                    var setup = steps.SingleOrDefault(s => Workflow.Text(s, "uses")?.StartsWith("actions/setup-dotnet@") == true);
                    Assert.That(setup is not null && Workflow.Text((YamlMappingNode)setup["with"], "global-json-file") == "global.json", Is.True,
                        $"{where}: the SDK global.json asks for");
                    var cache = steps.SingleOrDefault(s => Workflow.Text(s, "uses")?.StartsWith("actions/cache@") == true
                                                           && Workflow.Text((YamlMappingNode)s["with"], "path") == "~/.nuget/packages");
                    Assert.That(cache is null ? "" : Workflow.Text((YamlMappingNode)cache["with"], "key"), Does.Contain("Directory.Packages.props"),
                        $"{where}: NuGet packages cached, keyed on the central versions");
                }
            }
        });
    }

    [Test]
    public void Every_fuzzing_budget_a_run_can_be_given_fits_in_its_jobs_timeout()
    {
        var nightly = Workflows.Single(w => w.Name == "nightly-fuzz.yml");
        var dispatch = (YamlMappingNode)nightly.Triggers["workflow_dispatch"];
        foreach (var (name, input) in ((YamlMappingNode)dispatch["inputs"]).Children)
            Assert.That(Workflow.Text((YamlMappingNode)input, "type"), Is.EqualTo("choice"), $"input {name}: a budget from a list, not any text");
        var checkedSteps = 0;
        Assert.Multiple(() =>
        {
            foreach (var (id, job) in nightly.Jobs)
            {
                var timeout = TimeSpan.FromMinutes(int.Parse(Workflow.Text(job, "timeout-minutes")!));
                foreach (var run in nightly.Runs(VariableSets))
                    foreach (var step in nightly.Steps(id, job, run, Scratch))
                    {
                        if (Workflow.ArgumentsOfConformance(step, Scratch) is not { } args || args.FirstOrDefault() != "fuzz") continue;
                        var duration = TypedOptions.ParseDuration(args[Array.IndexOf(args, "--duration") + 1]);
                        Assert.That(duration + Overhead, Is.LessThanOrEqualTo(timeout), $"{step}: --duration {duration} in a {timeout} job");
                        checkedSteps++;
                    }
            }
        });
        Assert.That(checkedSteps, Is.GreaterThan(0));
    }

    [Test]
    public void Every_conformance_command_line_of_the_workflows_parses_as_GitHub_runs_it()
    {
        var lines = 0;
        Assert.Multiple(() =>
        {
            foreach (var workflow in Workflows)
                foreach (var (id, job) in workflow.Jobs)
                    foreach (var run in workflow.Runs(VariableSets))
                        foreach (var step in workflow.Steps(id, job, run, Scratch))
                        {
                            if (Workflow.ArgumentsOfConformance(step, Scratch) is not { } args) continue;
                            lines++;
                            if (args.FirstOrDefault() == "test")
                            {
                                Assert.That(args, Does.Not.Contain("--filter"), $"{step}: run.sh test sets the filter itself, and dotnet test takes one");
                                continue;
                            }
                            var parse = ConformanceCommand.Create().Parse(args);
                            Assert.That(parse.Errors.Select(e => e.Message), Is.Empty, $"{step}: conformance {string.Join(' ', args)}");
                        }
        });
        Assert.That(lines, Is.GreaterThan(0));
    }

    [Test]
    public void The_nightly_fuzzing_takes_a_64_bit_run_id_as_its_seed_and_runs()
    {
        var nightly = Workflows.Single(w => w.Name == "nightly-fuzz.yml");
        var (id, job) = nightly.Jobs.Single(j => j.Id == "fuzz");
        var scheduled = nightly.Runs(VariableSets).First(r => r.Event == "schedule" && r.Vars.Count == 0);
        var args = nightly.Steps(id, job, scheduled, Scratch).Select(s => Workflow.ArgumentsOfConformance(s, Scratch))
            .Single(a => a?.FirstOrDefault() == "fuzz")!;
        Assert.That(args, Does.Contain("--seed").And.Contain(GitHubRun.RunId));
        Assert.That(ConformanceCommand.Create().Parse(["fuzz", "--seed", "12345678901"]).Errors, Is.Empty);

        // The night's command as the shell gave it, its budget cut to 2 s, in a folder of its own.
        args[Array.IndexOf(args, "--duration") + 1] = "2s";
        var night = Cli.RunIn(Scratch, TimeSpan.FromMinutes(2), new Dictionary<string, string>(), args);
        Assert.That(night.ExitCode, Is.AnyOf(0, 1), "0 without findings, 1 with: " + night.Errors);
        using var fuzz = JsonDocument.Parse(File.ReadAllText(Path.Combine(Scratch, "reports", "fuzz", "fuzz.json")));
        Assert.That(fuzz.RootElement.GetProperty("seed").GetInt64(), Is.EqualTo(12345678901));
        Assert.That(fuzz.RootElement.GetProperty("conversations").GetInt64(), Is.GreaterThan(0));
    }

    [Test]
    public void A_finding_kept_from_earlier_nights_that_still_fails_fails_the_night_after_the_fuzzing_and_publishing()
    {
        var nightly = Workflows.Single(w => w.Name == "nightly-fuzz.yml");
        var (id, job) = nightly.Jobs.Single(j => j.Id == "fuzz");
        var scheduled = nightly.Runs(VariableSets).First(r => r.Event == "schedule");
        var replay = nightly.Steps(id, job, scheduled, Scratch).Single(s => Workflow.ArgumentsOfConformance(s, Scratch)?.FirstOrDefault() == "replay");
        Assert.That(Workflow.ExitStatusWhenConformanceExits(replay, Scratch, 1), Is.Not.EqualTo(0),
            $"{replay}: replay's exit 1 (a kept finding still fails) fails the step, not swallowed by the script");
        Assert.That(Workflow.ExitStatusWhenConformanceExits(replay, Scratch, 0), Is.EqualTo(0));

        var steps = ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>().ToList();
        var replayStep = steps.Single(s => Workflow.Text(s, "run")?.Contains("./run.sh replay ") == true);
        Assert.That(Workflow.Text(replayStep, "continue-on-error"), Is.Not.EqualTo("true"), "the failure is not forgiven");
        var replayId = Workflow.Text(replayStep, "id");
        Assert.That(replayId, Is.Not.Null, "the fuzzing's condition names the replay step");
        Assert.Multiple(() =>
        {
            foreach (var step in steps.Skip(steps.IndexOf(replayStep) + 1))
            {
                var name = Workflow.Text(step, "name") ?? Workflow.Text(step, "uses") ?? Workflow.Text(step, "run");
                var condition = Workflow.Text(step, "if");
                var publishes = Workflow.Text(step, "uses") is { } action && (action.StartsWith("actions/upload-artifact@") || action.StartsWith("actions/cache/save@"))
                                || Workflow.Text(step, "run")?.Contains("GITHUB_STEP_SUMMARY") == true;
                if (publishes) Assert.That(condition, Is.EqualTo("always()"), $"{name}: published whatever failed");
                else Assert.That(condition is not null && (condition.Contains("always()") || Workflow.AfterFailure(condition) == replayId), Is.True,
                    $"{name}: runs also when the replay failed (if: {condition})");
            }
        });
    }

    [Test]
    public void CI_runs_READMEs_test_command_on_Linux_and_the_compression_cases_on_Windows_and_macOS()
    {
        var ci = Workflows.Single(w => w.Name == "ci.yml");
        Assert.That(ci.Triggers.Children.Keys.Select(k => ((YamlScalarNode)k).Value), Is.SupersetOf(new[] { "push", "pull_request" }));
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var catalogue = Catalogue.Load(Catalogue.BesideProgram);
        var ran = new HashSet<string>();
        foreach (var run in ci.Runs(VariableSets))
            foreach (var (id, job) in ci.Jobs)
                foreach (var step in ci.Steps(id, job, run, Scratch))
                {
                    var runner = step.Environment["RUNNER_OS"];
                    if (Workflow.ArgumentsOfConformance(step, Scratch) is { } args)
                    {
                        if (args.FirstOrDefault() == "test")
                        {
                            Assert.That(step.Shell, Is.EqualTo("bash"));
                            Assert.That(readme, Does.Contain("./run.sh test"), "the command README gives");
                            ran.Add($"{runner} tests");
                            continue;
                        }
                        Assert.That(step.Script.TrimStart(), Does.StartWith(runner == "Windows" ? "./run.ps1" : "./run.sh"), step.ToString());
                        var cases = catalogue.Select(args[Array.IndexOf(args, "--cases") + 1].Split(','), []);
                        Assert.That(cases.Count(c => c.MayUseDeflate), Is.GreaterThan(10), $"{step}: compression cases in the selection");
                        ran.Add($"{runner} main job");
                    }
                    else if (step.Script.Contains("dotnet test"))
                    {
                        foreach (Match project in Regex.Matches(step.Script, @"src/Conformance\.[\w.]+"))
                            Assert.That(File.Exists(Path.Combine(RepositoryPaths.Root, project.Value, Path.GetFileName(project.Value) + ".csproj")), Is.True, project.Value);
                        ran.Add($"{runner} tests");
                    }
                }
        Assert.That(ran, Is.SupersetOf(new[] { "Linux tests", "Windows main job", "Windows tests", "macOS main job", "macOS tests" }));
        foreach (var (id, job) in ci.Jobs)
            Assert.That(((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>()
                    .Any(s => Workflow.Text(s, "uses")?.StartsWith("actions/upload-artifact@") == true
                              && Workflow.Text((YamlMappingNode)s["with"], "path")?.Contains("reports") == true),
                Is.True, $"{id}: publishes the report (HTML, JSON, JUnit)");
    }

    [Test]
    public void A_fuzz_target_set_as_a_repository_variable_is_the_one_fuzzed()
    {
        var nightly = Workflows.Single(w => w.Name == "nightly-fuzz.yml");
        var (id, job) = nightly.Jobs.Single(j => j.Id == "fuzz");
        var run = nightly.Runs(VariableSets).First(r => r.Event == "schedule" && r.Vars.Count > 0);
        foreach (var step in nightly.Steps(id, job, run, Scratch))
            if (Workflow.ArgumentsOfConformance(step, Scratch) is { } args)
                Assert.That(args.SkipWhile(a => a != "--target").Skip(1).FirstOrDefault(), Is.EqualTo(run.Vars["FUZZ_TARGET"]), step.ToString());
    }
}
