using Conformance.Engine.Wire;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Sessions;

/// <summary>
/// HTTP/2 connections whose streams many cases' WebSockets share, at most so many at once on one connection (RFC 8441
/// lets a connection carry any number of WebSockets). Each case's transcript is the view of its stream: the frames of
/// the stream and the connection's own (stream 0) while the stream is open, each as it travelled. On these connections
/// the suite announces SETTINGS_HEADER_TABLE_SIZE 0 and opens streams only once the server has acknowledged it, so
/// that the server's header blocks are read stream by stream, without the rest of the connection (RFC 7541 4.2).
/// A new connection is opened when the last one is ending, full (the suite's limit, or the server's
/// SETTINGS_MAX_CONCURRENT_STREAMS), or has carried as many streams in its life as the server allows at once (100 when
/// it sets no limit): a server may count the streams it closed lately against the connection too (Kestrel refuses
/// streams with ENHANCE_YOUR_CALM past twice its limit, a defence against rapid reset). When a connection ends while streams are open on it, their transcripts say so
/// (<see cref="WireEntryKind.SharedConnectionTrouble"/>): those cases are run again on connections of their own, as a
/// verdict must not hang on another case's stream.
/// </summary>
public sealed class SharedHttp2Connections(SessionOptions options, int streamsPerConnection) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly Lock _state = new();
    private readonly List<Connection> _open = [];
    private Connection? _newest;
    private int _opened;

    /// <summary>The streams a connection carries in its life when the server sets no SETTINGS_MAX_CONCURRENT_STREAMS.</summary>
    private const uint LifetimeWithoutLimit = 100;

    /// <summary>A place for one WebSocket on a connection, recorded in the transcript; null (recorded) when no connection could be opened.</summary>
    internal async Task<Lease?> LeaseAsync(Transcript transcript, CancellationToken cancel)
    {
        try
        {
            await _opening.WaitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            transcript.Add(WireEntryKind.Error, text: "the case was cancelled while it waited for a shared HTTP/2 connection");
            return null;
        }
        try
        {
            var connection = _newest;
            if (connection is not null && connection.TryAdd(transcript, Announce)) return new Lease(this, connection, transcript);
            connection = await OpenAsync(transcript, cancel);
            if (connection is null) return null;
            Connection? retired;
            lock (_state)
            {
                _open.Add(connection);
                (retired, _newest) = (_newest, connection);
            }
            if (retired is not null && retired.Count == 0) _ = CloseAsync(retired);
            if (connection.TryAdd(transcript, Announce)) return new Lease(this, connection, transcript);
            transcript.Add(WireEntryKind.SharedConnectionTrouble, $"HTTP/2 connection {connection.Number} ended as it opened");
            return null;
        }
        finally
        {
            _opening.Release();
        }

        // Before the stream joins the connection's views: its transcript starts with the line that says what it is.
        void Announce(Connection connection) => transcript.Add(WireEntryKind.SharedHttp2Stream,
            $"the WebSocket is a stream of HTTP/2 connection {connection.Number} ({connection.Description}), which other cases' WebSockets share " +
            $"(up to {connection.Capacity} at once, {connection.Lifetime} in its life); this transcript holds its stream's frames and the connection's own (stream 0) while it is open");
    }

    private async Task<Connection?> OpenAsync(Transcript transcript, CancellationToken cancel)
    {
        var target = options.Target;
        var number = Interlocked.Increment(ref _opened);
        Connection? opened = null;
        void ConnectionFrame(Http2Direction direction, uint stream, ReadOnlySpan<byte> frame)
        {
            if (opened is null || stream != 0) return;
            foreach (var view in opened.Views())
            {
                if (direction == Http2Direction.Received) view.Received(frame);
                else view.Sent(frame, Http2FrameRead.TypeName(frame[3]) + (frame[3] is 0x4 or 0x6 && (frame[4] & 1) != 0 ? " ACK" : "") + " (the connection's own)");
            }
            if (direction == Http2Direction.Received && frame[3] == (byte)Http2FrameType.GoAway) opened.Ended("the server sent GOAWAY");
        }
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        window.CancelAfter(options.ConnectTimeout);
        Http2Connection? http2 = null;
        try
        {
            http2 = target.Scheme == "wss"
                ? await Http2Connection.ConnectTlsAsync(target.Host, target.Port, options.AcceptUntrustedCertificate, window.Token, frames: ConnectionFrame, headerTableSize: 0)
                : await Http2Connection.ConnectAsync(target.Host, target.Port, window.Token, frames: ConnectionFrame, headerTableSize: 0);
            var settings = await http2.FirstSettings.WaitAsync(window.Token);
            await http2.SettingsAcknowledged.WaitAsync(window.Token);
            if (http2.IsEnding) throw new Http2ConnectException($"the connection ended as it opened ({http2.Error?.ToString() ?? (http2.GoAway is { } g ? $"GOAWAY {Http2FrameRead.ErrorName(g.Code)}" : "closed")})");
            var most = (int)Math.Clamp(settings.GetValueOrDefault(Http2SettingId.MaxConcurrentStreams, LifetimeWithoutLimit), 1, LifetimeWithoutLimit);
            opened = new Connection(number, http2, Math.Min(most, streamsPerConnection), most,
                target.Scheme == "wss" ? $"TLS with ALPN h2 to {target.Host}:{target.Port}" : $"h2c with prior knowledge to {target.Host}:{target.Port}");
            _ = http2.Reading.ContinueWith(_ => opened.Ended(http2.Error is { } e ? $"the connection ended: {e}" : "the server closed the connection"),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return opened;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            if (http2 is not null) await http2.DisposeAsync();
            if (e is OperationCanceledException && !cancel.IsCancellationRequested)
                transcript.Add(WireEntryKind.TimerFired, text: http2 is null
                    ? $"timer: {options.ConnectTimeout.TotalSeconds:0.#} s passed without an HTTP/2 connection"
                    : $"timer: {options.ConnectTimeout.TotalSeconds:0.#} s passed without the server's SETTINGS and its acknowledgement of the suite's");
            transcript.Add(WireEntryKind.Error, text: $"could not open an HTTP/2 connection to {target.Host}:{target.Port}: {Http2StreamWire.WhyNoConnection(e, options, cancel)}");
            return null;
        }
    }

    private void Release(Connection connection, Transcript transcript)
    {
        var left = connection.Remove(transcript);
        bool close;
        lock (_state)
        {
            close = left == 0 && (connection != _newest || connection.Http2.IsEnding);
            if (close && connection == _newest) _newest = null;
        }
        if (close) _ = CloseAsync(connection);
    }

    private async Task CloseAsync(Connection connection)
    {
        lock (_state)
        {
            if (!_open.Remove(connection)) return;
        }
        connection.Closing = true;
        await connection.Http2.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        List<Connection> open;
        lock (_state)
        {
            open = [.. _open];
            _newest = null;
        }
        foreach (var connection in open) await CloseAsync(connection);
    }

    /// <summary>A shared connection and the transcripts of the streams open on it.</summary>
    /// <param name="capacity">the most streams open at once</param>
    /// <param name="lifetime">the most streams in its life</param>
    internal sealed class Connection(int number, Http2Connection http2, int capacity, int lifetime, string description)
    {
        private readonly HashSet<Transcript> _streams = [];
        private int _carried;
        private int _ended;

        public int Number => number;
        public Http2Connection Http2 => http2;
        public int Capacity => capacity;
        public int Lifetime => lifetime;
        public string Description => description;
        public volatile bool Closing;

        public int Count
        {
            get { lock (_streams) return _streams.Count; }
        }

        /// <summary>Takes the stream, announced first, when the connection has room and is not ending.</summary>
        public bool TryAdd(Transcript view, Action<Connection> announce)
        {
            lock (_streams)
            {
                if (http2.IsEnding || Volatile.Read(ref _ended) != 0 || _streams.Count >= capacity || _carried >= lifetime) return false;
                announce(this);
                _streams.Add(view);
                _carried++;
                return true;
            }
        }

        /// <summary>The streams left open.</summary>
        public int Remove(Transcript view)
        {
            lock (_streams)
            {
                _streams.Remove(view);
                return _streams.Count;
            }
        }

        public Transcript[] Views()
        {
            lock (_streams) return [.. _streams];
        }

        /// <summary>The connection ended or is ending: the streams open on it are told, once.</summary>
        public void Ended(string how)
        {
            if (Closing || Interlocked.Exchange(ref _ended, 1) != 0) return;
            foreach (var view in Views())
                view.Add(WireEntryKind.SharedConnectionTrouble, $"HTTP/2 connection {number}, which this stream shared, ended while the stream was open: {how}");
        }
    }

    /// <summary>One WebSocket's place on a shared connection, given back when its session ends.</summary>
    internal sealed class Lease(SharedHttp2Connections pool, Connection connection, Transcript transcript)
    {
        private int _released;

        public Http2Connection Http2 => connection.Http2;

        public void Release(Http2Stream? stream)
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            if (stream is not null) connection.Http2.Forget(stream);
            pool.Release(connection, transcript);
        }
    }
}
