using System.Text;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// WebSockets over HTTP/2 (RFC 8441) with the suite's own HTTP/2 layer, end to end against real servers, ASP.NET
/// Core's Kestrel and Python's hypercorn, each over h2c and over TLS with ALPN h2. A masked text frame is echoed,
/// a 16 MiB binary message passes both directions' flow control, streams of one connection keep to themselves.
/// </summary>
[NonParallelizable]
public class ExtendedConnectTests
{
    private const int SixteenMiB = 16 * 1024 * 1024;

    public static IEnumerable<TestCaseData> Servers()
    {
        yield return new TestCaseData("kestrel").SetArgDisplayNames("Kestrel");
        yield return new TestCaseData("kestrel-tls").SetArgDisplayNames("Kestrel over TLS");
        yield return new TestCaseData("hypercorn").SetArgDisplayNames("hypercorn");
        yield return new TestCaseData("hypercorn-tls").SetArgDisplayNames("hypercorn over TLS");
    }

    [TestCaseSource(nameof(Servers))]
    public async Task A_masked_text_frame_is_echoed_on_the_extended_CONNECT_stream(string server)
    {
        await using var session = await StartAsync(server, TimeSpan.FromSeconds(30));
        var (connection, stream, deadline) = (session.Connection, await session.OpenAsync(), session.Deadline);

        await stream.WriteAsync(Frame.Client(Opcodes.Text, "Hello over HTTP/2"u8.ToArray()).Encode(), deadline);
        var (opcode, payload) = await ReadMessageAsync(stream, deadline);

        Assert.That(opcode, Is.EqualTo(Opcodes.Text));
        Assert.That(Encoding.UTF8.GetString(payload), Is.EqualTo("Hello over HTTP/2"));
        Assert.That(connection.Error, Is.Null);
    }

    [TestCaseSource(nameof(Servers))]
    public async Task A_16_MiB_binary_message_passes_flow_control_both_ways(string server)
    {
        await using var session = await StartAsync(server, TimeSpan.FromSeconds(120));
        var (connection, stream, deadline) = (session.Connection, await session.OpenAsync(), session.Deadline);
        var message = new byte[SixteenMiB];
        new Random(8441).NextBytes(message);

        // The server echoes while the message is still arriving, so the echo is read while it is written.
        var echo = ReadMessageAsync(stream, deadline);
        await stream.WriteAsync(Frame.Client(Opcodes.Binary, message).Encode(), deadline);
        var (opcode, payload) = await echo;

        Assert.That(opcode, Is.EqualTo(Opcodes.Binary));
        Assert.That(payload.Length, Is.EqualTo(SixteenMiB));
        Assert.That(payload.AsSpan().SequenceEqual(message), "the echo differs from the message");
        Assert.That(connection.Error, Is.Null);
    }

    [TestCaseSource(nameof(Servers))]
    public async Task WebSockets_on_streams_of_one_connection_each_echo_their_own_messages(string server)
    {
        await using var session = await StartAsync(server, TimeSpan.FromSeconds(30));
        var (connection, deadline) = (session.Connection, session.Deadline);
        var streams = new List<Http2Stream>();
        for (int i = 0; i < 3; i++) streams.Add(await session.OpenAsync());
        Assert.That(streams.Select(s => s.Id), Is.EqualTo(new uint[] { 1, 3, 5 }));

        // Written in the reverse order of opening, so that an echo on the wrong stream would show.
        for (int i = streams.Count - 1; i >= 0; i--)
            await streams[i].WriteAsync(Frame.Client(Opcodes.Text, Encoding.UTF8.GetBytes($"stream {streams[i].Id}")).Encode(), deadline);
        foreach (var stream in streams)
        {
            var (opcode, payload) = await ReadMessageAsync(stream, deadline);
            Assert.That((opcode, Encoding.UTF8.GetString(payload)), Is.EqualTo((Opcodes.Text, $"stream {stream.Id}")));
        }
        Assert.That(connection.Error, Is.Null);
    }

    /// <summary>Each server, started by the first test that needs it and kept for the fixture's other tests.</summary>
    private readonly Dictionary<string, Http2Target> _servers = [];

    [OneTimeTearDown]
    public async Task StopServers()
    {
        foreach (var server in _servers.Values) await server.DisposeAsync();
        _servers.Clear();
    }

    /// <summary>A connection of the test's own to the server, which is started for the first test that needs it.</summary>
    private async Task<Session> StartAsync(string server, TimeSpan deadline)
    {
        if (!_servers.TryGetValue(server, out var target)) _servers[server] = target = await Http2Target.StartAsync(server);
        return await Session.StartAsync(target, deadline);
    }

