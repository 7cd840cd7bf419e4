using System.Net.Security;
using System.Net.Sockets;
using Conformance.Engine.Wire;

namespace Conformance.Engine.Sessions;

/// <summary>A TCP (or TLS over TCP) connection to the target, or from a client, that writes every octet into the transcript.</summary>
internal sealed class WireConnection : ISessionWire
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly Transcript _transcript;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _closed;

    private WireConnection(TcpClient client, Stream stream, Transcript transcript)
    {
        _client = client;
        _stream = stream;
        _transcript = transcript;
    }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Connects, or returns null after recording why it could not.</summary>
    public static async Task<WireConnection?> OpenAsync(SessionOptions options, Transcript transcript, CancellationToken cancel)
    {
        var target = options.Target;
        var client = new TcpClient { NoDelay = true };
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        connectTimeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await client.ConnectAsync(target.Host, target.Port, connectTimeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
            var why = e is SocketException se ? Describe(se) : cancel.IsCancellationRequested
                ? "the case was cancelled" : $"no answer within {options.ConnectTimeout.TotalSeconds:0.#} s";
            if (e is OperationCanceledException && !cancel.IsCancellationRequested)
                transcript.Add(WireEntryKind.TimerFired, text: $"timer: {options.ConnectTimeout.TotalSeconds:0.#} s passed without a TCP connection");
            transcript.Add(WireEntryKind.Error, text: $"could not connect to {target.Host}:{target.Port}: {why}");
            return null;
        }
        transcript.Note($"connected to {client.Client.RemoteEndPoint}");
        Stream stream = client.GetStream();
        if (target.Scheme == "wss")
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = target.Host,
                    RemoteCertificateValidationCallback = options.AcceptUntrustedCertificate ? (_, _, _, _) => true : null,
                }, connectTimeout.Token);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                client.Dispose();
                var hint = e is System.Security.Authentication.AuthenticationException ? " (--insecure accepts an untrusted certificate)" : "";
                transcript.Add(WireEntryKind.Error, text: $"TLS handshake with {target.Host}:{target.Port} failed: {e.Message}{hint}");
                return null;
            }
            transcript.Note($"TLS {tls.SslProtocol} established");
            stream = tls;
        }
        return new WireConnection(client, stream, transcript);
    }

    /// <summary>
    /// A connection a client opened to the suite, playing the server; over TLS when the options give a server
    /// certificate (null, with the connection closed and why recorded, when the TLS handshake fails).
    /// </summary>
    public static async Task<WireConnection?> AcceptedAsync(TcpClient client, SessionOptions options, Transcript transcript, CancellationToken cancel)
    {
        client.NoDelay = true;
        transcript.Note($"a client connected from {client.Client.RemoteEndPoint}");
        if (options.ServerCertificate is not { } certificate) return new WireConnection(client, client.GetStream(), transcript);
        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.OpenHandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            transcript.Add(WireEntryKind.Error, text: $"TLS handshake with the client failed: {(e is OperationCanceledException ? "it did not complete in time" : e.Message)}");
            await tls.DisposeAsync();
            client.Dispose();
            return null;
        }
        transcript.Note($"TLS {tls.SslProtocol} established");
        return new WireConnection(client, tls, transcript);
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "timed out",
        _ => e.Message,
    };

    /// <summary>
    /// Writes the octets (in pieces of chop octets, each its own write), each piece recorded with the label that says
    /// what it is (a step, a pong, a close); false when the connection is gone (noted, when none of it went out).
    /// </summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, int? chop, CancellationToken cancel, string label)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            var size = chop ?? Math.Max(bytes.Length, 1);
            for (var at = 0; at < bytes.Length || (at == 0 && bytes.Length == 0); at += size)
            {
                if (IsClosed)
                {
                    if (at == 0) _transcript.Note($"{label} not sent (the connection is closed)");
                    return false;
                }
                var piece = bytes.Slice(at, Math.Min(size, bytes.Length - at));
                _transcript.Sent(piece.Span, label);
                await _stream.WriteAsync(piece, cancel);
                await _stream.FlushAsync(cancel);
                if (bytes.Length == 0) break;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _transcript.Note($"write failed: {e.Message}");
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reads into buffer; 0 means the server closed the connection (or it broke, which is recorded).</summary>
    public async Task<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel)
    {
        try
        {
            var n = await _stream.ReadAsync(buffer, cancel);
            if (n > 0) _transcript.Received(buffer.Span[..n]);
            else if (!IsClosed) _transcript.Add(WireEntryKind.PeerClosed, text: "the server closed the TCP connection");
            return n;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            if (!IsClosed) _transcript.Add(WireEntryKind.PeerClosed, text: $"the connection broke: {e.InnerException?.Message ?? e.Message}");
            return 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>Closes the TCP connection from our side, recording why.</summary>
    public void Drop(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _transcript.Add(WireEntryKind.ClosedBySuite, text: reason);
        try { _client.Client.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _client.Dispose();
    }

    public void MarkClosedByPeer() => Interlocked.Exchange(ref _closed, 1);

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        _client.Dispose();
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
