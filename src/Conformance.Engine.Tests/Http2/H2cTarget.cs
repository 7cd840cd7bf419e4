namespace Conformance.Engine.Tests.Http2;

/// <summary>An echo server speaking HTTP/2 with prior knowledge: the embedded Kestrel with h2c, or hypercorn from start.sh.</summary>
internal sealed class H2cTarget : IAsyncDisposable
{
    private readonly KestrelEchoServer? _kestrel;
    private readonly ExternalServer? _external;

    private H2cTarget(KestrelEchoServer? kestrel, ExternalServer? external)
    {
        _kestrel = kestrel;
        _external = external;
        Port = (kestrel?.Url ?? external!.Url).Port;
    }

    public int Port { get; }

    /// <param name="name">kestrel, or a server start.sh knows that speaks h2c (hypercorn)</param>
    public static async Task<H2cTarget> StartAsync(string name) => name == "kestrel"
        ? new H2cTarget(await KestrelEchoServer.StartAsync(http2: true), null)
        : new H2cTarget(null, ExternalServer.Start(name));

    public async ValueTask DisposeAsync()
    {
        if (_kestrel is not null) await _kestrel.DisposeAsync();
        _external?.Dispose();
    }
}
