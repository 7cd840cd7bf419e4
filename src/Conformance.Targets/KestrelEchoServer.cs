using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conformance.Targets;

/// <summary>
/// The embedded default target: ASP.NET Core's own WebSocket server (Kestrel) echoing every message back with
/// its type, on a free loopback port, with permessage-deflate accepted when offered. With tls, it serves wss:// with a fresh self-signed certificate.
/// With http2 and without tls, it speaks HTTP/2 only, with prior knowledge (h2c), where WebSockets open with extended CONNECT (RFC 8441).
/// </summary>
public sealed class KestrelEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelEchoServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>What this server is known to get where it does not get OK, shipped beside the program (expectations/).</summary>
    public static string Expectations { get; } = ExpectationsFor(http2: false);

    /// <summary>The same for the server over HTTP/1.1 or over HTTP/2 (h2c).</summary>
    public static string ExpectationsFor(bool http2) =>
        Path.Combine(AppContext.BaseDirectory, "expectations", http2 ? "kestrel-embedded-http2.json" : "kestrel-embedded.json");

    public static async Task<KestrelEchoServer> StartAsync(bool tls = false, CancellationToken cancel = default, bool http2 = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (tls) listen.UseHttps(SelfSignedCertificate());
                else if (http2) listen.Protocols = HttpProtocols.Http2;
            });
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(EchoAsync);
        await app.StartAsync(cancel);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new KestrelEchoServer(app, new Uri($"{(tls ? "wss" : "ws")}://127.0.0.1:{port}/"));
    }

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is a WebSocket echo server.\n");
            return;
        }
        // permessage-deflate when the client offers it, as an application serving browsers would enable it.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = true });
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    var code = socket.CloseStatus is { } status && status != WebSocketCloseStatus.Empty ? status : WebSocketCloseStatus.Empty;
                    await socket.CloseOutputAsync(code, null, context.RequestAborted);
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The WebSocket has already sent its close frame (1002, 1007) where the RFC wants one. Returning lets
            // Kestrel flush what is queued and close TCP; aborting would reset the connection and could discard
            // an echo that is still on its way.
        }
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
