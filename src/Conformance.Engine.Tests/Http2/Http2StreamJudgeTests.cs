using System.Text.Json.Nodes;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// The cases that end, reset or open streams (E.4, E.5) scored on transcripts whose server side Python's h2 wrote:
/// what the server did with each stream is read from every HTTP/2 frame of the connection, as the scorer reads it.
/// </summary>
public class Http2StreamJudgeTests
{
    private static CaseDefinition Case(string id) => CatalogueRuns.Catalogue.All.Single(c => c.Id == id);

    private static readonly byte[] Preface =
        [.. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings((Http2SettingId.EnablePush, 0u)).Encode()];

    private static byte[] Request(uint stream) =>
        Http2FrameEncoder.Headers(stream, HpackBlockBuilder.Encode(ExtendedConnect.Request("http", "127.0.0.1:1", "/", [])), endStream: false, endHeaders: true).Encode();

    private static byte[] Text(uint stream, string text) => Http2FrameEncoder.Data(stream, Frame.Client(Opcodes.Text, System.Text.Encoding.UTF8.GetBytes(text)).Encode()).Encode();

    private static byte[] Echo(string text) => new Frame(Opcodes.Text, System.Text.Encoding.UTF8.GetBytes(text)).Encode();

    /// <summary>A conversation: what the suite sends (Sent) and the server's answers, which h2 writes in turn.</summary>
    private sealed class Conversation
    {
        private readonly List<JsonObject> _steps = [];
        private readonly List<(bool Suite, byte[]? Octets, WireEntryKind Kind, string? Text)> _entries = [];

        public Conversation Suite(byte[] octets, string label = "step")
        {
            _steps.Add(new JsonObject { ["client"] = Convert.ToHexString(octets) });
            _entries.Add((true, octets, WireEntryKind.Sent, label));
            return this;
        }

        public Conversation Server(JsonObject step)
        {
            _steps.Add(step);
            _entries.Add((false, null, WireEntryKind.Received, null));
            return this;
        }

        public Conversation Entry(WireEntryKind kind, string text)
        {
            _entries.Add((false, null, kind, text));
            return this;
        }

        public TranscriptReading Read()
        {
            var answer = PythonH2Codec.Run(new JsonObject { ["op"] = "server-answer", ["steps"] = new JsonArray([.. _steps]) });
            var chunks = answer["server"]!.AsArray().Select(c => Convert.FromHexString((string)c!)).ToList();
            var transcript = new Transcript();
            var step = 0;
            foreach (var (suite, octets, kind, text) in _entries)
            {
                if (kind is not (WireEntryKind.Sent or WireEntryKind.Received))
                {
                    transcript.Add(kind, text);
                    continue;
                }
                if (suite) transcript.Sent(octets!, text!);
                // What h2 wrote on reading the suite's octets (its SETTINGS after the preface), or the answer it was told to send.
                if (chunks[step++] is { Length: > 0 } chunk) transcript.Received(chunk);
            }
            return transcript.Reading();
        }
    }

    private static JsonObject Answer(uint stream) => new() { ["headers"] = new JsonArray(new JsonArray(":status", "200")), ["stream"] = stream };
    private static JsonObject Data(uint stream, byte[] data, bool endStream = false) => new() { ["data"] = Convert.ToHexString(data), ["stream"] = stream, ["end_stream"] = endStream };

    /// <summary>Stream 1 opened and "Hello" echoed on it.</summary>
    private static Conversation Opened() => new Conversation()
        .Suite(Preface, "the HTTP/2 connection preface").Suite(Request(1), "the opening request").Server(Answer(1))
        .Suite(Text(1, "Hello"), "step 1").Server(Data(1, Echo("Hello")));

    /// <summary>Another WebSocket on stream 3, answered and its message echoed on it.</summary>
    private static Conversation OtherWebSocket(Conversation conversation, string text = "on another stream") =>
        conversation.Suite(Request(3)).Server(Answer(3)).Suite(Text(3, text)).Server(Data(3, Echo(text)));

    [Test]
    public void After_the_suites_END_STREAM_the_server_ends_its_side_and_serves_another_WebSocket()
    {
        var conversation = Opened().Suite(Http2FrameEncoder.Data(1, [], endStream: true).Encode(), "step 2").Server(new JsonObject { ["end"] = true })
            .Entry(WireEntryKind.PeerClosed, "the server ended the stream (END_STREAM)");
        var score = Scorer.Score(Case("E.4.1"), OtherWebSocket(conversation).Read());
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(score.Reason, Does.Contain("the server ended its side of the stream (END_STREAM)").And.Contain("stream 3 echoed its own text \"on another stream\""));
    }

