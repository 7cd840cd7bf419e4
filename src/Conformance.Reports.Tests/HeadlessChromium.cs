using System.Diagnostics;

namespace Conformance.Reports.Tests;

/// <summary>Debian's chromium, headless, as src/Conformance.Targets/external/install.sh installs it.</summary>
internal static class HeadlessChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string Binary =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new AssertionException("no chromium found: src/Conformance.Targets/external/install.sh installs Debian's chromium");

    /// <summary>The DOM after the page's scripts ran.</summary>
    public static string DumpDom(string file) => Run("--dump-dom", new Uri(file).AbsoluteUri);

    public static void Screenshot(string file, string png, int width = 1280, int height = 1000) =>
        Run($"--screenshot={png}", $"--window-size={width},{height}", new Uri(file).AbsoluteUri);

    private static string Run(params string[] args)
    {
        var profile = Directory.CreateTempSubdirectory("chromium").FullName;
        try
        {
            var start = new ProcessStartInfo(Binary,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", .. args,
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 90 s");
            }
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.EqualTo(0), errors.Result);
            return output.Result;
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
