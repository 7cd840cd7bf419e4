namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>Every harness of this assembly: each concrete class deriving from <see cref="Harness"/>.</summary>
public static class HarnessCatalogue
{
    public static IReadOnlyList<Harness> All { get; } = typeof(Harness).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Harness)) && !t.IsAbstract)
        .Select(t => (Harness)Activator.CreateInstance(t)!)
        .OrderBy(h => h.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>The harnesses run when none is named.</summary>
    public static IEnumerable<Harness> Default => All.Where(h => h.RunsByDefault);

    public static Harness? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    public static string Names => string.Join(", ", All.Select(h => h.Name));
}
