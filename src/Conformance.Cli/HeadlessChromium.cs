using System.Diagnostics;

namespace Conformance.Cli;

/// <summary>Prints an HTML file to PDF, or takes its picture, with headless Chromium (or Chrome), the first found on PATH or where macOS and Windows install it.</summary>
internal static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

    private static readonly string[] Installed =
    [
        "/Applications/Chromium.app/Contents/MacOS/Chromium", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Google", "Chrome", "Application", "chrome.exe"),
    ];

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static string? Chromium()
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var suffix = OperatingSystem.IsWindows() ? ".exe" : "";
        return folders.SelectMany(folder => Names.Select(name => Path.Combine(folder, name + suffix))).Concat(Installed).FirstOrDefault(File.Exists);
    }

    /// <summary>Null when the PDF was written; else one line saying why not.</summary>
    public static string? Print(string html, string pdf) =>
        Run(html, pdf, "PDF", ["--no-pdf-header-footer", $"--print-to-pdf={Path.GetFullPath(pdf)}"]);

    /// <summary>A picture of the page as a browser window of this size shows it; null when the PNG was written, else one line saying why not.</summary>
    public static string? Screenshot(string html, string png, int width, int height)
    {
        if (OutputFolder.Problem(Path.GetDirectoryName(Path.GetFullPath(png))!, "--screenshot") is { } unwritable) return unwritable;
        return Run(html, png, "screenshot", ["--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={Path.GetFullPath(png)}"]);
    }

    private static string? Run(string html, string written, string what, string[] arguments)
    {
        if (Chromium() is not { } chromium)
            return $"no {what}: Chromium is not installed (none of {string.Join(", ", Names)} on PATH); the HTML file is {html}";
        var profile = Directory.CreateTempSubdirectory("conformance-chromium").FullName;
        try
        {
            var start = new ProcessStartInfo(chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", $"--user-data-dir={profile}", .. arguments, new Uri(Path.GetFullPath(html)).AbsoluteUri,
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Deadline))
            {
                process.Kill(entireProcessTree: true);
                return $"no {what}: {chromium} did not finish within {Deadline.TotalMinutes} minutes";
            }
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(written))
                return $"no {what}: {chromium} ended with exit code {process.ExitCode}: {errors.Result.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim()}";
            return null;
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