    [Test]
    public void A_server_that_ends_the_whole_connection_after_the_suites_END_STREAM_is_non_strict()
    {
        var conversation = Opened().Suite(Http2FrameEncoder.Data(1, [], endStream: true).Encode(), "step 2")
            .Server(new JsonObject { ["goaway"] = 0 }).Entry(WireEntryKind.PeerClosed, "the HTTP/2 connection ended: GOAWAY NO_ERROR");
        var score = Scorer.Score(Case("E.4.1"), conversation.Read());
        Assert.That(score.Behavior, Is.EqualTo(Verdict.NonStrict), score.Reason);
        Assert.That(score.Reason, Does.Contain("GOAWAY NO_ERROR").And.Contain("RFC 9113 6.8"));
    }

    [Test]
    public void A_server_that_never_ends_its_side_leaves_the_suite_to_reset_the_stream()
    {
        var conversation = Opened().Suite(Http2FrameEncoder.Data(1, [], endStream: true).Encode(), "step 2");
        conversation = OtherWebSocket(conversation)
            .Entry(WireEntryKind.TimerFired, "timer: 1000 ms passed; the server has not ended its side of the stream after the suite's END_STREAM")
            .Entry(WireEntryKind.ClosedBySuite, "the server did not end its side of the stream after the suite's END_STREAM");
        var score = Scorer.Score(Case("E.4.1"), conversation.Read());
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.FailedByClient)), score.Reason);
    }

    [Test]
    public void Frames_on_a_stream_after_the_suites_RST_STREAM_fail_the_case()
    {
        var closeAfterReset = Http2FrameEncoder.Data(1, new Frame(Opcodes.Close, ClosePayload.Build(1001, [])).Encode()).Encode();
        var conversation = Opened().Entry(WireEntryKind.Note, "step 2: the suite resets the WebSocket's stream")
            .Suite(Http2FrameEncoder.RstStream(1, Http2ErrorCode.Cancel).Encode(), "RST_STREAM")
            .Server(new JsonObject { ["raw"] = Convert.ToHexString([.. closeAfterReset, .. Http2FrameEncoder.RstStream(1, Http2ErrorCode.Cancel).Encode()]) });
        var score = Scorer.Score(Case("E.4.2"), OtherWebSocket(conversation).Read());
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed), score.Reason);
        Assert.That(score.Reason, Does.Contain("DATA (4 octets), RST_STREAM (4 octets)").And.Contain("RFC 9113 6.4").And.Contain("RFC 9113 5.4.2"));
    }

    [Test]
    public void Nothing_after_the_suites_RST_STREAM_and_another_WebSocket_served_is_OK()
    {
        var conversation = Opened().Suite(Http2FrameEncoder.RstStream(1, Http2ErrorCode.Cancel).Encode(), "RST_STREAM");
        var score = Scorer.Score(Case("E.4.2"), OtherWebSocket(conversation).Read());
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [Test]
    public void A_message_echoed_on_another_stream_than_its_own_fails_the_case()
    {
        var conversation = new Conversation()
            .Suite(Preface, "the HTTP/2 connection preface").Suite(Request(1), "the opening request").Server(Answer(1))
            .Suite(Request(3)).Server(Answer(3)).Suite(Text(3, "on stream 3")).Server(Data(1, Echo("on stream 3")))
            .Suite(Request(5)).Server(Answer(5)).Suite(Text(5, "on stream 5")).Server(Data(5, Echo("on stream 5")))
            .Suite(Text(1, "on stream 1")).Server(Data(1, Echo("on stream 1")));
        var score = Scorer.Score(Case("E.5.1"), conversation.Read());
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed), score.Reason);
        Assert.That(score.Reason, Does.Contain("stream 3 carried no message back, expected only the echo of its own text \"on stream 3\""));
    }

    [Test]
    public void A_stream_the_suite_kept_open_ended_by_the_server_fails_the_case()
    {
        var conversation = new Conversation()
            .Suite(Preface, "the HTTP/2 connection preface").Suite(Request(1), "the opening request").Server(Answer(1))
            .Suite(Request(3)).Server(Answer(3)).Suite(Text(3, "on stream 3")).Server(Data(3, Echo("on stream 3")))
            .Suite(Request(5)).Server(Answer(5)).Suite(Text(5, "on stream 5")).Server(Data(5, Echo("on stream 5")))
            .Suite(Http2FrameEncoder.RstStream(5, Http2ErrorCode.Cancel).Encode(), "RST_STREAM")
            .Server(new JsonObject { ["reset"] = (int)Http2ErrorCode.Cancel, ["stream"] = 3 })
            .Suite(Text(1, "on stream 1")).Server(Data(1, Echo("on stream 1")));
        var score = Scorer.Score(Case("E.5.2"), conversation.Read());
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed), score.Reason);
        Assert.That(score.Reason, Does.Contain("the server ended stream 3 (RST_STREAM CANCEL), which the suite kept open"));
    }
}
