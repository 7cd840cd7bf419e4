using System.Net;
using System.Net.WebSockets;
using System.Text;
using Conformance.Engine.Clients;

namespace Conformance.Engine.Tests;

/// <summary>Autobahn's fuzzingserver URL protocol, answer by answer, as a client driver reads it.</summary>
public class FuzzingServerProtocolTests
{
    [Test]
    public async Task getCaseStatus_answers_a_case_not_played_yet_once_the_agent_has_played_it_as_Autobahn_does()
    {
        var cases = ClientRuns.Categories("1").Take(2).ToList();
        var options = new RunOptions { Session = new SessionOptions { Target = new Uri("ws://127.0.0.1/") } };
        await using var server = FuzzingServer.Start(IPAddress.Loopback, 0, cases, options, () => Task.CompletedTask);

        var status = FirstMessageAsync(new Uri(server.Url, "getCaseStatus?case=1&agent=raw"));
        await Task.Delay(300);
        Assert.That(status.IsCompleted, Is.False, "no status before the case was played");
        await ClientDrivers.RawAsync(server.Url, "raw", ClientFault.None, count: 1);
        Assert.That(await status.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("""{"behavior":"OK"}"""));

        await ClientDrivers.RawAsync(server.Url, "unmasked", ClientFault.DoesNotMask, count: 1);
        Assert.That(await FirstMessageAsync(new Uri(server.Url, "getCaseStatus?case=1&agent=unmasked")), Is.EqualTo("""{"behavior":"FAILED"}"""));
        Assert.That(await FirstMessageAsync(new Uri(server.Url, "getCaseCount")), Is.EqualTo("2"));
        Assert.That(await FirstMessageAsync(new Uri(server.Url, "getCaseInfo?case=2")), Does.StartWith($$"""{"id":"{{cases[1].Id}}","description":"""));
    }

    private static async Task<string> FirstMessageAsync(Uri url)
    {
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(url, timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
