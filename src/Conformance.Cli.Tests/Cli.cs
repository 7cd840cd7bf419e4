using System.Diagnostics;

namespace Conformance.Cli.Tests;

public sealed record CliRun(int ExitCode, string Output, string Errors, TimeSpan Took);

/// <summary>Runs the built conformance command as a user would, from the repository root.</summary>
internal static class Cli
{
    private static string Dll => Path.Combine(
        AppContext.BaseDirectory.Replace("Conformance.Cli.Tests", "Conformance.Cli"), "conformance.dll");

    public static CliRun Run(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    public static CliRun Run(TimeSpan limit, params string[] args) => Run(limit, new Dictionary<string, string>(), args);

    /// <param name="environment">variables set for this run only (no other CONFORMANCE_* variable is passed on)</param>
    public static CliRun Run(TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args) => RunIn(RepositoryPaths.Root, limit, environment, args);

    public static CliRun RunIn(string folder, TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunProgram("dotnet", folder, limit, environment, [Dll, .. args]);

    /// <summary>Runs a program to its end within the limit, with no CONFORMANCE_* variable but those given.</summary>
    public static CliRun RunProgram(string program, string folder, TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo(program, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CONFORMANCE_")).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(program)} {string.Join(' ', args)} did not finish within {limit}");
        }
        process.WaitForExit();
        return new CliRun(process.ExitCode, output.Result, errors.Result, clock.Elapsed);
    }

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Dll, .. args])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CONFORMANCE_")).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return start;
    }
}
