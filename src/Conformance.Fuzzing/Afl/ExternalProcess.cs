using System.Diagnostics;

namespace Conformance.Fuzzing.Afl;

/// <param name="ExitCode">The exit code; -1 when the process was stopped at its time limit.</param>
public sealed record ProcessResult(int ExitCode, string Output, string Errors)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of what the process wrote, for an error message.</summary>
    public string Tail(int lines = 15) =>
        string.Join('\n', (Output + "\n" + Errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}

/// <summary>Runs the tools the afl engine needs; every process it starts it also stops, by its own id.</summary>
internal static class ExternalProcess
{
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan limit, CancellationToken cancel,
        IReadOnlyDictionary<string, string>? environment = null, byte[]? standardInput = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (standardInput is not null) await process.StandardInput.BaseStream.WriteAsync(standardInput, cancel);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process ended without reading all of its input; what it did is in its exit code and output.
        }

        bool stopped = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            deadline.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process);
                stopped = true;
            }
        }

        await process.WaitForExitAsync(CancellationToken.None);
        return new ProcessResult(stopped ? -1 : process.ExitCode, await output, await errors);
    }

    /// <summary>Asks the process to stop (SIGINT, so afl-fuzz writes its statistics), then ends its tree.</summary>
    public static async Task StopAsync(Process process)
    {
        if (process.HasExited) return;
        using (var interrupt = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString()]) { UseShellExecute = false }))
            interrupt?.WaitForExit();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
