using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>
/// A case played over an extended-CONNECT stream against real servers: the transport's ends map as RFC 8441 5 says
/// (the server's END_STREAM is its clean close; the suite's drop is RST_STREAM CANCEL), and the close verdicts follow.
/// </summary>
[NonParallelizable]
public class Http2SessionTests
{
    private static readonly CaseDefinition CloseAfterEcho = CatalogueRuns.Catalogue.Cases.Single(c => c.Id == "7.1.1");

    private static async Task<(Transcript Transcript, Score Score)> PlayAsync(Http2Target target, bool tls)
    {
        var options = new SessionOptions { Target = new Uri($"{(tls ? "wss" : "ws")}://{target.Authority}/"), AcceptUntrustedCertificate = tls, Http2 = true };
        var transcript = await Session.RunAsync(CloseAfterEcho, options, TimeSpan.FromSeconds(20), CancellationToken.None);
        return (transcript, Scorer.Score(CloseAfterEcho, transcript.Reading()));
    }

    /// <summary>The suite's HTTP/2 frames, read back from the transcript by the one wire layer.</summary>
    private static List<Http2FrameRead> SuiteFrames(Transcript transcript)
    {
        var reader = DirectionReader.OverHttp2(1 << 20, carriesPreface: true);
        var frames = new List<Http2FrameRead>();
        foreach (var entry in transcript.Stored().Where(e => e.Kind == WireEntryKind.Sent && e.Data is not null))
        {
            reader.Append(Convert.FromBase64String(entry.Data!));
            for (var status = reader.TryRead(out _); status != DirectionStatus.NeedMoreData; status = reader.TryRead(out _))
                if (status == DirectionStatus.Http2Frame) frames.Add(reader.Http2Frame!);
        }
        return frames;
    }

    [TestCase("kestrel")]
    [TestCase("kestrel-tls")]
    public async Task Kestrel_ends_the_stream_after_the_closing_handshake_which_is_its_clean_close(string server)
    {
        await using var target = await Http2Target.StartAsync(server);
        var (transcript, score) = await PlayAsync(target, server.EndsWith("-tls", StringComparison.Ordinal));
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(transcript.Stored().Select(e => e.Text ?? ""), Has.Some.Contains("the server ended the stream (END_STREAM)"));
        Assert.That(SuiteFrames(transcript).Select(f => f.Frame.KnownType), Has.None.EqualTo(Http2FrameType.RstStream), "the suite did not drop anything");
    }

    [Test]
    public async Task Hypercorn_keeps_the_stream_open_after_the_closing_handshake_so_the_suite_resets_it_and_the_close_is_unclean()
    {
        await using var target = await Http2Target.StartAsync("hypercorn");
        var (transcript, score) = await PlayAsync(target, tls: false);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Unclean)), score.Reason);
        Assert.That(score.Reason, Does.Contain("the server did not close the TCP connection within 1 s of the closing handshake"));
        var reset = SuiteFrames(transcript).Single(f => f.Frame.KnownType == Http2FrameType.RstStream);
        Assert.That((reset.Frame.StreamId, ((RstStreamContent)reset.Content!).Code), Is.EqualTo((1u, Http2ErrorCode.Cancel)), "RFC 8441 5: the suite's drop is RST_STREAM CANCEL");
    }
}
