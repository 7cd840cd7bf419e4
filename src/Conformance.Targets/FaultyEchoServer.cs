using System.Net;
using System.Net.Sockets;

namespace Conformance.Targets;

/// <summary>
/// A WebSocket echo server written on a raw socket with the suite's own Protocol room, correct by default and
/// deterministic (it echoes a message before it reads the next frame), that commits one <see cref="ServerFault"/>
/// when asked: the target that proves the suite catches each violation it claims to test. Started with deflate, it
/// speaks permessage-deflate (RFC 7692) as a conforming server does. Started slow, it serves every connection on one
/// thread at a time and spends processor time on each octet, as a single-threaded interpreted server does: the target
/// that proves a verdict does not depend on how many cases run at once. Started stalling, it pauses before its first
/// few echoes, as a server does once while it collects garbage or the machine is busy, and answers everything else at
/// once: the target that proves one stall does not decide a verdict.
/// </summary>
public sealed class FaultyEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    /// <summary>Slow: the one scheduler every connection runs on, and the octets a second it reads and writes.</summary>
    private readonly (TaskScheduler OneAtATime, long OctetsPerSecond)? _slow;
    private readonly EchoStall? _stall;

    private FaultyEchoServer(ServerFault? fault, bool deflate, long? octetsPerSecond, EchoStall? stall = null)
    {
        _stall = stall;
        Fault = fault;
        Deflate = deflate;
        if (octetsPerSecond is { } pace) _slow = (new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler, pace);
        _listener.Start(512);
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url { get; }

    /// <summary>The fault the server commits, or null for a conforming server.</summary>
    public ServerFault? Fault { get; }

    /// <summary>Whether the server accepts permessage-deflate offers.</summary>
    public bool Deflate { get; }

    public static FaultyEchoServer Start(ServerFault? fault = null, bool deflate = false) => new(fault, deflate, null);

    /// <summary>A server that handles one connection at a time, at the given octets a second each way (default 30 MB/s).</summary>
    public static FaultyEchoServer StartSlow(long octetsPerSecond = 30_000_000, ServerFault? fault = null) => new(fault, false, octetsPerSecond);

    /// <summary>A conforming server whose first <paramref name="echoes"/> echoes each wait <paramref name="pause"/> first.</summary>
    public static FaultyEchoServer StartStalling(TimeSpan pause, int echoes) => new(null, false, null, new EchoStall(pause, echoes));

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = _slow is { } slow
                ? Task.Factory.StartNew(() => ServeAsync(socket), CancellationToken.None, TaskCreationOptions.DenyChildAttach, slow.OneAtATime).Unwrap()
                : Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        using (socket)
        await using (Stream stream = _slow is { } slow ? new PacedStream(new NetworkStream(socket, ownsSocket: false), slow.OctetsPerSecond)
                         : new NetworkStream(socket, ownsSocket: false))
        {
            try
            {
                var upgraded = await FaultyEchoHandshake.AnswerAsync(stream, Fault, Deflate, _listener.Stop, _stop.Token);
                if (upgraded is null) return;
                await new FaultyEchoConnection(socket, stream, Fault, upgraded, _stall).RunAsync(_stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
