using System.Reflection;
using Conformance.Engine.Cases;

namespace Conformance.Suite;

/// <summary>Where the case scripts are (copied beside this assembly when it is built) and where reports go by default.</summary>
internal static class SuiteFiles
{
    /// <summary>The repository this project was built in, as the build recorded it.</summary>
    private static readonly string? RepositoryRoot = typeof(SuiteFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;

    /// <summary>The suites folder: the "suites" test run parameter, else the catalogue beside this assembly.</summary>
    public static string Suites(string? parameter) =>
        parameter is not null ? Path.GetFullPath(parameter, DefaultOutputBase) : Catalogue.BesideProgram;

    /// <summary>
    /// Relative paths (the "out" parameter, default reports/) are taken from the repository the project was built in
    /// while it is there, else from the working folder.
    /// </summary>
    public static string DefaultOutputBase => RepositoryRoot is { } root && Directory.Exists(root) ? root : Directory.GetCurrentDirectory();
}
