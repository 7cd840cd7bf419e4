using System.Diagnostics;
using System.Text.Json;
using Conformance.Targets;

namespace Conformance.Cli.Tests;

/// <summary>
/// What README promises a user: `dotnet pack` the command, `dotnet tool install` it from that folder into a tool path,
/// and run it from an empty folder, against the embedded server and against a server given by --target. The tool
/// must find its case catalogue and expectations in its own folder, not in the current one.
/// </summary>
[NonParallelizable]
public class ToolPackageTests : WithScratchFolder
{
    [Test]
    public async Task The_packed_tool_installs_into_a_tool_path_and_runs_from_an_empty_folder()
    {
        var packages = Directory.CreateDirectory(Path.Combine(Scratch, "packages")).FullName;
        var project = Path.Combine(RepositoryPaths.Root, "src", "Conformance.Cli", "Conformance.Cli.csproj");
        var pack = Dotnet(Scratch, "pack", project, "-c", BuildConfiguration, "--no-build", "-o", packages);
        Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output + pack.Errors);
        var package = Directory.GetFiles(packages, "WebSocket.Conformance.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(package)["WebSocket.Conformance.".Length..];

        // Only the folder with the package as a source: the install needs nothing else.
        var nugetConfig = Path.Combine(Scratch, "nuget.config");
        File.WriteAllText(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var tools = Path.Combine(Scratch, "tools");
        var install = Dotnet(Scratch, "tool", "install", "WebSocket.Conformance", "--version", version, "--tool-path", tools, "--configfile", nugetConfig);
        Assert.That(install.ExitCode, Is.EqualTo(0), install.Output + install.Errors);
        var conformance = Path.Combine(tools, OperatingSystem.IsWindows() ? "conformance.exe" : "conformance");

        var empty = Directory.CreateDirectory(Path.Combine(Scratch, "empty")).FullName;
        var embedded = Run(conformance, empty, "--cases", "1.*");
        Assert.That(embedded.ExitCode, Is.EqualTo(0), embedded.Output + embedded.Errors);
        Assert.That(embedded.Errors, Does.Contain("(embedded Kestrel echo server)"));
        Assert.That(embedded.Output, Does.Contain("as expected (known issues and decisions in"), "held to the expectations it ships with");
        AssertReport(Path.Combine(empty, "reports"), cases: 16);

        await using var server = await KestrelEchoServer.StartAsync();
        var elsewhere = Directory.CreateDirectory(Path.Combine(Scratch, "elsewhere")).FullName;
        var target = Run(conformance, elsewhere, "--target", server.Url.ToString(), "--cases", "1.1.*,2.*");
        Assert.That(target.ExitCode, Is.EqualTo(0), target.Output + target.Errors);
        AssertReport(Path.Combine(elsewhere, "reports"), cases: 8 + 11);
    }

    private static void AssertReport(string reports, int cases)
    {
        Assert.That(File.Exists(Path.Combine(reports, "index.html")), Is.True, $"{reports}/index.html");
        Assert.That(File.Exists(Path.Combine(reports, "junit.xml")), Is.True);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, "results.json")));
        Assert.That(results.RootElement.GetProperty("runs")[0].GetProperty("cases").GetArrayLength(), Is.EqualTo(cases));
    }

    /// <summary>Release or Debug: the configuration these tests, and so the command, were built in.</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    private static CliRun Dotnet(string folder, params string[] args) => Run("dotnet", folder, args);

    private static CliRun Run(string program, string folder, params string[] args)
    {
        var run = Cli.RunProgram(program, folder, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, args);
        TestContext.Progress.WriteLine($"{Path.GetFileName(program)} {string.Join(' ', args.Take(3))}: {run.Took.TotalSeconds:0.0} s");
        return run;
    }
}
