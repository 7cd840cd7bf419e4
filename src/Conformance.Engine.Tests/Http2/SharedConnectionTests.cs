using Conformance.Engine.Expectations;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// Cases whose WebSockets are streams of shared HTTP/2 connections (--http2-streams): each case's transcript is the
/// view of its own stream, read by the same wire layer as a connection of its own, and a connection that fails while
/// streams are open on it makes those cases run again on connections of their own.
/// </summary>
[NonParallelizable]
public class SharedConnectionTests
{
    private static readonly CaseDefinition EchoOfHello = CaseBuilder.Case([CaseBuilder.Ok(CaseBuilder.Text("Hello"))]);

    private const uint Stream = 7;

    private static byte[] Headers(uint stream, bool endStream, params (string, string)[] fields) =>
        Http2FrameEncoder.Headers(stream, HpackBlockBuilder.Encode(fields.Select(f => new HeaderField(f.Item1, f.Item2))), endStream, endHeaders: true).Encode();

    private static byte[] Data(uint stream, Frame frame, bool endStream = false) => Http2FrameEncoder.Data(stream, frame.Encode(), endStream).Encode();

    /// <summary>A stream's view: its frames and the connection's own, none of another stream's, and no preface.</summary>
    private static Transcript SharedView()
    {
        var transcript = new Transcript();
        transcript.Add(WireEntryKind.SharedHttp2Stream, "the WebSocket is a stream of HTTP/2 connection 1");
        transcript.Sent(Headers(Stream, false, [.. ExtendedConnect.Request("http", "127.0.0.1:1", "/", []).Select(f => (f.Name, f.Value))]), "the opening request");
        transcript.Received(Http2FrameEncoder.Ping(0x0102030405060708, ack: false).Encode());
        transcript.Sent(Http2FrameEncoder.Ping(0x0102030405060708, ack: true).Encode(), "PING ACK (the connection's own)");
        transcript.Received(Headers(Stream, false, (":status", "200")));
        transcript.Sent(Data(Stream, Frame.Client(Opcodes.Text, "Hello"u8.ToArray())), "step 1");
        transcript.Received(Data(Stream, new Frame(Opcodes.Text, "Hello"u8.ToArray())));
        transcript.Sent(Data(Stream, Frame.Client(Opcodes.Close, ClosePayload.Build(1000, []))), "close");
        transcript.Received(Data(Stream, new Frame(Opcodes.Close, ClosePayload.Build(1000, [])), endStream: true));
        transcript.Add(WireEntryKind.PeerClosed, "the server ended the stream (END_STREAM)");
        return transcript;
    }

    [Test]
    public void A_shared_stream_is_read_from_its_own_frames_as_a_connection_of_its_own_is()
    {
        var reading = SharedView().Reading();
        Assert.That(reading.HandshakeCompleted, reading.HandshakeProblem);
        Assert.That(reading.OverHttp2);
        Assert.That(reading.Events.Select(e => e.Event), Is.EqualTo(new[] { CaseBuilder.Text("Hello") }));
        Assert.That(reading.SharedConnectionTrouble, Is.Null);
        var score = Scorer.Score(EchoOfHello, reading);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(Http2Carriage.Of(SharedView().Stored()), Is.EqualTo(new Http2Carriage(Shared: true, Stream)));
    }

    [Test]
    public void A_connection_of_its_own_carries_the_WebSocket_on_the_stream_of_its_first_HEADERS()
    {
        var transcript = new Transcript();
        transcript.Sent([.. Http2Limits.ClientPreface, .. Http2FrameEncoder.Settings().Encode()], "the preface");
        transcript.Sent(Headers(1, false, (":method", "CONNECT")), "the opening request");
        Assert.That(Http2Carriage.Of(transcript.Stored()), Is.EqualTo(new Http2Carriage(Shared: false, 1)));
        var overTcp = new Transcript();
        overTcp.Sent("GET / HTTP/1.1\r\n\r\n"u8, "the opening request");
        Assert.That(Http2Carriage.Of(overTcp.Stored()), Is.Null);
    }

