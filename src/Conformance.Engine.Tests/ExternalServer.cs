using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conformance.Engine.Tests;

/// <summary>
/// An independently written echo server (node ws, Python websockets), installed and started with the
/// project's own scripts in src/Conformance.Targets/external.
/// </summary>
internal sealed class ExternalServer : IDisposable
{
    private static readonly Lazy<string?> InstallProblem = new(Install);
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ExternalServer(Process process, int port)
    {
        _process = process;
        Url = new Uri($"ws://127.0.0.1:{port}/");
        // The servers log to both streams; reading them keeps a full pipe from blocking the server.
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20) _lastLines.Dequeue();
        }
    }

    private string LastLines()
    {
        lock (_lastLines) return string.Join("\n", _lastLines);
    }

    public Uri Url { get; }

    public static ExternalServer Start(string name)
    {
        if (InstallProblem.Value is { } problem) Assert.Fail($"the {name} target could not be installed: {problem}");
        var port = FreePort();
        var script = Path.Combine(RepositoryPaths.Root, "src/Conformance.Targets/external/start.sh");
        var process = Process.Start(new ProcessStartInfo("bash", [script, name, port.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var server = new ExternalServer(process, port);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                Assert.Fail($"the {name} target exited: {server.LastLines()}");
            }
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        server.Dispose();
        Assert.Fail($"the {name} target did not listen on port {port} within 20 s");
        return null!;
    }

    private static string? Install()
    {
        var script = Path.Combine(RepositoryPaths.Root, "src/Conformance.Targets/external/install.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"install.sh exited with {process.ExitCode}: {errors.Result}";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
