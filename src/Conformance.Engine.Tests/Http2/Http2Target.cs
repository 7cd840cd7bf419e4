using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// An echo server speaking HTTP/2, with h2c (prior knowledge) or over TLS (ALPN h2): the embedded Kestrel, or
/// hypercorn from start.sh.
/// </summary>
internal sealed class Http2Target : IAsyncDisposable
{
    private readonly KestrelEchoServer? _kestrel;
    private readonly ExternalServer? _external;
    private readonly bool _tls;

    private Http2Target(KestrelEchoServer? kestrel, ExternalServer? external, bool tls)
    {
        _kestrel = kestrel;
        _external = external;
        _tls = tls;
        Port = (kestrel?.Url ?? external!.Url).Port;
    }

    public int Port { get; }

    public string Authority => $"127.0.0.1:{Port}";

    /// <param name="name">kestrel, kestrel-tls, hypercorn or hypercorn-tls</param>
    public static async Task<Http2Target> StartAsync(string name)
    {
        bool tls = name.EndsWith("-tls", StringComparison.Ordinal);
        if (name.StartsWith("kestrel", StringComparison.Ordinal))
            return new Http2Target(await KestrelEchoServer.StartAsync(tls: tls, http2: !tls), null, tls);
        ExternalServer.RequireInstalled("hypercorn");
        return new Http2Target(null, ExternalServer.Start(name), tls);
    }

    public Task<Http2Connection> ConnectAsync(CancellationToken cancel) => _tls
        ? Http2Connection.ConnectTlsAsync("127.0.0.1", Port, insecure: true, cancel)
        : Http2Connection.ConnectAsync("127.0.0.1", Port, cancel);

    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null) await _kestrel.DisposeAsync();
        _external?.Dispose();
    }
}
