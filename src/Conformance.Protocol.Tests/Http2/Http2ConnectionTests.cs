using System.Text;
using Conformance.Protocol.Http2;

namespace Conformance.Protocol.Tests.Http2;

/// <summary>The client connection against a scripted server that does what the RFC allows, and what it forbids.</summary>
public class Http2ConnectionTests
{
    private static readonly (Http2SettingId, uint) ConnectAllowed = (Http2SettingId.EnableConnectProtocol, 1);
    private CancellationTokenSource _deadline = null!;

    [SetUp]
    public void StartDeadline() => _deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));

    [TearDown]
    public void EndDeadline() => _deadline.Dispose();

    /// <summary>A scripted server and the client connected to it, ended together.</summary>
    private sealed record Pair(ScriptedHttp2Server Server, Http2Connection Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    private Task<Pair> ConnectAsync(params (Http2SettingId, uint)[] settings) => ConnectAsync(null, settings);

    private async Task<Pair> ConnectAsync(Http2WireObserver? wire, params (Http2SettingId, uint)[] settings)
    {
        var server = new ScriptedHttp2Server();
        var client = Http2Connection.ConnectAsync("127.0.0.1", server.Port, _deadline.Token, wire);
        await server.AcceptAsync(settings);
        return new Pair(server, await client);
    }

    /// <summary>Opens a WebSocket stream, answered with 200 from the server's side, with the header block it received.</summary>
    private async Task<(Http2Stream Stream, List<HeaderField> Request)> OpenAsync(ScriptedHttp2Server server, Http2Connection client)
    {
        var opening = client.OpenWebSocketAsync("example.org", "/chat", null, _deadline.Token);
        var headers = await server.NextAsync(Http2FrameType.Headers);
        var request = new HpackDecoder().Decode(((HeadersContent)Http2FrameContent.Read(headers).Content!).BlockFragment).Fields!;
        await server.SendAsync(Http2FrameEncoder.Headers(headers.StreamId, HpackBlockBuilder.Encode([new(":status", "200")]), false, true));
        return (await opening, request);
    }

    [Test]
    public async Task Extended_CONNECT_carries_the_pseudo_header_fields_of_RFC_8441()
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (stream, request) = await OpenAsync(server, client);
        Assert.That(request.Select(f => f.ToString()), Is.EqualTo(new[]
        {
            ":method: CONNECT", ":protocol: websocket", ":scheme: http", ":path: /chat", ":authority: example.org", "sec-websocket-version: 13",
        }));
        Assert.That((await stream.Response).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task Without_SETTINGS_ENABLE_CONNECT_PROTOCOL_no_extended_CONNECT_is_sent()
    {
        await using var pair = await ConnectAsync((Http2SettingId.MaxConcurrentStreams, 10));
        var (server, client) = (pair.Server, pair.Client);
        var error = await Assert.ThrowsAsync<Http2ConnectException>(() => client.OpenWebSocketAsync("example.org", "/", null, _deadline.Token));
        Assert.That(error!.Message, Does.StartWith("RFC 8441 3"));
    }

    [Test]
    public async Task A_PING_is_acknowledged_with_its_opaque_data()
    {
        await using var pair = await ConnectAsync();
        var (server, client) = (pair.Server, pair.Client);
        await server.SendAsync(Http2FrameEncoder.Ping(0x0123456789abcdef));
        var ack = await server.NextAsync(Http2FrameType.Ping);
        Assert.That(ack.Flags, Is.EqualTo(Http2Flags.Ack));
        Assert.That(Convert.ToHexString(ack.Payload), Is.EqualTo("0123456789ABCDEF"));
    }

    [Test]
    public async Task Writes_wait_for_the_servers_window()
    {
        await using var pair = await ConnectAsync(ConnectAllowed, (Http2SettingId.InitialWindowSize, 10));
        var (server, client) = (pair.Server, pair.Client);
        var (stream, _) = await OpenAsync(server, client);
        var writing = stream.WriteAsync(Encoding.ASCII.GetBytes("0123456789abcdefghijklmno"), _deadline.Token).AsTask();
        var first = await server.NextAsync(Http2FrameType.Data);
        Assert.That(Encoding.ASCII.GetString(first.Payload), Is.EqualTo("0123456789"));
        Assert.That(writing.IsCompleted, Is.False, "the rest waits for WINDOW_UPDATE");
        await server.SendAsync(Http2FrameEncoder.WindowUpdate(first.StreamId, 100));
        var second = await server.NextAsync(Http2FrameType.Data);
        Assert.That(Encoding.ASCII.GetString(second.Payload), Is.EqualTo("abcdefghijklmno"));
        await writing;
    }

    [Test]
    public async Task Data_read_is_given_back_in_WINDOW_UPDATE_on_both_levels()
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (stream, _) = await OpenAsync(server, client);
        int half = Http2Connection.ReceiveWindow / 2;
        for (int sent = 0; sent < half; sent += Http2Limits.DefaultMaxFrameSize)
            await server.SendAsync(Http2FrameEncoder.Data(stream.Id, new byte[Http2Limits.DefaultMaxFrameSize]));
        var buffer = new byte[half];
        await stream.ReadExactlyAsync(buffer, _deadline.Token);
        var updates = new[] { await server.NextAsync(Http2FrameType.WindowUpdate), await server.NextAsync(Http2FrameType.WindowUpdate) };
        Assert.That(updates.Select(u => (u.StreamId, Content: Http2FrameContent.Read(u).Content)),
            Is.EquivalentTo(new[] { (0u, (Http2FrameContent)new WindowUpdateContent((uint)half)), (stream.Id, new WindowUpdateContent((uint)half)) }));
    }

    [TestCase("DATA beyond the windows", "RFC 9113 6.9.1", Http2ErrorCode.FlowControlError)]
    [TestCase("a frame longer than SETTINGS_MAX_FRAME_SIZE", "RFC 9113 4.2", Http2ErrorCode.FrameSizeError)]
    [TestCase("a frame inside a header block", "RFC 9113 6.10", Http2ErrorCode.ProtocolError)]
    [TestCase("an endless header block", "RFC 9113 10.5.1", Http2ErrorCode.EnhanceYourCalm)]
    [TestCase("a header block HPACK cannot decode", "RFC 7541 6.1", Http2ErrorCode.CompressionError)]
    [TestCase("HEADERS on a stream the server opened", "RFC 9113 5.1.1", Http2ErrorCode.ProtocolError)]
    public async Task A_server_breaking_a_rule_gets_GOAWAY_with_the_rule_and_the_stream_fails(string what, string section, Http2ErrorCode code)
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (stream, _) = await OpenAsync(server, client);
        switch (what)
        {
            case "DATA beyond the windows":
                for (int sent = 0; sent <= Http2Connection.ReceiveWindow; sent += Http2Limits.DefaultMaxFrameSize)
                    await server.SendAsync(Http2FrameEncoder.Data(stream.Id, new byte[Http2Limits.DefaultMaxFrameSize]));
                break;
            case "a frame longer than SETTINGS_MAX_FRAME_SIZE":
                await server.SendAsync(Http2FrameEncoder.Data(stream.Id, new byte[Http2Limits.DefaultMaxFrameSize + 1]));
                break;
            case "a frame inside a header block":
                await server.SendAsync(Http2FrameEncoder.Headers(stream.Id, [0x88], false, endHeaders: false), Http2FrameEncoder.Ping(1));
                break;
            case "an endless header block":
                await server.SendAsync(Http2FrameEncoder.Headers(stream.Id, [], false, endHeaders: false));
                for (int sent = 0; sent <= Http2Connection.MaxHeaderBlockLength; sent += Http2Limits.DefaultMaxFrameSize)
                    await server.SendAsync(Http2FrameEncoder.Continuation(stream.Id, new byte[Http2Limits.DefaultMaxFrameSize], endHeaders: false));
                break;
            case "a header block HPACK cannot decode":
                await server.SendAsync(Http2FrameEncoder.Headers(stream.Id, [0x80], true, true));
                break;
            default:
                await server.SendAsync(Http2FrameEncoder.Headers(2, [0x88], true, true));
                break;
        }
        var goAway = (GoAwayContent)Http2FrameContent.Read(await server.NextAsync(Http2FrameType.GoAway)).Content!;
        Assert.That(goAway.Code, Is.EqualTo(code));
        Assert.That(Encoding.UTF8.GetString(goAway.DebugData), Does.StartWith(section));
        Assert.That(client.Error?.Section, Is.EqualTo(section));
        Assert.That(await server.NextAsync(), Is.Null, "the client closes the connection after GOAWAY");
        // What arrived before the error is still read; then the stream fails instead of ending.
        await Assert.ThrowsAsync<IOException>(async () => await stream.CopyToAsync(Stream.Null, _deadline.Token));
    }

    [Test]
    public async Task The_servers_RST_STREAM_fails_reads_and_writes_of_that_stream_only()
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (reset, _) = await OpenAsync(server, client);
        var (other, _) = await OpenAsync(server, client);
        await server.SendAsync(Http2FrameEncoder.RstStream(reset.Id, Http2ErrorCode.Cancel), Http2FrameEncoder.Data(other.Id, "still here"u8));
        var buffer = new byte[10];
        await other.ReadExactlyAsync(buffer, _deadline.Token);
        Assert.That(Encoding.ASCII.GetString(buffer), Is.EqualTo("still here"));
        Assert.That(reset.ResetByServer, Is.EqualTo(Http2ErrorCode.Cancel));
        await Assert.ThrowsAsync<IOException>(async () => await reset.ReadExactlyAsync(buffer, _deadline.Token));
        await Assert.ThrowsAsync<IOException>(async () => await reset.WriteAsync(buffer, _deadline.Token));
        Assert.That(client.Error, Is.Null);
    }

    [Test]
    public async Task END_STREAM_ends_reading_after_the_data_before_it()
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (stream, _) = await OpenAsync(server, client);
        await server.SendAsync(Http2FrameEncoder.Data(stream.Id, "last"u8, endStream: true, padLength: 7));
        var buffer = new byte[4];
        await stream.ReadExactlyAsync(buffer, _deadline.Token);
        Assert.That(Encoding.ASCII.GetString(buffer), Is.EqualTo("last"));
        Assert.That(await stream.ReadAsync(buffer, _deadline.Token), Is.EqualTo(0));
        Assert.That(stream.ServerEnded);
    }

    [Test]
    public async Task The_wire_observer_sees_every_octet_both_ways_in_order()
    {
        var sent = new List<byte>();
        var received = new List<byte>();
        void Observe(Http2Direction direction, ReadOnlySpan<byte> octets)
        {
            var list = direction == Http2Direction.Sent ? sent : received;
            lock (list) list.AddRange(octets);
        }
        await using var pair = await ConnectAsync(Observe, ConnectAllowed);
        var (stream, _) = await OpenAsync(pair.Server, pair.Client);
        await stream.WriteAsync("x"u8.ToArray(), _deadline.Token);
        await pair.Server.NextAsync(Http2FrameType.Data);

        byte[] sentOctets;
        lock (sent) sentOctets = [.. sent];
        Assert.That(sentOctets.AsSpan(0, Http2Limits.ClientPreface.Length).SequenceEqual(Http2Limits.ClientPreface));
        var decoder = new Http2FrameDecoder();
        decoder.Append(sentOctets.AsSpan(Http2Limits.ClientPreface.Length));
        var types = new List<Http2FrameType>();
        while (decoder.Next() is { } frame) types.Add(frame.KnownType);
        Assert.That(types, Is.EqualTo(new[] { Http2FrameType.Settings, Http2FrameType.WindowUpdate, Http2FrameType.Settings, Http2FrameType.Headers, Http2FrameType.Data }));
        Assert.That(decoder.BufferedBytes, Is.EqualTo(0));
        byte[] settings = Http2FrameEncoder.Settings(ConnectAllowed).Encode();
        lock (received) Assert.That(received.Take(settings.Length), Is.EqualTo(settings));
    }

    [Test]
    public async Task After_GOAWAY_the_streams_it_names_go_on_the_others_fail_and_no_new_one_opens()
    {
        await using var pair = await ConnectAsync(ConnectAllowed);
        var (server, client) = (pair.Server, pair.Client);
        var (processed, _) = await OpenAsync(server, client);
        var (unprocessed, _) = await OpenAsync(server, client);
        await server.SendAsync(Http2FrameEncoder.GoAway(processed.Id, Http2ErrorCode.NoError), Http2FrameEncoder.Data(processed.Id, "goes on"u8));

        var buffer = new byte[7];
        await processed.ReadExactlyAsync(buffer, _deadline.Token);
        Assert.That(Encoding.ASCII.GetString(buffer), Is.EqualTo("goes on"));
        Assert.That(client.GoAway!.LastStreamId, Is.EqualTo(processed.Id));
        await Assert.ThrowsAsync<IOException>(async () => await unprocessed.ReadExactlyAsync(buffer, _deadline.Token));
        await Assert.ThrowsAsync<Http2ConnectException>(() => client.OpenWebSocketAsync("example.org", "/", null, _deadline.Token));
        Assert.That(client.Error, Is.Null);
    }

    [Test]
    public async Task A_lowered_initial_window_takes_a_stream_below_zero_and_applies_to_new_streams()
    {
        await using var pair = await ConnectAsync(ConnectAllowed, (Http2SettingId.InitialWindowSize, 10));
        var (server, client) = (pair.Server, pair.Client);
        var (first, _) = await OpenAsync(server, client);
        await first.WriteAsync("01234"u8.ToArray(), _deadline.Token);
        Assert.That((await server.NextAsync(Http2FrameType.Data)).Payload, Has.Length.EqualTo(5));

        await server.SendAsync(Http2FrameEncoder.Settings((Http2SettingId.InitialWindowSize, 0u)));
        Assert.That((await server.NextAsync(Http2FrameType.Settings)).Flags, Is.EqualTo(Http2Flags.Ack));
        await first.EndAsync(_deadline.Token); // an empty DATA frame, which no window holds back, with a window of -5
        var end = await server.NextAsync(Http2FrameType.Data);
        Assert.That((end.StreamId, end.Payload.Length, end.Flags), Is.EqualTo((first.Id, 0, Http2Flags.EndStream)));

        var (second, _) = await OpenAsync(server, client);
        var writing = second.WriteAsync("abc"u8.ToArray(), _deadline.Token).AsTask();
        await server.SendAsync(Http2FrameEncoder.WindowUpdate(second.Id, 1));
        Assert.That(Encoding.ASCII.GetString((await server.NextAsync(Http2FrameType.Data)).Payload), Is.EqualTo("a"));
        await server.SendAsync(Http2FrameEncoder.WindowUpdate(second.Id, 100));
        Assert.That(Encoding.ASCII.GetString((await server.NextAsync(Http2FrameType.Data)).Payload), Is.EqualTo("bc"));
        await writing;
    }
}
