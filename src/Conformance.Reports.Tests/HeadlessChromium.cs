using System.Diagnostics;

namespace Conformance.Reports.Tests;

/// <summary>Chromium (or Chrome), headless: the first on PATH, as src/Conformance.Targets/external/install.sh installs Debian's chromium.</summary>
internal static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

    /// <summary>Where macOS and Windows install them, off PATH.</summary>
    private static readonly string[] Installed =
    [
        "/Applications/Chromium.app/Contents/MacOS/Chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Google", "Chrome", "Application", "chrome.exe"),
    ];

    private static readonly Lazy<string?> Found = new(() =>
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var suffix = OperatingSystem.IsWindows() ? ".exe" : "";
        return folders.SelectMany(folder => Names.Select(name => Path.Combine(folder, name + suffix))).Concat(Installed).FirstOrDefault(File.Exists);
    });

    public static string Binary
    {
        get
        {
            if (Found.Value is null)
                Assert.Ignore("needs chromium: Chromium or Chrome on PATH (src/Conformance.Targets/external/install.sh, which ./run.sh test runs, " +
                              "installs Debian's chromium where it has apt-get)");
            return Found.Value!;
        }
    }

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
