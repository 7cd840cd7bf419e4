namespace Conformance.Cli;

/// <summary>A folder the command writes into, checked before any work, so that a long run does not end unable to write what it found.</summary>
internal static class OutputFolder
{
    /// <summary>Creates the folder and writes (then removes) a file in it; null when that works, else the one line saying why not.</summary>
    /// <param name="name">the flag or setting that named the folder</param>
    public static string? Problem(string folder, string name)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".conformance-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"{name}: cannot write into \"{folder}\": {FileInTheWay(folder) ?? e.Message}";
        }
    }

    /// <summary>The message for a path that runs through a file ("reports.txt/out"), clearer than the system's.</summary>
    private static string? FileInTheWay(string folder)
    {
        for (var path = Path.GetFullPath(folder); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
            if (File.Exists(path)) return $"{path} is a file, not a folder";
        return null;
    }
}
