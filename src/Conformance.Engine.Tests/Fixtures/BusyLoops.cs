using System.Diagnostics;

namespace Conformance.Engine.Tests;

/// <summary>Processes that keep every core busy while a test runs, as other jobs on a CI runner do.</summary>
internal sealed class BusyLoops : IDisposable
{
    private readonly List<Process> _loops = [];

    private BusyLoops(int count)
    {
        for (var i = 0; i < count; i++)
            _loops.Add(Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!);
    }

    /// <summary>One busy loop per core.</summary>
    public static BusyLoops OnEveryCore() => new(Environment.ProcessorCount);

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            try { loop.Kill(); } catch (InvalidOperationException) { }
            loop.WaitForExit();
            loop.Dispose();
        }
    }
}
