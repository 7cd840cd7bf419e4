namespace Conformance.Engine.Cases;

/// <summary>Every case of a suites folder, in id order, and selection by id patterns.</summary>
public sealed class Catalogue
{
    /// <summary>
    /// The cases played against servers over HTTP/1.1: every case but those only played against clients
    /// (<see cref="CaseDefinition.AgainstServers"/>) and those only played over HTTP/2 (<see cref="CaseDefinition.OnlyOverHttp2"/>).
    /// </summary>
    public IReadOnlyList<CaseDefinition> Cases { get; }

    /// <summary>The cases played against servers over HTTP/2 (<see cref="CaseDefinition.AppliesOverHttp2"/>).</summary>
    public IReadOnlyList<CaseDefinition> OverHttp2 { get; }

    /// <summary>Every case, whichever side it is played against.</summary>
    public IReadOnlyList<CaseDefinition> All { get; }

    private Catalogue(IReadOnlyList<CaseDefinition> all)
    {
        All = all;
        Cases = all.Where(c => c.AgainstServers && !c.OnlyOverHttp2).ToList();
        OverHttp2 = all.Where(c => c.AgainstServers && c.AppliesOverHttp2).ToList();
    }

    /// <summary>The case scripts that ship beside the program (its folder's suites/), the default catalogue.</summary>
    public static string BesideProgram { get; } = Path.Combine(AppContext.BaseDirectory, "suites");

    /// <summary>
    /// Every case of the *.json files below a folder, or of one case file; several, comma-separated, are one
    /// catalogue (e.g. "suites,fuzz-corpus" to run the fuzzing findings with the scripted cases).
    /// </summary>
    public static Catalogue Load(string suites)
    {
        var cases = new List<CaseDefinition>();
        var seen = new Dictionary<string, string>();
        var sources = File.Exists(suites) || Directory.Exists(suites)
            ? [suites]
            : suites.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var source in sources)
        {
            foreach (var (path, display) in CaseFiles(source))
            {
                foreach (var c in CaseFileReader.Read(path, display))
                {
                    if (seen.TryGetValue(c.Id, out var other))
                        throw new CaseFileException(display, $"case {c.Id}", $"id already used in {other}");
                    seen[c.Id] = display;
                    cases.Add(c);
                }
            }
        }
        return new Catalogue(cases.OrderBy(c => c.Id, CaseIdComparer.Instance).ToList());
    }

    private static IEnumerable<(string Path, string Display)> CaseFiles(string source)
    {
        if (File.Exists(source)) return [(source, source)];
        if (!Directory.Exists(source)) throw new CaseFileException(source, "", "no such folder or case file");
        var parent = Path.GetDirectoryName(Path.GetFullPath(source))!;
        return CaseFilesBelow(source).Select(path => (path, Path.GetRelativePath(parent, path)));
    }

    /// <summary>
    /// Every *.json below the folder, except build output (the NUnit project in suites/ has bin/ and obj/) and the
    /// servers' expectations files (expectations/) and the requirements the cases check (requirements.json), which live
    /// beside the cases but are not cases.
    /// </summary>
    private static IEnumerable<string> CaseFilesBelow(string suitesDirectory) =>
        Directory.EnumerateFiles(suitesDirectory, "*.json", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(suitesDirectory, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "expectations"))
            .Where(path => Path.GetRelativePath(suitesDirectory, path) != RequirementSet.FileName)
            .Order(StringComparer.Ordinal);

    public static Catalogue From(IEnumerable<CaseDefinition> cases) =>
        new(cases.OrderBy(c => c.Id, CaseIdComparer.Instance).ToList());

    /// <summary>The cases played against servers that the patterns select.</summary>
    public IReadOnlyList<CaseDefinition> Select(IReadOnlyList<string> include, IReadOnlyList<string> exclude) => Select(Cases, include, exclude);

    /// <summary>The cases played against servers over HTTP/2 that the patterns select.</summary>
    public IReadOnlyList<CaseDefinition> SelectOverHttp2(IReadOnlyList<string> include, IReadOnlyList<string> exclude) => Select(OverHttp2, include, exclude);

    /// <summary>Every case the patterns select, whichever side it is played against.</summary>
    public IReadOnlyList<CaseDefinition> SelectAll(IReadOnlyList<string> include, IReadOnlyList<string> exclude) => Select(All, include, exclude);

    private static IReadOnlyList<CaseDefinition> Select(IReadOnlyList<CaseDefinition> cases, IReadOnlyList<string> include, IReadOnlyList<string> exclude) =>
        cases.Where(c => (include.Count == 0 || include.Any(p => CasePattern.Matches(p, c.Id)))
                         && !exclude.Any(p => CasePattern.Matches(p, c.Id)))
             .ToList();
}

/// <summary>Case id patterns: "2.1" is that case (and the cases under it, e.g. "1.1" selects 1.1.x), "1.*" a category, "*" all.</summary>
public static class CasePattern
{
    public static bool Matches(string pattern, string id)
    {
        pattern = pattern.Trim();
        if (pattern == "*" || pattern == id) return true;
        if (pattern.EndsWith(".*", StringComparison.Ordinal)) return id.StartsWith(pattern[..^1], StringComparison.Ordinal);
        if (pattern.Contains('*'))
        {
            var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$";
            return System.Text.RegularExpressions.Regex.IsMatch(id, regex);
        }
        return id.StartsWith(pattern + ".", StringComparison.Ordinal);
    }
}

/// <summary>Orders ids numerically part by part: 2.2 before 2.10, 1.1.8 before 1.2.1.</summary>
public sealed class CaseIdComparer : IComparer<string>
{
    public static CaseIdComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('.');
        var b = (y ?? "").Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var bothNumbers = int.TryParse(a[i], out var na) & int.TryParse(b[i], out var nb);
            var c = bothNumbers ? na.CompareTo(nb) : string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
