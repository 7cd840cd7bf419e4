using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Afl;

/// <summary>
/// The harness program as AFL++ runs it: published self-contained (so the framework's own assemblies are files
/// beside it that can be rewritten), then, per harness, a copy with that harness's assemblies instrumented.
/// </summary>
public static class HarnessBuild
{
    public const string Project = "src/Conformance.Fuzzing.Harnesses/Conformance.Fuzzing.Harnesses.csproj";
    public const string Program = "conformance-harness";

    /// <summary>Publishes into <paramref name="folder"/>, emptied first: publishing over an instrumented assembly keeps it.</summary>
    public static async Task PublishAsync(string repositoryRoot, string folder, CancellationToken cancel)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        var publish = await ExternalProcess.RunAsync("dotnet",
            ["publish", Path.Combine(repositoryRoot, Project), "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", folder, "--nologo", "-v", "q"],
            TimeSpan.FromMinutes(10), cancel);
        cancel.ThrowIfCancellationRequested();
        if (!publish.Succeeded) throw new AflSetupException($"publishing {Project} failed:\n{publish.Tail()}");
    }

    /// <summary>Copies the published harness into <paramref name="folder"/> and instruments what <paramref name="harness"/> fuzzes.</summary>
    public static async Task<string> PrepareAsync(Harness harness, string published, string folder, AflTools tools, CancellationToken cancel)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        CopyFolder(published, folder);
        foreach (var assembly in harness.Instrumented)
        {
            var path = Path.Combine(folder, assembly.FileName);
            if (!File.Exists(path)) throw new AflSetupException($"{harness.Name}: {assembly.FileName} is not in the published harness");
            if (ReadyToRunRewriter.IsReadyToRun(path)) ReadyToRunRewriter.MakeIlOnly(path);
            var instrument = await ExternalProcess.RunAsync(tools.Sharpfuzz, [path, .. assembly.Prefixes], TimeSpan.FromMinutes(5), cancel);
            cancel.ThrowIfCancellationRequested();
            if (!instrument.Succeeded) throw new AflSetupException($"{harness.Name}: sharpfuzz could not instrument {assembly.FileName}:\n{instrument.Tail()}");
        }

        return Path.Combine(folder, Program);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
