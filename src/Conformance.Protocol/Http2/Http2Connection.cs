using System.Net.Security;
using System.Net.Sockets;

namespace Conformance.Protocol.Http2;

/// <summary>
/// The client side of one HTTP/2 connection (RFC 9113) over any duplex transport: the preface and SETTINGS
/// exchange, streams opened with any header list (extended CONNECT of RFC 8441 among them), flow control on
/// both levels, PING acknowledgement, GOAWAY and RST_STREAM. Frames from the server are read by one loop;
/// what breaks the RFC ends the connection with GOAWAY and is kept in <see cref="Error"/>.
/// </summary>
public sealed partial class Http2Connection : IAsyncDisposable
{
    /// <summary>The window this side grants each stream and the connection; WINDOW_UPDATE refills it as data is read.</summary>
    public const int ReceiveWindow = 1 << 20;

    /// <summary>The largest header block (HEADERS and its CONTINUATION frames) this side assembles.</summary>
    public const int MaxHeaderBlockLength = 256 * 1024;

    private readonly Stream _transport;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _state = new();
    private readonly Dictionary<uint, Http2Stream> _streams = [];
    private readonly TaskCompletionSource<IReadOnlyDictionary<Http2SettingId, uint>> _firstSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _windowOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<Http2SettingId, uint> _peerSettings = [];
    private Task _reading = Task.CompletedTask;
    private uint _nextStreamId = 1;
    private long _sendWindow = Http2Limits.DefaultWindowSize;
    private long _receiveWindow = Http2Limits.DefaultWindowSize;
    private long _receiveCredit;

    private readonly TaskCompletionSource _settingsAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Http2WireObserver? _wire;
    private readonly Http2FrameObserver? _frames;

    private Http2Connection(Stream transport, Http2WireObserver? wire, Http2FrameObserver? frames, int headerTableSize)
    {
        _transport = transport;
        _wire = wire;
        _frames = frames;
        _hpack = new HpackDecoder(headerTableSize);
    }

    /// <summary>Why the connection ended, when the server broke a rule or the transport failed; null while it is up or after a clean end.</summary>
    public Http2Error? Error { get; private set; }

    /// <summary>The server's GOAWAY, once it has sent one.</summary>
    public GoAwayContent? GoAway { get; private set; }

    /// <summary>Completes when the server's first SETTINGS frame has arrived, with what it said.</summary>
    public Task<IReadOnlyDictionary<Http2SettingId, uint>> FirstSettings => _firstSettings.Task;

    /// <summary>The settings the server has sent so far, the latest value of each.</summary>
    public IReadOnlyDictionary<Http2SettingId, uint> PeerSettings
    {
        get { lock (_state) return new Dictionary<Http2SettingId, uint>(_peerSettings); }
    }

    /// <summary>Completes when the server has acknowledged this side's SETTINGS (RFC 9113 6.5.3): from then on it keeps to them.</summary>
    public Task SettingsAcknowledged => _settingsAcknowledged.Task;

    /// <summary>The connection has ended or is ending (GOAWAY, an error, or the transport closed): no new stream opens on it.</summary>
    public bool IsEnding => GoAway is not null || Error is not null || _closing.IsCancellationRequested;

    /// <summary>Ends when the read loop ends: the server closed the connection, or a rule was broken, or it was disposed.</summary>
    public Task Reading => _reading;

    private int PeerMaxFrameSize => (int)PeerSetting(Http2SettingId.MaxFrameSize, (uint)Http2Limits.DefaultMaxFrameSize);

    internal int PeerInitialWindowSize => (int)PeerSetting(Http2SettingId.InitialWindowSize, (uint)Http2Limits.DefaultWindowSize);

    private uint PeerSetting(Http2SettingId id, uint initial)
    {
        lock (_state) return _peerSettings.GetValueOrDefault(id, initial);
    }

