namespace Conformance.Fuzzing.Afl;

/// <summary>A tool the afl engine needs is missing and could not be installed; the message says what to install.</summary>
/// <param name="CannotInstallHere">true when this machine has no way to install it (not Linux, no apt-get, neither root nor
/// sudo), false when an install was tried and failed</param>
public sealed class AflSetupException(string message, bool CannotInstallHere = false) : Exception(message)
{
    public bool CannotInstallHere { get; } = CannotInstallHere;
}

/// <summary>Where the programs of AFL++ and SharpFuzz's instrumenter are.</summary>
public sealed record AflTools(string AflFuzz, string AflTmin, string AflCmin, string Sharpfuzz)
{
    /// <summary>The installer, relative to the repository root.</summary>
    public const string InstallScript = "src/Conformance.Fuzzing.Harnesses/install.sh";

    public static string ToolsDirectory =>
        Environment.GetEnvironmentVariable("CONFORMANCE_TOOLS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "conformance", "tools");

    /// <summary>The tools when all are present, else the names of those missing.</summary>
    public static (AflTools? Tools, IReadOnlyList<string> Missing) Find()
    {
        var missing = new List<string>();
        string Locate(string name, params string[] places)
        {
            var found = places.Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);
            if (found is null) missing.Add(name);
            return found ?? "";
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var tools = new AflTools(Locate("afl-fuzz", path), Locate("afl-tmin", path), Locate("afl-cmin", path), Locate("sharpfuzz", ToolsDirectory));
        return (missing.Count == 0 ? tools : null, missing);
    }

    /// <summary>Finds the tools, running the installer first when some are missing.</summary>
    public static async Task<AflTools> EnsureAsync(string repositoryRoot, Action<string> log, CancellationToken cancel)
    {
        if (!OperatingSystem.IsLinux())
            throw new AflSetupException("the afl engine runs on Linux only (AFL++ with SharpFuzz); use --engine property elsewhere", CannotInstallHere: true);
        var (tools, missing) = Find();
        if (tools is not null) return tools;

        log($"installing {string.Join(", ", missing)} ({InstallScript})");
        var install = await ExternalProcess.RunAsync("bash", [Path.Combine(repositoryRoot, InstallScript)], TimeSpan.FromMinutes(15), cancel);
        (tools, missing) = Find();
        return tools ?? throw new AflSetupException(
            $"missing {string.Join(", ", missing)}; {InstallScript} could not install them:\n{install.Tail()}", CannotInstallHere: install.ExitCode == 2);
    }
}
