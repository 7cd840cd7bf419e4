using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conformance.Engine.Tests;

/// <summary>
/// An independently written echo server (node ws, Python websockets), installed and started with the
/// project's own scripts in src/Conformance.Targets/external; and the same libraries' clients, run by their drivers.
/// </summary>
internal sealed class ExternalServer : IDisposable
{
    private static readonly Lazy<Installation> Installed = new(Install);
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

    /// <param name="name">ws or websockets, as start.sh and install.sh call them</param>
    public static ExternalServer Start(string name)
    {
        RequireInstalled(name);
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

    /// <summary>Runs install.sh once; ignores the test with its words when it could not install NAME on this machine.</summary>
    public static void RequireInstalled(string name)
    {
        var installed = Installed.Value;
        if (installed.NoBash) Assert.Ignore($"needs {name}: bash, which installs and starts the real servers (src/Conformance.Targets/external)");
        if (installed.ExitCode is not (0 or 2)) Assert.Fail($"the {name} target could not be installed: install.sh exited with {installed.ExitCode}: {installed.Errors}");
        if (installed.Needs(name) is { } needs) Assert.Ignore(needs);
    }

    /// <summary>
    /// Runs a client library's Autobahn driver loop (src/Conformance.Targets/external/drive.sh) against the suite
    /// serving clients at url, to its end; fails the test when it does not end within the time given or exits non-zero.
    /// </summary>
    /// <param name="name">ws or websockets, as drive.sh and install.sh call them</param>
    /// <param name="trust">For a wss:// URL, the PEM file of the certificate the client is to trust.</param>
    public static async Task DriveAsync(string name, Uri url, string agent, TimeSpan within, string? trust = null)
    {
        RequireInstalled(name);
        var script = Path.Combine(RepositoryPaths.Root, "src/Conformance.Targets/external/drive.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, name, url.ToString(), agent, .. trust is null ? Array.Empty<string>() : [trust]])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the {name} client driver did not end within {within.TotalSeconds:0} s");
        }
        Assert.That(process.ExitCode, Is.Zero, $"the {name} client driver failed: {await output} {await errors}");
    }

    /// <summary>What install.sh said: exit 0 when all is there, 2 when something cannot be installed on this machine.</summary>
    private sealed record Installation(int ExitCode, string Errors, bool NoBash = false)
    {
        /// <summary>The script's line "needs NAME: what (why)" for a server it could not install, without its prefix.</summary>
        public string? Needs(string name) => Errors.Split('\n').Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith($"install.sh: needs {name}:"))?["install.sh: ".Length..];
    }

    private static Installation Install()
    {
        var script = Path.Combine(RepositoryPaths.Root, "src/Conformance.Targets/external/install.sh");
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        }
        catch (Win32Exception)
        {
            return new Installation(-1, "", NoBash: true);
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Installation(process.ExitCode, errors.Result);
        }
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
