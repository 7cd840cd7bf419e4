namespace Conformance.Testing;

/// <summary>The repository the tests were built in (the folder above them that holds Conformance.sln) and its folders.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Suites => Path.Combine(Root, "suites");

    public static string Corpus => Path.Combine(Root, "fuzz-corpus");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        throw new InvalidOperationException("Conformance.sln not found above " + AppContext.BaseDirectory);
    }
}
