using System.Globalization;

namespace Conformance.Fuzzing.Afl;

/// <summary>The figures of AFL++'s fuzzer_stats file that a run reports (summed or taken at best over instances).</summary>
public sealed record FuzzerStats(
    long ExecsDone,
    double ExecsPerSecond,
    int CorpusCount,
    int EdgesFound,
    int TotalEdges,
    string BitmapCoverage,
    string Stability,
    int SavedCrashes,
    int SavedHangs,
    long RunTimeSeconds)
{
    public static FuzzerStats? Read(string path)
    {
        if (!File.Exists(path)) return null;
        var fields = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        long Long(string key) => fields.TryGetValue(key, out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : 0;
        double Double(string key) => fields.TryGetValue(key, out var v) && double.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : 0;
        string Text(string key) => fields.GetValueOrDefault(key, "");
        return new FuzzerStats(
            Long("execs_done"), Double("execs_per_sec"), (int)Long("corpus_count"), (int)Long("edges_found"), (int)Long("total_edges"),
            Text("bitmap_cvg"), Text("stability"), (int)Long("saved_crashes"), (int)Long("saved_hangs"), Long("run_time"));
    }

    /// <summary>Parallel instances: executions add up; the corpus and edges are those of the instance that got furthest.</summary>
    public static FuzzerStats? Combine(IEnumerable<FuzzerStats> instances)
    {
        var all = instances.ToList();
        if (all.Count == 0) return null;
        var best = all.MaxBy(s => s.EdgesFound)!;
        return best with
        {
            ExecsDone = all.Sum(s => s.ExecsDone),
            ExecsPerSecond = all.Sum(s => s.ExecsPerSecond),
            SavedCrashes = all.Sum(s => s.SavedCrashes),
            SavedHangs = all.Sum(s => s.SavedHangs),
            RunTimeSeconds = all.Max(s => s.RunTimeSeconds),
        };
    }
}
