namespace Conformance.Suite;

/// <summary>Where the case scripts are and where reports go by default: the repository this project sits in.</summary>
internal static class SuiteFiles
{
    private static readonly Lazy<string?> RepositoryRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        return null;
    });

    /// <summary>The suites folder: the "suites" test run parameter, else the repository's suites/.</summary>
    public static string Suites(string? parameter) =>
        parameter is not null ? Path.GetFullPath(parameter, DefaultOutputBase)
        : RepositoryRoot.Value is { } root ? Path.Combine(root, "suites")
        : throw new DirectoryNotFoundException("the suites folder was not found; give it as the \"suites\" test run parameter");

    /// <summary>
    /// What the embedded Kestrel server is known to get (src/Conformance.Targets/expectations), so that testing it
    /// without a target fails only on regressions; null outside the repository.
    /// </summary>
    public static Engine.Expectations.ExpectationSet? EmbeddedServerExpectations() =>
        RepositoryRoot.Value is { } root && File.Exists(Path.Combine(root, "src/Conformance.Targets/expectations/kestrel-embedded.json"))
            ? Engine.Expectations.ExpectationSet.Read(Path.Combine(root, "src/Conformance.Targets/expectations/kestrel-embedded.json"))
            : null;

    /// <summary>Relative paths (the "out" parameter, default reports/) are taken from the repository root, else the working folder.</summary>
    public static string DefaultOutputBase => RepositoryRoot.Value ?? Directory.GetCurrentDirectory();
}