    /// <summary>One connection to a server, and the test's deadline.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly Http2Target _target;
        private readonly CancellationTokenSource _deadline;

        private Session(Http2Target target, Http2Connection connection, CancellationTokenSource deadline)
        {
            _target = target;
            Connection = connection;
            _deadline = deadline;
        }

        public Http2Connection Connection { get; }

        public CancellationToken Deadline => _deadline.Token;

        public static async Task<Session> StartAsync(Http2Target target, TimeSpan deadline)
        {
            var cancel = new CancellationTokenSource(deadline);
            return new Session(target, await target.ConnectAsync(cancel.Token), cancel);
        }

        /// <summary>A WebSocket on a new stream, accepted as RFC 8441 5 says: a 2xx and no Sec-WebSocket-Accept.</summary>
        public async Task<Http2Stream> OpenAsync()
        {
            var stream = await Connection.OpenWebSocketAsync(_target.Authority, "/", null, Deadline);
            var response = await stream.Response;
            TestContext.Out.WriteLine($"SETTINGS: {string.Join(", ", Connection.PeerSettings.Select(s => $"{s.Key}={s.Value}"))}");
            TestContext.Out.WriteLine($"response: {string.Join(" | ", response.Fields)}");
            Assert.That(response.Status, Is.EqualTo(200), "RFC 8441 5: a 2xx status accepts the WebSocket");
            Assert.That(response["sec-websocket-accept"], Is.Null, "RFC 8441 5: no Sec-WebSocket-Accept over HTTP/2");
            return stream;
        }

        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            _deadline.Dispose();
        }
    }

    /// <summary>The next message, its fragments joined; close, ping and pong frames are not expected here.</summary>
    private static async Task<(byte Opcode, byte[] Payload)> ReadMessageAsync(Stream stream, CancellationToken cancel)
    {
        var decoder = new FrameDecoder();
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        byte? opcode = null;
        while (true)
        {
            while (decoder.TryRead(out var frame) == DecodeStatus.Frame)
            {
                Assert.That(frame!.Header.Masked, Is.False, "a server's frames are unmasked (RFC 6455 5.1)");
                opcode ??= frame.Header.Opcode;
                message.Write(frame.Payload);
                if (frame.Header.Fin) return (opcode.Value, message.ToArray());
            }
            Assert.That(decoder.Error, Is.Null);
            int read = await stream.ReadAsync(buffer, cancel);
            if (read == 0) Assert.Fail("the server ended the stream before the echo");
            decoder.Append(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// A close frame is answered by the server's close frame; then this side ends the stream (END_STREAM, the
    /// HTTP/2 form of closing TCP, RFC 8441 5) whatever the server did meanwhile, and what follows is written to
    /// the test's output (it differs: see the report of issue 20).
    /// </summary>
    [TestCaseSource(nameof(Servers))]
    public async Task A_close_frame_is_answered_with_a_close_frame(string server)
    {
        await using var session = await StartAsync(server, TimeSpan.FromSeconds(30));
        var (connection, stream, deadline) = (session.Connection, await session.OpenAsync(), session.Deadline);

        await stream.WriteAsync(Frame.Client(Opcodes.Close, new byte[] { 0x03, 0xe8 }).Encode(), deadline);
        var (opcode, payload) = await ReadMessageAsync(stream, deadline);

        Assert.That(opcode, Is.EqualTo(Opcodes.Close));
        Assert.That(payload.AsSpan(0, 2).ToArray(), Is.EqualTo(new byte[] { 0x03, 0xe8 }));
        await connection.SendAsync(Http2FrameEncoder.Data(stream.Id, [], endStream: true), deadline);
        try
        {
            var more = await stream.ReadAsync(new byte[1], deadline);
            TestContext.Out.WriteLine($"after the close frame and END_STREAM: {(more == 0 ? "END_STREAM" : "more data")}");
        }
        catch (IOException e)
        {
            TestContext.Out.WriteLine($"after the close frame and END_STREAM: {e.Message}");
        }
        await connection.Reading.WaitAsync(TimeSpan.FromMilliseconds(200)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        TestContext.Out.WriteLine($"then: RST_STREAM {stream.ResetByServer?.ToString() ?? "none"}, GOAWAY {connection.GoAway?.Code.ToString() ?? "none"}, " +
                                  $"connection {(connection.Reading.IsCompleted ? "closed" : "open")}");
    }
}
