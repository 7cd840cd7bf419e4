using System.Net.Sockets;
using Conformance.Engine.Wire;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Sessions;

/// <summary>
/// A WebSocket's stream on an HTTP/2 connection of its own (RFC 8441), below the session as TCP is over HTTP/1.1:
/// every octet of the connection goes into the transcript as written or read (the HTTP/2 frames with the WebSocket
/// octets in their DATA), the WebSocket octets travel in DATA frames on the stream, and the connection's ends map
/// as RFC 8441 5 says: the suite dropping the connection resets the stream (RST_STREAM CANCEL), the server's
/// END_STREAM is the server closing cleanly and its RST_STREAM an abrupt close. On a connection other cases share
/// (<see cref="SharedHttp2Connections"/>) the transcript holds the stream's frames and the connection's own, and the
/// connection outlives the stream.
/// </summary>
internal sealed partial class Http2StreamWire : ISessionWire
{
    private readonly Http2Connection _connection;
    private readonly SharedHttp2Connections.Lease? _lease;
    private readonly Transcript _transcript;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Http2Stream? _stream;
    private volatile string? _dataLabel;
    private volatile string? _headersLabel;
    private Task _reset = Task.CompletedTask;
    private int _closed;

    private Http2StreamWire(Http2Connection connection, Transcript transcript, SharedHttp2Connections.Lease? lease = null)
    {
        _connection = connection;
        _transcript = transcript;
        _lease = lease;
    }

    /// <summary>A stream on one of the shared connections, or null after recording why none could be opened.</summary>
    public static async Task<Http2StreamWire?> OnSharedAsync(SharedHttp2Connections shared, Transcript transcript, CancellationToken cancel) =>
        await shared.LeaseAsync(transcript, cancel) is { } lease ? new Http2StreamWire(lease.Http2, transcript, lease) : null;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public string Scheme => _connection.Scheme;

    /// <summary>Connects (h2c for ws://, TLS with ALPN h2 for wss://) and sends the preface, or returns null after recording why it could not.</summary>
    public static async Task<Http2StreamWire?> OpenAsync(SessionOptions options, Transcript transcript, CancellationToken cancel)
    {
        var target = options.Target;
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        connectTimeout.CancelAfter(options.ConnectTimeout);
        Http2StreamWire? wire = null;
        void Observe(Http2Direction direction, ReadOnlySpan<byte> octets)
        {
            if (direction == Http2Direction.Received) transcript.Received(octets);
            else transcript.Sent(octets, wire?.Label(octets) ?? Label(octets, null, null));
        }
        try
        {
            var connection = target.Scheme == "wss"
                ? await Http2Connection.ConnectTlsAsync(target.Host, target.Port, options.AcceptUntrustedCertificate, connectTimeout.Token, Observe)
                : await Http2Connection.ConnectAsync(target.Host, target.Port, connectTimeout.Token, Observe);
            wire = new Http2StreamWire(connection, transcript);
            transcript.Note(target.Scheme == "wss"
                ? $"HTTP/2 over TLS (ALPN h2) with {target.Host}:{target.Port}"
                : $"HTTP/2 over TCP with prior knowledge (h2c) with {target.Host}:{target.Port}");
            return wire;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            if (e is OperationCanceledException && !cancel.IsCancellationRequested)
                transcript.Add(WireEntryKind.TimerFired, text: $"timer: {options.ConnectTimeout.TotalSeconds:0.#} s passed without an HTTP/2 connection");
            transcript.Add(WireEntryKind.Error, text: $"could not open an HTTP/2 connection to {target.Host}:{target.Port}: {WhyNoConnection(e, options, cancel)}");
            return null;
        }
    }

