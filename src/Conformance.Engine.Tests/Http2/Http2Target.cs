using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// An echo server speaking HTTP/2: the embedded Kestrel with h2c (prior knowledge) or over TLS (ALPN h2), or
/// hypercorn from start.sh with h2c.
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

    /// <param name="name">kestrel, kestrel-tls, or a server start.sh knows that speaks h2c (hypercorn)</param>
    public static async Task<Http2Target> StartAsync(string name) => name switch
    {
        "kestrel" => new Http2Target(await KestrelEchoServer.StartAsync(http2: true), null, tls: false),
        "kestrel-tls" => new Http2Target(await KestrelEchoServer.StartAsync(tls: true), null, tls: true),
        _ => new Http2Target(null, ExternalServer.Start(name), tls: false),
    };

    public Task<Http2Connection> ConnectAsync(CancellationToken cancel) => _tls
        ? Http2Connection.ConnectTlsAsync("127.0.0.1", Port, insecure: true, cancel)
        : Http2Connection.ConnectAsync("127.0.0.1", Port, cancel);

    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null) await _kestrel.DisposeAsync();
        _external?.Dispose();
    }
}
