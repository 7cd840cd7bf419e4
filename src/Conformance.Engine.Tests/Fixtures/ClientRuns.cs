using System.Net;
using System.Text.Json.Nodes;
using Conformance.Engine.Clients;

namespace Conformance.Engine.Tests;

/// <summary>The suite serving cases to a client (<see cref="FuzzingServer"/>), its reports written by the project's writers.</summary>
internal static class ClientRuns
{
    /// <summary>Every case of the catalogue that is played against clients, in its order.</summary>
    public static IReadOnlyList<CaseDefinition> All => ClientCases.Select(CatalogueRuns.Catalogue.All);

    /// <summary>
    /// Every case played against clients but the compression series that move more than a mebibyte each way
    /// (categories 12 and 13 with messages of 4 KiB and more), which take minutes against a client in Python; the
    /// smaller ones of every group, each sample and each offer, stay. The whole of 12 and 13 is run by hand.
    /// </summary>
    public static IReadOnlyList<CaseDefinition> Light => All.Where(c => c.RoundTripOctets <= 1024 * 1024).ToList();

    /// <summary>The cases of the categories that are played against clients, in the catalogue's order.</summary>
    public static IReadOnlyList<CaseDefinition> Categories(params string[] categories) =>
        ClientCases.Select(CatalogueRuns.Catalogue.All.Where(c => categories.Contains(c.Category)));

    /// <summary>Serves the cases until the client (given the suite's URL) has asked for the reports; the results by agent and index.json.</summary>
    /// <param name="certificate">Serves wss:// with it; null: ws://.</param>
    public static async Task<(IReadOnlyDictionary<string, IReadOnlyList<CaseResult>> Results, JsonObject Index)> ServeAsync(
        IReadOnlyList<CaseDefinition> cases, Func<Uri, Task> client, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "conformance-clients-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var writer = new ResultsWriter(folder);
            FuzzingServer? server = null;
            var options = new RunOptions { Session = new SessionOptions { Target = new Uri("ws://127.0.0.1/"), ServerCertificate = certificate } };
            server = FuzzingServer.Start(IPAddress.Loopback, 0, cases, options, () =>
            {
                writer.WriteAll(Document(server!));
                return Task.CompletedTask;
            });
            IReadOnlyDictionary<string, IReadOnlyList<CaseResult>> results;
            await using (server)
            {
                await client(server.Url);
                await server.ReportsUpdated.WaitAsync(TimeSpan.FromSeconds(30));
                results = server.Results().ToDictionary(a => a.Agent, a => a.Cases);
            }
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "index.json")))!.AsObject();
            return (results, index);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static ResultsDocument Document(FuzzingServer server) => new()
    {
        ToolVersion = "test",
        GeneratedAt = DateTimeOffset.UtcNow,
        Runs = server.Results().Select(a => new RunResults
        {
            ToolVersion = "test", Target = server.Url.ToString(), Agent = a.Agent, StartedAt = a.StartedAt, CasesSelected = a.Cases.Count, Cases = a.Cases,
        }).ToList(),
    };
}