    /// <summary>Why connecting failed, in a user's words.</summary>
    public static string WhyNoConnection(Exception e, SessionOptions options, CancellationToken cancel) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException se => se.Message,
        OperationCanceledException when cancel.IsCancellationRequested => "the case was cancelled",
        OperationCanceledException => $"no answer within {options.ConnectTimeout.TotalSeconds:0.#} s",
        System.Security.Authentication.AuthenticationException => $"the TLS handshake failed: {e.Message} (--insecure accepts an untrusted certificate)",
        _ => e.Message,
    };

    /// <summary>The extended CONNECT for the target, with the settings' Origin, subprotocols and header fields, and the permessage-deflate offers given.</summary>
    public IReadOnlyList<HeaderField> Request(SessionOptions options, IReadOnlyList<string> deflateOffers)
    {
        var target = options.Target;
        var fields = new List<KeyValuePair<string, string>>();
        if (options.Origin is { } origin) fields.Add(new("origin", origin));
        if (options.Subprotocols.Count > 0) fields.Add(new("sec-websocket-protocol", string.Join(", ", options.Subprotocols)));
        if (deflateOffers.Count > 0) fields.Add(new("sec-websocket-extensions", string.Join(", ", deflateOffers)));
        fields.AddRange(options.Headers);
        return ExtendedConnect.Request(Scheme, target.IsDefaultPort ? target.IdnHost : $"{target.IdnHost}:{target.Port}", target.PathAndQuery, fields);
    }

    /// <summary>
    /// Waits for the server's SETTINGS to allow extended CONNECT (RFC 8441 3), opens the WebSocket's stream with
    /// the header list and waits for the answer's header block, all within the timeout; null (recorded) when the
    /// server did not allow it, did not answer in time, or refused the stream or the connection instead.
    /// </summary>
    public async Task<UpgradeAnswer?> OpenWebSocketAsync(IReadOnlyList<HeaderField> request, TimeSpan timeout, CancellationToken deadline)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        window.CancelAfter(timeout);
        try
        {
            var settings = await _connection.FirstSettings.WaitAsync(window.Token);
            if (settings.GetValueOrDefault(Http2SettingId.EnableConnectProtocol, 0u) != 1)
            {
                _transcript.Add(WireEntryKind.Error, text: "RFC 8441 3: the server's SETTINGS do not set SETTINGS_ENABLE_CONNECT_PROTOCOL to 1, " +
                                                           "and a client must not send extended CONNECT without it; the server does not serve WebSockets over HTTP/2");
                return null;
            }
            _headersLabel = "the opening request (extended CONNECT, RFC 8441 4)";
            _stream = await _connection.OpenStreamAsync(HpackBlockBuilder.Encode(request), endStream: false, window.Token,
                _lease is null ? null : ObserveStream);
            var answer = await _stream.Response.WaitAsync(window.Token);
            return new UpgradeAnswer(answer.Fields);
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            var seconds = timeout.TotalSeconds;
            _transcript.Add(WireEntryKind.TimerFired, text: $"timer: {seconds:0.#} s passed without an answer to the extended CONNECT");
            _transcript.Add(WireEntryKind.Error, text: $"no answer to the opening handshake within {seconds:0.#} s");
            return null;
        }
        catch (IOException e)
        {
            _transcript.Add(WireEntryKind.Error, text: Ending(e));
            if (_lease is not null && _stream?.ResetByServer is Http2ErrorCode.RefusedStream or Http2ErrorCode.EnhanceYourCalm)
                _transcript.Add(WireEntryKind.SharedConnectionTrouble,
                    $"the server refused the stream on the shared connection (RST_STREAM {Http2FrameRead.ErrorName(_stream.ResetByServer.Value)}), which RFC 9113 8.7 and 5.4.2 make a matter of the connection, not of the request");
            return null;
        }
    }

    /// <summary>On a shared connection: each frame of the stream into the transcript as it travelled.</summary>
    private void ObserveStream(Http2Direction direction, ReadOnlySpan<byte> frame)
    {
        if (direction == Http2Direction.Received) _transcript.Received(frame);
        else _transcript.Sent(frame, Label(frame));
    }

    /// <summary>The header list that answered the extended CONNECT.</summary>
    public sealed record UpgradeAnswer(IReadOnlyList<HeaderField> Fields);

    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, int? chop, CancellationToken cancel, string label)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            var size = chop ?? Math.Max(bytes.Length, 1);
            for (var at = 0; at < bytes.Length; at += size)
            {
                if (IsClosed || _stream is null)
                {
                    if (at == 0) _transcript.Note($"{label} not sent (the stream is closed)");
                    return false;
                }
                _dataLabel = label;
                await _stream.WriteAsync(bytes.Slice(at, Math.Min(size, bytes.Length - at)), cancel);
            }
            return true;
        }
        catch (IOException e)
        {
            _transcript.Note($"write failed: {e.Message}");
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel)
    {
        if (_stream is null) return 0;
        try
        {
            var n = await _stream.ReadAsync(buffer, cancel);
            if (n == 0 && !IsClosed) _transcript.Add(WireEntryKind.PeerClosed, text: "the server ended the stream (END_STREAM), as closing the TCP connection (RFC 8441 5)");
            return n;
        }
        catch (IOException e)
        {
            if (!IsClosed) _transcript.Add(WireEntryKind.PeerClosed, text: Ending(e));
            return 0;
        }
    }

    /// <summary>How the stream or the connection ended, in the server's terms.</summary>
    private string Ending(IOException e) =>
        _stream?.ResetByServer is { } code
            ? $"the server reset the stream: RST_STREAM {Http2FrameRead.ErrorName(code)} (RFC 8441 5: as a TCP reset)"
            : _connection.GoAway is { } goAway
                ? $"the server ended the HTTP/2 connection: GOAWAY {Http2FrameRead.ErrorName(goAway.Code)}"
                : _connection.Error is { } error
                    ? $"the HTTP/2 connection ended: {error}"
                    : $"the HTTP/2 connection ended: {e.Message}";

    /// <summary>The suite drops the WebSocket: RST_STREAM CANCEL on its stream (RFC 8441 5), the connection ended after it unless other cases share it.</summary>
    public void Drop(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _transcript.Add(WireEntryKind.ClosedBySuite, text: reason);
        if (_stream is not { } stream || stream.ResetByServer is not null || stream.EndReason is not null) return;
        _dataLabel = null;
        _reset = ResetAsync(stream);
    }

    private static async Task ResetAsync(Http2Stream stream)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await stream.ResetAsync(Http2ErrorCode.Cancel, limit.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    public void MarkClosedByPeer() => Interlocked.Exchange(ref _closed, 1);

    /// <summary>
    /// After the server's END_STREAM the suite ends its side too (the clean close of RFC 8441 5), then the connection
    /// ends with GOAWAY, or, shared, the stream is let go of and the connection goes on.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        await _reset;
        if (_stream is { ServerEnded: true, EndReason: null } stream)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            _dataLabel = "END_STREAM: the suite ends its side after the server's (RFC 8441 5)";
            try
            {
                await stream.EndAsync(limit.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        }
        if (_lease is not null) _lease.Release(_stream);
        else await _connection.DisposeAsync();
        _writeLock.Dispose();
    }

    private string Label(ReadOnlySpan<byte> octets) => Label(octets, _dataLabel, _headersLabel);

    /// <summary>What a write of frames is: the step's label for DATA, the request's for HEADERS, the frame types for the rest.</summary>
    private static string Label(ReadOnlySpan<byte> octets, string? dataLabel, string? headersLabel)
    {
        var names = new List<string>();
        if (octets.StartsWith(Http2Limits.ClientPreface))
        {
            names.Add("the HTTP/2 connection preface");
            octets = octets[Http2Limits.ClientPreface.Length..];
        }
        while (octets.Length >= Http2Limits.FrameHeaderLength)
        {
            var length = octets[0] << 16 | octets[1] << 8 | octets[2];
            var type = octets[3];
            var name = type switch
            {
                0x0 when dataLabel is not null => dataLabel,
                0x1 when headersLabel is not null => headersLabel,
                _ => Http2FrameRead.TypeName(type) + (type is 0x4 or 0x6 && (octets[4] & 1) != 0 ? " ACK" : ""),
            };
            if (names.Count == 0 || names[^1] != name) names.Add(name);
            octets = octets[Math.Min(octets.Length, Http2Limits.FrameHeaderLength + length)..];
        }
        return string.Join(", ", names);
    }
}