    /// <summary>Connects over TCP with prior knowledge (h2c, RFC 9113 3.3).</summary>
    public static async Task<Http2Connection> ConnectAsync(string host, int port, CancellationToken cancel, Http2WireObserver? wire = null,
        Http2FrameObserver? frames = null, int headerTableSize = HpackDecoder.DefaultHeaderTableSize)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancel);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return await StartAsync(client.GetStream(), cancel, wire: wire, frames: frames, headerTableSize: headerTableSize);
    }

    /// <summary>
    /// Connects over TLS, offering only h2 in ALPN (RFC 9113 3.2); a server that chooses no protocol or another
    /// one is refused before any HTTP/2 octet is sent. With insecure, any certificate is accepted.
    /// </summary>
    public static async Task<Http2Connection> ConnectTlsAsync(string host, int port, bool insecure, CancellationToken cancel, Http2WireObserver? wire = null,
        Http2FrameObserver? frames = null, int headerTableSize = HpackDecoder.DefaultHeaderTableSize)
    {
        var client = new TcpClient { NoDelay = true };
        SslStream? tls = null;
        try
        {
            await client.ConnectAsync(host, port, cancel);
            tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = insecure ? (_, _, _, _) => true : null,
            }, cancel);
            if (tls.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                throw new Http2ConnectException($"RFC 9113 3.2: the server chose {(tls.NegotiatedApplicationProtocol.Protocol.IsEmpty ? "no protocol" : $"'{tls.NegotiatedApplicationProtocol}'")} in ALPN, not h2");
        }
        catch
        {
            if (tls is not null) await tls.DisposeAsync();
            client.Dispose();
            throw;
        }
        return await StartAsync(tls, cancel, "https", wire, frames, headerTableSize);
    }

    /// <summary>The :scheme of this connection's requests: http over TCP, https over TLS.</summary>
    public string Scheme { get; private init; } = "http";

    /// <summary>
    /// Sends the client preface and this side's SETTINGS on a transport already set up (TCP, or TLS with ALPN h2),
    /// and starts reading. The wire observer, when given, sees every octet in both directions as it is written or
    /// read, before anything is made of it; the frame observer sees each whole frame, on the stream's own observer
    /// where the stream has one (<see cref="OpenStreamAsync"/>). A header table size below HPACK's 4,096 is announced
    /// in SETTINGS_HEADER_TABLE_SIZE; at 0, once the server has acknowledged it, every header block the server sends
    /// can be decoded on its own (RFC 7541 4.2).
    /// </summary>
    public static async Task<Http2Connection> StartAsync(Stream transport, CancellationToken cancel, string scheme = "http", Http2WireObserver? wire = null,
        Http2FrameObserver? frames = null, int headerTableSize = HpackDecoder.DefaultHeaderTableSize)
    {
        var connection = new Http2Connection(transport, wire, frames, headerTableSize) { Scheme = scheme };
        List<(Http2SettingId, uint)> ours =
        [
            (Http2SettingId.EnablePush, 0u),
            (Http2SettingId.InitialWindowSize, (uint)ReceiveWindow),
            (Http2SettingId.MaxHeaderListSize, (uint)connection._hpack.MaxHeaderListSize),
        ];
        if (headerTableSize != HpackDecoder.DefaultHeaderTableSize) ours.Insert(0, (Http2SettingId.HeaderTableSize, (uint)headerTableSize));
        var settings = Http2FrameEncoder.Settings([.. ours]);
        var windowUpdate = Http2FrameEncoder.WindowUpdate(0, ReceiveWindow - Http2Limits.DefaultWindowSize);
        connection._receiveWindow = ReceiveWindow;
        await connection.SendRawAsync([.. Http2Limits.ClientPreface, .. settings.Encode(), .. windowUpdate.Encode()], cancel);
        connection._reading = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Waits for the server's SETTINGS and requires SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 3).</summary>
    public async Task<bool> ServerAllowsExtendedConnectAsync(CancellationToken cancel)
    {
        var settings = await FirstSettings.WaitAsync(cancel);
        return settings.GetValueOrDefault(Http2SettingId.EnableConnectProtocol, 0u) == 1;
    }

    /// <summary>
    /// Opens a WebSocket with extended CONNECT (RFC 8441 4, 5) once the server has allowed it, and waits for the
    /// response's header block. The stream carries the WebSocket octets whatever the status was.
    /// </summary>
    public async Task<Http2Stream> OpenWebSocketAsync(string authority, string path, IEnumerable<HeaderField>? extraFields, CancellationToken cancel)
    {
        if (!await ServerAllowsExtendedConnectAsync(cancel))
            throw new Http2ConnectException("RFC 8441 3: the server did not send SETTINGS_ENABLE_CONNECT_PROTOCOL = 1");
        HeaderField[] fields =
        [
            new(":method", "CONNECT"), new(":protocol", "websocket"), new(":scheme", Scheme), new(":path", path),
            new(":authority", authority), new("sec-websocket-version", "13"), .. extraFields ?? [],
        ];
        var stream = await OpenStreamAsync(HpackBlockBuilder.Encode(fields), endStream: false, cancel);
        await stream.Response.WaitAsync(cancel);
        return stream;
    }

    /// <summary>
    /// Opens the next stream with a header block as it is (HEADERS, then CONTINUATION frames where the block is
    /// longer than the server's SETTINGS_MAX_FRAME_SIZE).
    /// </summary>
    /// <param name="observer">sees every frame of the stream, from its HEADERS on, instead of the connection's frame observer</param>
    public async Task<Http2Stream> OpenStreamAsync(byte[] headerBlock, bool endStream, CancellationToken cancel, Http2WireObserver? observer = null)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            if (GoAway is not null || Error is not null || _closing.IsCancellationRequested)
                throw new Http2ConnectException($"no new stream: the connection is ending ({Error?.ToString() ?? (GoAway is { } g ? $"GOAWAY {g.Code}" : "closed")})");
            var id = _nextStreamId;
            _nextStreamId += 2;
            var stream = new Http2Stream(this, id, PeerInitialWindowSize, ReceiveWindow) { Frames = observer };
            lock (_state) _streams[id] = stream;
            int maxFrame = PeerMaxFrameSize;
            var first = headerBlock.AsSpan(0, Math.Min(maxFrame, headerBlock.Length));
            var frames = new List<byte>(Http2FrameEncoder.Headers(id, first, endStream, endHeaders: first.Length == headerBlock.Length).Encode());
            for (int at = first.Length; at < headerBlock.Length; at += maxFrame)
            {
                var piece = headerBlock.AsSpan(at, Math.Min(maxFrame, headerBlock.Length - at));
                frames.AddRange(Http2FrameEncoder.Continuation(id, piece, endHeaders: at + piece.Length == headerBlock.Length).Encode());
            }
            await WriteLockedAsync([.. frames], cancel);
            if (endStream) stream.SentEndStream();
            return stream;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task SendAsync(Http2Frame frame, CancellationToken cancel) => SendRawAsync(frame.Encode(), cancel);

    /// <summary>Writes octets as they are, between whole frames of this side.</summary>
    public async Task SendRawAsync(byte[] octets, CancellationToken cancel)
    {
        await _writeLock.WaitAsync(cancel);
        try
        {
            await WriteLockedAsync(octets, cancel);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Lets go of a stream this side no longer reads: its frames go to the connection's frame observer from now on,
    /// and DATA still arriving on it is given back to the connection's window at once.
    /// </summary>
    public void Forget(Http2Stream stream)
    {
        lock (_state) _streams.Remove(stream.Id);
        stream.Frames = null;
    }

    private async Task WriteLockedAsync(byte[] octets, CancellationToken cancel)
    {
        _wire?.Invoke(Http2Direction.Sent, octets);
        if (_frames is not null) ObserveWritten(octets);
        await _transport.WriteAsync(octets, cancel);
        await _transport.FlushAsync(cancel);
    }

    /// <summary>
    /// Sends data in DATA frames no longer than the server's SETTINGS_MAX_FRAME_SIZE, each within both of the
    /// server's flow-control windows, waiting for WINDOW_UPDATE where a window is closed (RFC 9113 6.9).
    /// </summary>
    internal async Task SendDataAsync(Http2Stream stream, ReadOnlyMemory<byte> data, bool endStream, CancellationToken cancel)
    {
        do
        {
            int length;
            Task windowOpened;
            lock (_state)
            {
                stream.ThrowIfWritingEnded();
                if (Error is { } error) throw new IOException($"the HTTP/2 connection ended: {error}");
                // A window can be negative after the server lowered SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 6.9.2).
                long open = Math.Max(0, Math.Min(_sendWindow, stream.SendWindow));
                length = (int)Math.Min(Math.Min(data.Length, PeerMaxFrameSize), open);
                windowOpened = _windowOpened.Task;
                _sendWindow -= length;
                stream.SendWindow -= length;
            }
            if (length == 0 && data.Length > 0)
            {
                await windowOpened.WaitAsync(cancel);
                continue;
            }
            bool last = endStream && length == data.Length;
            await SendAsync(Http2FrameEncoder.Data(stream.Id, data.Span[..length], last), cancel);
            if (last) stream.SentEndStream();
            data = data[length..];
        } while (data.Length > 0);
    }

    /// <summary>
    /// Gives back window for data the application has read: WINDOW_UPDATE for the stream and the connection once
    /// half a window has been read, so a peer respecting the windows never waits long and never overruns them.
    /// </summary>
    internal async Task DataConsumedAsync(Http2Stream stream, int length, CancellationToken cancel)
    {
        uint connectionIncrement = 0, streamIncrement = 0;
        lock (_state)
        {
            _receiveCredit += length;
            if (_receiveCredit >= ReceiveWindow / 2)
            {
                connectionIncrement = (uint)_receiveCredit;
                _receiveWindow += _receiveCredit;
                _receiveCredit = 0;
            }
            streamIncrement = stream.TakeReceiveCredit(length, ReceiveWindow / 2);
        }
        var frames = new List<byte>();
        if (connectionIncrement > 0) frames.AddRange(Http2FrameEncoder.WindowUpdate(0, connectionIncrement).Encode());
        if (streamIncrement > 0) frames.AddRange(Http2FrameEncoder.WindowUpdate(stream.Id, streamIncrement).Encode());
        if (frames.Count == 0 || Error is not null || _closing.IsCancellationRequested) return;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, _closing.Token);
        await SendRawAsync([.. frames], either.Token);
    }

    /// <summary>Sends GOAWAY (NO_ERROR) where the connection is still up, then closes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_closing.IsCancellationRequested && Error is null)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await SendAsync(Http2FrameEncoder.GoAway(0, Http2ErrorCode.NoError), deadline.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        }
        _closing.Cancel();
        await _transport.DisposeAsync();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

public enum Http2Direction
{
    Sent,
    Received,
}

/// <summary>Sees the octets of a connection in the order they were written or read; the span is valid during the call only.</summary>
public delegate void Http2WireObserver(Http2Direction direction, ReadOnlySpan<byte> octets);

/// <summary>Sees one whole frame of a connection, with the stream it is on (0: the connection's own); the span is valid during the call only.</summary>
public delegate void Http2FrameObserver(Http2Direction direction, uint streamId, ReadOnlySpan<byte> frame);

/// <summary>A WebSocket or stream could not be opened on the connection, and why.</summary>
public sealed class Http2ConnectException(string message) : IOException(message);
