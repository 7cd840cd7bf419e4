using System.Net;
using System.Net.Sockets;

namespace Conformance.Engine.Tests;

/// <summary>A TCP server on a free loopback port that hands every connection to a handler, until disposed.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="serve">Serves one connection; I/O errors and the server's stopping end it quietly.</param>
    public LoopbackServer(Func<NetworkStream, CancellationToken, Task> serve)
    {
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try { await serve(client.GetStream(), _stop.Token); }
                        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
                    }
                });
            }
        });
    }

    public Uri Url { get; }

    /// <summary>Stops accepting connections, as a crashed server would.</summary>
    public void StopListening() => _listener.Stop();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