    [Test]
    public void The_shared_connection_ending_under_a_stream_is_read_as_trouble_of_the_connection()
    {
        var transcript = SharedView();
        transcript.Add(WireEntryKind.SharedConnectionTrouble, "HTTP/2 connection 1, which this stream shared, ended while the stream was open: the server closed the connection");
        Assert.That(transcript.Reading().SharedConnectionTrouble, Does.Contain("the server closed the connection"));
    }

    private static async Task<IReadOnlyList<CaseResult>> RunAsync(Http2Target target, IReadOnlyList<CaseDefinition> cases, int streams)
    {
        var options = new RunOptions
        {
            Session = new SessionOptions { Target = new Uri($"ws://{target.Authority}/"), Http2 = true },
            Http2StreamsPerConnection = streams,
        };
        var outcome = await Runner.RunAsync(cases, options, _ => { }, CancellationToken.None);
        Assert.That(outcome.Results, Has.Count.EqualTo(cases.Count), "every case ran");
        return outcome.Results;
    }

    private static IReadOnlyList<CaseDefinition> Categories(params string[] categories) =>
        CatalogueRuns.Catalogue.OverHttp2.Where(c => categories.Contains(c.Category)).ToList();

    private static ExpectationSet Expected(string name) =>
        ExpectationSet.Read(Path.Combine(RepositoryPaths.Root, "suites", "expectations", name + ".json"));

    private static string? ConnectionOf(CaseResult result) =>
        result.Transcript.FirstOrDefault(e => e.Kind == WireEntryKind.SharedHttp2Stream)?.Text?.Split(" (")[0];

    [Test]
    public async Task Kestrel_serves_the_cases_as_streams_of_one_connection_each_case_reading_only_its_own()
    {
        await using var target = await Http2Target.StartAsync("kestrel");
        var cases = Categories("1", "2", "5", "E");
        var results = await RunAsync(target, cases, streams: 16);
        CatalogueRuns.AssertConforming(results, Expected("kestrel-embedded-http2"));
        var (rfc8441, rest) = (results.Where(r => r.Category == "E").ToList(), results.Where(r => r.Category != "E").ToList());
        Assert.That(rest.Select(ConnectionOf).Distinct(), Is.EqualTo(new[] { "the WebSocket is a stream of HTTP/2 connection 1" }),
            "fewer cases than a connection carries in its life: all on the first");
        Assert.That(rest.Select(r => Http2Carriage.Of(r.Transcript)!.Stream).Distinct().Count(), Is.EqualTo(rest.Count), "a stream each");
        Assert.That(rest.Where(r => r.FirstRun is not null), Is.Empty, "Kestrel never failed the shared connection");
        Assert.That(rfc8441.Select(ConnectionOf), Is.All.Null, "the cases of RFC 8441 itself get connections of their own");
    }

    [Test]
    public async Task Hypercorn_ends_the_shared_connection_after_a_WebSocket_fails_so_the_cases_on_it_run_again_on_their_own()
    {
        await using var target = await Http2Target.StartAsync("hypercorn");
        var results = await RunAsync(target, Categories("2"), streams: 16);
        CatalogueRuns.AssertConforming(results, Expected("hypercorn-http2"));
        var again = results.Where(r => r.FirstRun is not null && r.RunAgainBecause!.StartsWith("its HTTP/2 connection, shared with other cases, failed it")).ToList();
        Assert.That(again, Is.Not.Empty, "hypercorn closed a shared connection under other cases' streams");
        Assert.That(again.Select(r => r.Reason), Has.All.Contains("run a second time, on an HTTP/2 connection of its own"));
        Assert.That(again.Select(ConnectionOf), Is.All.Null, "the second run had a connection of its own");
        Assert.That(again.Select(r => r.FirstRun!.Transcript.Any(e => e.Kind == WireEntryKind.SharedConnectionTrouble)), Is.All.True);
    }
}
