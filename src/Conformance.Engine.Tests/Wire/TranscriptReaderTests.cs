using System.Text;

namespace Conformance.Engine.Tests;

/// <summary>The transcript read as it is recorded: the same facts as read whole, in the memory of a frame, not of what moved.</summary>
public class TranscriptReaderTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 256 * 1024).Select(i => (byte)(i * 7)).ToArray();
    private static readonly CaseDefinition EchoSeries = CaseBuilder.Case([CaseBuilder.Ok(Enumerable.Repeat(Message(), 1000).ToArray())]);

    private static ConversationEvent Message() => ConversationEvent.Message(true, Payload);

    [Test]
    public void A_thousand_echoes_of_256_KiB_are_scored_while_the_transcript_holds_kilobytes()
    {
        var handshake = TranscriptBuilder.Opened().Entries;
        var suiteFrame = new Frame(Opcodes.Binary, Payload, true, 0, [1, 2, 3, 4]).Encode();
        var serverFrame = new Frame(Opcodes.Binary, Payload).Encode();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var transcript = new Transcript(DateTimeOffset.UtcNow, handshake);
        for (var i = 0; i < 1000; i++)
        {
            transcript.Sent(suiteFrame, "step 1");
            for (var at = 0; at < serverFrame.Length; at += 64 * 1024)
                transcript.Received(serverFrame.AsSpan(at, Math.Min(64 * 1024, serverFrame.Length - at)));
        }
        transcript.Sent(new Frame(Opcodes.Close, ClosePayload.Build(1000, []), true, 0, [1, 2, 3, 4]).Encode(), "close");
        transcript.Received(new Frame(Opcodes.Close, ClosePayload.Build(1000, [])).Encode());
        transcript.Add(WireEntryKind.PeerClosed, "the server closed the TCP connection");
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;

        var score = Scorer.Score(EchoSeries, transcript.Reading());
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
        Assert.That(held, Is.LessThan(4 * 1024 * 1024), "512 MiB moved; the transcript keeps its stored form and the reader one frame");
        GC.KeepAlive(transcript);
    }

    [Test]
    public void Reading_as_recorded_gives_the_facts_reading_the_whole_gives()
    {
        var entries = TranscriptBuilder.Opened()
            .ServerText("one").Server(Opcodes.Ping, [1, 2]).Mark("m")
            .Add(WireEntryKind.TimerFired, text: "timer: 1000 ms passed")
            .SuiteClose(1000).Server(Opcodes.Text, [0xFF]).ServerClose(1002).PeerClosed().Entries;
        var transcript = new Transcript(DateTimeOffset.UtcNow, []);
        foreach (var e in entries)
        {
            if (e.Bytes is { } bytes && e.Kind == WireEntryKind.Sent) transcript.Sent(bytes, e.Text ?? "");
            else if (e.Bytes is { } received) transcript.Received(received);
            else transcript.Add(e.Kind, e.Text);
        }
        var live = transcript.Reading();
        var whole = TranscriptReading.Read(entries);
        Assert.That(live.Events.Select(e => e.Event), Is.EqualTo(whole.Events.Select(e => e.Event)));
        Assert.That(live.Events.Select(e => e.EntryIndex), Is.EqualTo(whole.Events.Select(e => e.EntryIndex)));
        Assert.That(live.ServerViolations, Is.EqualTo(whole.ServerViolations));
        Assert.That(live.Closing, Is.EqualTo(whole.Closing));
        Assert.That((live.FirstTimerAt, live.FirstTimer?.Text, live.LastTimerFiredAt, live.PeerClosedAt, live.EntryCount),
            Is.EqualTo((whole.FirstTimerAt, whole.FirstTimer?.Text, whole.LastTimerFiredAt, whole.PeerClosedAt, whole.EntryCount)));
        Assert.That(ServerAnswers.Close(live), Is.EqualTo(ServerAnswers.Close(whole)));
        Assert.That(ServerAnswers.Handshake(whole).Took, Is.EqualTo(TimeSpan.FromMicroseconds(100)), "recorded 100 µs apart");
        Assert.That(ServerAnswers.Handshake(live).Took, Is.Not.Null, "recorded now");
    }

    [Test]
    public void Payloads_past_64_octets_are_kept_as_digests_that_still_tell_messages_apart()
    {
        var a = Encoding.UTF8.GetBytes(new string('a', 10_000));
        var b = (byte[])a.Clone();
        b[^1] = (byte)'b';
        Assert.That(ConversationEvent.Message(false, a), Is.EqualTo(ConversationEvent.Message(false, (byte[])a.Clone())));
        Assert.That(ConversationEvent.Message(false, a), Is.Not.EqualTo(ConversationEvent.Message(false, b)));
        Assert.That(ConversationEvent.Message(false, a), Is.Not.EqualTo(ConversationEvent.Message(true, a)));
        Assert.That(ConversationEvent.Message(false, a).ToString(), Is.EqualTo("text message (10000 octets: \"aaaaaaaaaaaaaaaa\"…)"));

        var pieces = new PayloadDigest();
        foreach (var chunk in a.Chunk(333)) pieces.Append(chunk);
        Assert.That(ConversationEvent.Message(false, pieces.Finish()), Is.EqualTo(ConversationEvent.Message(false, a)), "fed in pieces or whole");
    }
}
