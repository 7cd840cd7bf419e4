using System.Text;
using System.Text.Json.Nodes;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// Transcripts of WebSockets over HTTP/2, the server's side written by an independent implementation (Python's h2,
/// which Huffman-codes its header lists and indexes them in its dynamic table), read by the one wire layer as the
/// scorer reads them: the WebSocket octets out of the stream's DATA, the answer out of the HEADERS.
/// </summary>
public class Http2TranscriptTests
{
    private static readonly CaseDefinition EchoOfHello = CaseBuilder.Case([CaseBuilder.Ok(CaseBuilder.Text("Hello"))]);

    private static readonly byte[] ClientOpening =
    [
        .. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings((Http2SettingId.EnablePush, 0u)).Encode(),
        .. Http2FrameEncoder.Headers(1, HpackBlockBuilder.Encode(ExtendedConnect.Request("http", "127.0.0.1:1", "/",
            [KeyValuePair.Create("sec-websocket-extensions", "permessage-deflate")])), endStream: false, endHeaders: true).Encode(),
    ];

    private static byte[] ClientData(Frame frame, bool endStream = false) => Http2FrameEncoder.Data(1, frame.Encode(), endStream).Encode();

    /// <summary>The server's octets, a chunk per step, from h2 reading the client's octets and answering as told.</summary>
    private static List<byte[]> Server(params JsonObject[] steps) => Server(true, steps);

    private static List<byte[]> Server(bool connectProtocol, params JsonObject[] steps)
    {
        var answer = PythonH2Codec.Run(new JsonObject { ["op"] = "server-answer", ["connect_protocol"] = connectProtocol, ["steps"] = new JsonArray([.. steps]) });
        return [.. answer["server"]!.AsArray().Select(chunk => Convert.FromHexString((string)chunk!))];
    }

    private static JsonObject FromClient(byte[] octets) => new() { ["client"] = Convert.ToHexString(octets) };

    private static JsonObject Answer(int status, params (string, string)[] fields) =>
        new() { ["headers"] = new JsonArray([new JsonArray(":status", status.ToString()), .. fields.Select(f => (JsonNode)new JsonArray(f.Item1, f.Item2))]) };

    private static JsonObject Data(Frame frame, bool endStream = false) => new() { ["data"] = Convert.ToHexString(frame.Encode()), ["end_stream"] = endStream };

    [Test]
    public void An_echo_over_an_extended_CONNECT_stream_is_scored_from_the_DATA_as_over_TCP()
    {
        var hello = Frame.Client(Opcodes.Text, "Hello"u8.ToArray());
        var close = Frame.Client(Opcodes.Close, ClosePayload.Build(1000, []));
        var server = Server(FromClient(ClientOpening), Answer(200, ("server", "python-h2"), ("x-note", "<b>bold</b>")),
            FromClient(ClientData(hello)), Data(new Frame(Opcodes.Text, "Hello"u8.ToArray())),
            FromClient(ClientData(close)), Data(new Frame(Opcodes.Close, ClosePayload.Build(1000, [])), endStream: true));
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        transcript.Sent(ClientData(hello), "step 1");
        // The echo arrives cut at an odd place, inside the DATA frame's header.
        var echo = server[3];
        transcript.Received(echo.AsSpan(0, 5));
        transcript.Received(echo.AsSpan(5));
        transcript.Sent(ClientData(close), "close");
        transcript.Received(server[5]);
        transcript.Add(WireEntryKind.PeerClosed, "the server ended the stream (END_STREAM)");

        var reading = transcript.Reading();
        Assert.That(reading.HandshakeCompleted, reading.HandshakeProblem);
        Assert.That(reading.Response!.StatusCode, Is.EqualTo(200));
        Assert.That(reading.Response.GetHeader("x-note"), Is.EqualTo("<b>bold</b>"), "the header list, Huffman-coded by h2, decoded");
        Assert.That(reading.Events.Select(e => e.Event), Is.EqualTo(new[] { CaseBuilder.Text("Hello") }));
        Assert.That(reading.Closing.ServerCloseCodeTaken, Is.EqualTo(1000));
        var score = Scorer.Score(EchoOfHello, reading);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(score.Reason, Does.EndWith("the server ended or reset the stream"), "the reason speaks of the stream, not of TCP");
    }

    [Test]
    public void A_status_other_than_2xx_does_not_open_the_WebSocket()
    {
        var server = Server(FromClient(ClientOpening), Answer(400));
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        var reading = transcript.Reading();
        Assert.That(reading.HandshakeCompleted, Is.False);
        Assert.That(reading.HandshakeProblem, Does.Contain("RFC 8441 5").And.Contain(":status 400"));
    }

    [Test]
    public void A_reset_instead_of_an_answer_is_the_handshake_problem()
    {
        var server = Server(FromClient(ClientOpening), new JsonObject { ["reset"] = (int)Http2ErrorCode.RefusedStream });
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        transcript.Add(WireEntryKind.PeerClosed, "the server reset the stream");
        Assert.That(transcript.Reading().HandshakeProblem, Is.EqualTo("the server reset the stream without answering: RST_STREAM REFUSED_STREAM"));
    }

