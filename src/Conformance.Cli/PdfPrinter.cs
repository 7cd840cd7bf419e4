using System.Diagnostics;

namespace Conformance.Cli;

/// <summary>Prints an HTML file to PDF with headless Chromium (or Chrome), the first found on PATH or where macOS and Windows install it.</summary>
internal static class PdfPrinter
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
    public static string? Print(string html, string pdf)
    {
        if (Chromium() is not { } chromium)
            return $"no PDF: Chromium is not installed (none of {string.Join(", ", Names)} on PATH); the single HTML file is {html}";
        var profile = Directory.CreateTempSubdirectory("conformance-chromium").FullName;
        try
        {
            var start = new ProcessStartInfo(chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", $"--user-data-dir={profile}", "--no-pdf-header-footer", $"--print-to-pdf={Path.GetFullPath(pdf)}",
                new Uri(Path.GetFullPath(html)).AbsoluteUri,
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
                return $"no PDF: {chromium} did not finish within {Deadline.TotalMinutes} minutes";
            }
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(pdf))
                return $"no PDF: {chromium} ended with exit code {process.ExitCode}: {errors.Result.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim()}";
            return null;
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
