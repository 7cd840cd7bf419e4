using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Conformance.Targets;

namespace Conformance.Cli.Tests;

/// <summary>`conformance clients`: the suite as a server for clients, from its command line to its exit code.</summary>
public class ClientsCommandTests
{
    private string _out = "";

    [SetUp]
    public void CreateOut() => _out = Directory.CreateTempSubdirectory("conformance-clients").FullName;

    [TearDown]
    public void RemoveOut() => Directory.Delete(_out, true);

    [TestCase(true, 0, "OK")]
    [TestCase(false, 1, "FAILED")]
    public async Task It_serves_a_client_until_updateReports_then_exits_by_fail_on(bool masks, int exitCode, string behavior)
    {
        var port = FreePort();
        using var process = Process.Start(Cli.StartInfo(new Dictionary<string, string>(),
            "clients", "--port", port.ToString(), "--cases", "1.1.*", "--out", _out, "--fail-on", "FAILED", "--duration", "2m"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await Listening(port, process);
        await ClientDrivers.RawAsync(new Uri($"ws://127.0.0.1:{port}/"), "raw", masks ? ClientFault.None : ClientFault.DoesNotMask, count: 8);
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "it exits after /updateReports");
        Assert.That(process.ExitCode, Is.EqualTo(exitCode), await errors);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "index.json")))!.AsObject();
        var cases = index["raw"]!.AsObject();
        Assert.That(cases.Select(c => c.Key), Is.EqualTo(Enumerable.Range(1, 8).Select(n => $"1.1.{n}")));
        Assert.That(cases.Select(c => (string)c.Value!["behavior"]!), Is.All.EqualTo(behavior));
        Assert.That(await output, Does.Contain("1 Framing"));
    }

    [Test]
    public async Task Several_agents_each_get_a_column_and_it_ends_when_each_has_asked_for_the_reports()
    {
        var port = FreePort();
        using var process = Process.Start(Cli.StartInfo(new Dictionary<string, string>(),
            "clients", "--port", port.ToString(), "--cases", "1.1.*", "--out", _out, "--agents", "2", "--duration", "2m"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await Listening(port, process);
        var url = new Uri($"ws://127.0.0.1:{port}/");
        await ClientDrivers.RawAsync(url, "masking", ClientFault.None, count: 8);
        Assert.That(process.HasExited, Is.False, "one agent's /updateReports does not end it");
        await ClientDrivers.RawAsync(url, "unmasked", ClientFault.DoesNotMask, count: 8);
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "it exits after the second agent's /updateReports");
        Assert.That(process.ExitCode, Is.Zero, await errors);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "index.json")))!.AsObject();
        Assert.That(index.Select(a => a.Key), Is.EqualTo(new[] { "masking", "unmasked" }));
        Assert.That(index["masking"]!.AsObject().Select(c => (string)c.Value!["behavior"]!), Is.All.EqualTo("OK"));
        Assert.That(index["unmasked"]!.AsObject().Select(c => (string)c.Value!["behavior"]!), Is.All.EqualTo("FAILED"));
        Assert.That(await output, Does.Contain("masking").And.Contain("unmasked"));
    }

    [Test]
    public async Task With_tls_it_serves_wss_with_a_certificate_made_for_the_run_and_written_beside_the_results()
    {
        var port = FreePort();
        using var process = Process.Start(Cli.StartInfo(new Dictionary<string, string>(),
            "clients", "--port", port.ToString(), "--cases", "1.1.1,1.1.2,H.1.7,H.2.6", "--out", _out, "--tls", "--duration", "2m"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await Listening(port, process);
        var pem = Path.Combine(_out, "clients-certificate.pem");
        Assert.That(File.Exists(pem), Is.True, "the certificate is written before the first client can connect");
        using var trusted = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(pem);
        Assert.That(trusted.HasPrivateKey, Is.False, "the file a client trusts holds no key");
        await ClientDrivers.ClientWebSocketAsync(new Uri($"wss://127.0.0.1:{port}/"), "dotnet", trusted);
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, "it exits after /updateReports");
        Assert.That(process.ExitCode, Is.Zero, await errors);
        Assert.That(await errors, Does.Contain($"wss://127.0.0.1:{port}/").And.Contain(pem));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "index.json")))!.AsObject();
        Assert.That(index["dotnet"]!.AsObject().Select(c => $"{c.Key} {c.Value!["behavior"]}"), Is.EqualTo(new[] { "1.1.1 OK", "1.1.2 OK", "H.1.7 OK", "H.2.6 OK" }));
        await output;
    }

    [TestCase(new[] { "--key", "key.pem" }, "--key goes with --certificate")]
    [TestCase(new[] { "--tls", "--certificate", "cert.pem" }, "--tls makes a certificate for the run; --certificate gives one: choose one")]
    [TestCase(new[] { "--certificate", "no-such.pem" }, "conformance: no-such.pem: not a certificate with its private key")]
    public void Bad_tls_input_is_one_line_and_exit_2(string[] flags, string expected) =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run(["clients", .. flags, "--cases", "1.1.1", "--out", _out]), expected);

    [TestCase("--agents", "0", "--agents: \"0\" is not a whole number from 1 to 1000")]
    [TestCase("--port", "70000", "--port: \"70000\" is not a port number from 0 to 65535")]
    [TestCase("--host", "nowhere", "--host: \"nowhere\" is not an IP address")]
    [TestCase("--duration", "8d", "--duration: \"8d\" is not a duration")]
    [TestCase("--cases", "0.1.1", "none of the 1 selected case(s) is played against clients (e.g. 0.1.1: it tests how a server answers an opening request")]
    public void Bad_input_is_one_line_and_exit_2(string flag, string value, string expected) =>
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("clients", flag, value, "--out", _out), expected);

    [Test]
    public void A_port_already_taken_is_one_line_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        CommandLineBadInputTests.AssertOneLineUsageError(Cli.Run("clients", "--port", port.ToString(), "--cases", "1.1.1", "--out", _out),
            $"conformance: cannot listen on 127.0.0.1:{port}: ");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Listening(int port, Process process)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        Assert.Fail($"conformance clients did not listen on {port} within 30 s");
    }
}