    [Test]
    public void A_server_whose_SETTINGS_do_not_allow_extended_CONNECT_does_not_serve_WebSockets_over_HTTP_2()
    {
        var server = Server(false, FromClient([.. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings().Encode()]));
        var transcript = new Transcript();
        transcript.Sent([.. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings().Encode()], "the preface");
        transcript.Received(server[0]);
        transcript.Add(WireEntryKind.Error, "RFC 8441 3: the server's SETTINGS do not set SETTINGS_ENABLE_CONNECT_PROTOCOL to 1");
        Assert.That(transcript.Reading().HandshakeProblem, Does.StartWith("RFC 8441 3: the server's first SETTINGS do not set SETTINGS_ENABLE_CONNECT_PROTOCOL"));
    }

    [Test]
    public void A_server_that_sends_a_mebibyte_without_answering_is_judged_without_holding_more()
    {
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        var ping = Http2FrameEncoder.Ping(7).Encode();
        for (var i = 0; i < 2 * 1024 * 1024 / ping.Length; i++) transcript.Received(ping);
        Assert.That(transcript.Reading().HandshakeProblem, Does.Contain("more than 1048576 octets without answering"));
    }

    [Test]
    public void A_server_that_answers_in_HTTP_1_is_named_so()
    {
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8);
        transcript.Add(WireEntryKind.PeerClosed, "the server closed the TCP connection");
        Assert.That(transcript.Reading().HandshakeProblem, Does.StartWith("the server answered in HTTP/1 (\"HTTP/1.1 400 Bad Request\"), not with HTTP/2 frames"));
    }

    [Test]
    public void A_subprotocol_the_request_did_not_offer_fails_the_opening_as_over_HTTP_1_1()
    {
        var server = Server(FromClient(ClientOpening), Answer(200, ("sec-websocket-protocol", "chat")));
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        Assert.That(transcript.Reading().HandshakeProblem, Does.Contain("subprotocol \"chat\"").And.Contain("offered none"));
    }

    [Test]
    public void Permessage_deflate_agreed_in_the_answer_applies_to_the_stream()
    {
        var server = Server(FromClient(ClientOpening), Answer(200, ("sec-websocket-extensions", "permessage-deflate")));
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        var reading = transcript.Reading();
        Assert.That(reading.HandshakeCompleted, reading.HandshakeProblem);
        Assert.That(reading.Deflate, Is.Not.Null);
    }

    [Test]
    public void The_direction_reader_gives_the_HTTP_2_frames_around_the_WebSocket_frames()
    {
        var reader = DirectionReader.OverHttp2(1 << 20, carriesPreface: false);
        var server = Server(FromClient(ClientOpening), Answer(200), Data(new Frame(Opcodes.Text, "Hi"u8.ToArray()), endStream: true));
        foreach (var chunk in server)
            foreach (var octet in chunk)
                reader.Append([octet]);
        var read = new List<string>();
        for (var status = reader.TryRead(out var frame); status != DirectionStatus.NeedMoreData; status = reader.TryRead(out frame))
            read.Add(status == DirectionStatus.Frame ? $"WebSocket {Opcodes.Name(frame!.Header.Opcode)}" : string.Join(" ", new[] { Http2FrameRead.TypeName(reader.Http2Frame!.Frame.Type) }.Concat(Http2FrameRead.FlagNames(reader.Http2Frame.Frame))));
        Assert.That(read, Does.Contain("SETTINGS ACK"));
        Assert.That(read.Where(r => !r.StartsWith("SETTINGS", StringComparison.Ordinal)), Is.EqualTo(new[] { "HEADERS END_HEADERS", "DATA END_STREAM", "WebSocket text" }));
        Assert.That(reader.Error, Is.Null);
    }

    /// <summary>
    /// A case of category E that the server must refuse, judged from h2's answer to the request: a refusal is a
    /// non-2xx status, or RST_STREAM or GOAWAY before an answer (RFC 9113 8.1.1); a 2xx opens the WebSocket.
    /// </summary>
    [TestCase("E.2.5", "reset", "OK", "RST_STREAM PROTOCOL_ERROR")]
    [TestCase("E.2.5", "400", "OK", "400")]
    [TestCase("E.2.5", "200", "FAILED", "upgraded a request it should have refused")]
    [TestCase("E.2.2", "200", "NON-STRICT", "upgraded a request it should have refused")]
    [TestCase("E.2.8", "reset", "NON-STRICT", "not with an error status listing the versions")]
    [TestCase("E.2.8", "400-13", "OK", "400")]
    [TestCase("E.2.8", "400", "FAILED", "must list the versions the server understands")]
    [TestCase("E.3.1", "200", "INFORMATIONAL", "200")]
    public void An_extended_CONNECT_the_server_must_refuse_is_judged_by_the_answer_or_the_refusal(string id, string answer, string behavior, string reason)
    {
        var @case = CatalogueRuns.Catalogue.All.Single(c => c.Id == id);
        var server = Server(FromClient(ClientOpening), answer switch
        {
            "reset" => new JsonObject { ["reset"] = 1 },
            "400-13" => Answer(400, ("sec-websocket-version", "13")),
            _ => Answer(int.Parse(answer, System.Globalization.CultureInfo.InvariantCulture)),
        });
        var transcript = new Transcript();
        transcript.Sent(ClientOpening, "the opening request");
        transcript.Received([.. server[0], .. server[1]]);
        transcript.Add(WireEntryKind.ClosedBySuite, "the case ends after the server's answer to the extended CONNECT");
        var score = Scorer.Score(@case, transcript.Reading());
        Assert.That(score.Behavior.Word(), Is.EqualTo(behavior), score.Reason);
        Assert.That(score.Reason, Does.Contain(reason));
    }
}
