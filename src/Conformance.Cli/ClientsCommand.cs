using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Conformance.Engine.Cases;
using Conformance.Engine.Clients;
using Conformance.Engine.Results;
using Conformance.Engine.Running;
using Conformance.Pipeline;

namespace Conformance.Cli;

/// <summary>
/// `conformance clients`: the suite as a server that tests WebSocket clients, speaking Autobahn|Testsuite's
/// fuzzingserver protocol, so that a client's existing driver (getCaseCount, runCase for each case, updateReports) runs
/// against it unchanged. It ends once a client has asked for /updateReports (or after --duration), with the same
/// reports, a column per client agent, and the same exit codes as a run against servers. Over TLS (wss://) with
/// --certificate, or with --tls and a certificate made for the run.
/// </summary>
internal static class ClientsCommand
{
    public static Command Create()
    {
        var command = new Command("clients",
            "Serve the cases to WebSocket clients, speaking Autobahn|Testsuite's fuzzingserver protocol: /getCaseCount, /getCaseInfo?case=N, " +
            "/runCase?case=N&agent=A (the client echoes every message), /getCaseStatus?case=N&agent=A, /updateReports?agent=A. " +
            "Ends once --agents clients have asked for /updateReports (or at --duration) with the reports written, a column per agent; exit codes as for a run.");
        var flags = new CommandLineFlags();
        flags.AddClientFlagsTo(command);
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on", HelpName = "address", DefaultValueFactory = _ => IPAddress.Loopback.ToString(),
        };
        host.Validators.Add(result =>
        {
            if (!IPAddress.TryParse(result.GetValueOrDefault<string>(), out _)) result.AddError($"\"{result.GetValueOrDefault<string>()}\" is not an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0)");
        });
        var port = TypedOptions.WholeNumber("--port", "Port to listen on (0: a free one, printed when listening)", 0, 65535, 9001,
            text => $"\"{text}\" is not a port number from 0 to 65535", "-p");
        var duration = TypedOptions.Duration("--duration", "How long to serve at most (default: until the clients have asked for /updateReports)");
        var agents = TypedOptions.WholeNumber("--agents", "How many client agents must each ask for /updateReports before it ends (a column each)", 1, 1000, 1,
            text => $"\"{text}\" is not a whole number from 1 to 1000");
        var tls = new Option<bool>("--tls")
        {
            Description = "Serve wss:// with a self-signed certificate made for the run, written to clients-certificate.pem in the results folder for the clients to trust",
        };
        var certificate = new Option<string>("--certificate")
        {
            Description = "Serve wss:// with this certificate: a PEM file (its key in --key, or in the same file) or a PKCS#12 file (.pfx, .p12) without a password",
            HelpName = "file",
        };
        var key = new Option<string>("--key") { Description = "The PEM private key of --certificate", HelpName = "file" };
        command.Options.Add(host);
        command.Options.Add(port);
        command.Options.Add(duration);
        command.Options.Add(agents);
        command.Options.Add(tls);
        command.Options.Add(certificate);
        command.Options.Add(key);
        command.Validators.Add(result =>
        {
            if (result.GetValue(key) is not null && result.GetValue(certificate) is null) result.AddError("--key goes with --certificate");
            if (result.GetValue(tls) && result.GetValue(certificate) is not null) result.AddError("--tls makes a certificate for the run; --certificate gives one: choose one");
        });
        command.SetAction((parse, cancel) => ExecuteAsync(flags.ToConfiguration(parse), flags.ConfigFile(parse), IPAddress.Parse(parse.GetValue(host)!),
            parse.GetValue(port), parse.GetValue(duration), parse.GetValue(agents), (parse.GetValue(tls), parse.GetValue(certificate), parse.GetValue(key)), cancel));
        return command;
    }

    private static async Task<int> ExecuteAsync(Dictionary<string, string?> commandLine, string? configFile, IPAddress address, int port, TimeSpan? duration,
        int agents, (bool Generate, string? File, string? Key) tls, CancellationToken interrupt)
    {
        if (Selection.Load(commandLine, configFile, allRoles: true) is not var (settings, selected)) return ExitCodes.Usage;
        X509Certificate2? certificate = null;
        string? trustFile = null;
        try
        {
            if (tls.File is { } file) certificate = ServerCertificate.Load(file, tls.Key);
        }
        catch (CertificateFileException e)
        {
            Console.Error.WriteLine($"conformance: {e.Message}");
            return ExitCodes.Usage;
        }
        if (tls.Generate)
        {
            certificate = ServerCertificate.SelfSigned([address]);
            Directory.CreateDirectory(settings.Out);
            trustFile = Path.Combine(settings.Out, "clients-certificate.pem");
            File.WriteAllText(trustFile, ServerCertificate.Pem(certificate));
        }
        var cases = ClientCases.Select(selected);
        if (cases.Count == 0)
            return ExitCodes.Fail($"none of the {selected.Count} selected case(s) is played against clients (e.g. {selected[0].Id}: {ClientCases.LeftOut(selected[0])})");
        if (RunCommand.Prepare(settings) is not var (expectations, requirements)) return ExitCodes.Usage;

        using var output = new RunOutput(settings.Out) { Requirements = requirements };
        var options = new RunOptions
        {
            Session = settings.SessionFor(new Uri($"ws://{new IPEndPoint(address, port)}/")) with { ServerCertificate = certificate },
            CaseTimeout = settings.CaseTimeout,
        };
        FuzzingServer? server = null;
        var startedAt = DateTimeOffset.UtcNow;
        IReadOnlyList<RunResults> Runs() => server!.Results().Select(a => new RunResults
        {
            ToolVersion = RunPipeline.ToolVersion,
            Target = $"{server.Url} (client agent {a.Agent})",
            Agent = a.Agent,
            StartedAt = a.StartedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            CasesSelected = cases.Count,
            Cases = a.Cases,
        }).ToList();
        try
        {
            server = FuzzingServer.Start(address, port, cases, options, () =>
            {
                output.Write(Runs(), RunPipeline.Compare(Runs(), expectations));
                return Task.CompletedTask;
            }, (agent, result) => Console.Error.WriteLine($"conformance: {agent} {result.Id,-8} {result.Verdicts}"));
        }
        catch (SocketException e)
        {
            return ExitCodes.Fail($"cannot listen on {new IPEndPoint(address, port)}: {e.Message}");
        }
        await using (server)
        {
            Console.Error.WriteLine($"conformance: serving {cases.Count} case(s) to clients on {server.Url} (Autobahn's fuzzingserver protocol); " +
                                    $"{(duration is { } d ? $"for at most {d.TotalSeconds:0.#} s, or " : "")}until {(agents == 1 ? "a client asks" : $"{agents} client agents ask")} for /updateReports");
            if (trustFile is not null)
                Console.Error.WriteLine($"conformance: the self-signed certificate made for this run, for the clients to trust: {trustFile}");
            if (selected.Count > cases.Count)
                Console.Error.WriteLine($"conformance: {selected.Count - cases.Count} selected case(s) are not played against clients (category 0, cases with an opening request of their own, raw octets without asServer)");
            var ends = new List<Task> { server.ReportsUpdatedByAsync(agents, interrupt), Task.Delay(Timeout.Infinite, interrupt) };
            if (duration is { } limit) ends.Add(Task.Delay(limit, interrupt));
            await Task.WhenAny(ends);
        }
        var runs = Runs();
        if (runs.Count == 0)
        {
            output.Write([]);
            return ExitCodes.Fail("no client ran a case", interrupt.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Unreachable);
        }
        var code = RunCommand.Conclude(runs, cases, expectations, settings, output, runs.Count);
        return interrupt.IsCancellationRequested ? ExitCodes.Interrupted : code;
    }
}
