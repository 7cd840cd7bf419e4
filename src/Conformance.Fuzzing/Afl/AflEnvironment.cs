namespace Conformance.Fuzzing.Afl;

/// <summary>The settings AFL++'s programs need to run a SharpFuzz harness.</summary>
internal static class AflEnvironment
{
    public static Dictionary<string, string> For(bool stopAtFirstCrash)
    {
        var environment = new Dictionary<string, string>
        {
            // The harness is a .NET program, not a binary built by AFL++'s compilers.
            ["AFL_SKIP_BIN_CHECK"] = "1",
            ["AFL_NO_UI"] = "1",
            ["AFL_SKIP_CPUFREQ"] = "1",
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1",
            // Bind to a free core where there is one; a shared machine may have none.
            ["AFL_TRY_AFFINITY"] = "1",
            // The .NET runtime starts slowly, the more so on a loaded machine.
            ["AFL_FORKSRV_INIT_TMOUT"] = "60000",
            // afl-cmin refuses folders under /tmp unless told that they are safe to use.
            ["AFL_ALLOW_TMP"] = "1",
        };
        if (stopAtFirstCrash) environment["AFL_BENCH_UNTIL_CRASH"] = "1";
        return environment;
    }

    /// <summary>The arguments that run the harness after "--".</summary>
    public static string[] Target(string program, string harness) => ["--", program, harness];

    public static string Milliseconds(TimeSpan time) => ((long)time.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
