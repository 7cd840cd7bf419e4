using System.Text;
using static Conformance.Engine.Tests.CaseBuilder;

namespace Conformance.Engine.Tests;

/// <summary>
/// The scorer on transcripts the suite recorded playing the server: the client's request comes first, the client's
/// frames must be masked and the suite's are not, and the suite closing TCP after the closing handshake is how a
/// server ends it, not FAILED BY CLIENT.
/// </summary>
public class ServerRoleScorerTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>A client's request read, the suite's 101 written: what the session records when a client connects.</summary>
    private static TranscriptBuilder Accepted()
    {
        var b = new TranscriptBuilder();
        b.Add(WireEntryKind.Received, new UpgradeRequest("127.0.0.1:9001", "/runCase?case=1&agent=a", Key).ToBytes());
        b.Add(WireEntryKind.Sent, Encoding.ASCII.GetBytes(OpeningRequestHead.Parse(
            $"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13").SwitchingProtocols()));
        return b;
    }

    private static byte[] FromClient(byte opcode, byte[] payload, bool masked = true) => new Frame(opcode, payload, maskKey: masked ? [9, 8, 7, 6] : null).Encode();
    private static byte[] FromSuite(byte opcode, byte[] payload) => Role.Server.Frame(opcode, payload).Encode();

    private static TranscriptBuilder EchoedAndClosed(bool clientMasks) => Accepted()
        .Add(WireEntryKind.Sent, FromSuite(Opcodes.Text, "Hello"u8.ToArray()))
        .Add(WireEntryKind.Received, FromClient(Opcodes.Text, "Hello"u8.ToArray(), clientMasks))
        .Add(WireEntryKind.Sent, FromSuite(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, [])))
        .Add(WireEntryKind.Received, FromClient(Opcodes.Close, ClosePayload.Build(CloseCodes.Normal, []), clientMasks))
        .SuiteDropped("the closing handshake is done; the suite closes the TCP connection first, as a server should (RFC 6455 7.1.1)");

    [Test]
    public void A_masked_echo_and_a_clean_close_is_OK_and_the_suite_closing_TCP_first_is_no_fault()
    {
        var reading = TranscriptReading.Read(EchoedAndClosed(clientMasks: true).Entries);
        Assert.That(reading.Role, Is.EqualTo(Role.Server));
        var score = Scorer.Score(Case([Ok(Text("Hello"))]), reading);
        Assert.That((score.Behavior, score.BehaviorClose), Is.EqualTo((Verdict.Ok, CloseVerdict.Ok)), score.Reason);
    }

    [Test]
    public void An_unmasked_echo_fails_the_case_and_names_the_violation()
    {
        var score = Scorer.Score(Case([Ok(Text("Hello"))]), EchoedAndClosed(clientMasks: false).Entries);
        Assert.That(score.Behavior, Is.EqualTo(Verdict.Failed), score.Reason);
        Assert.That(score.Violations, Has.Some.StartsWith("the client sent an unmasked text frame (RFC 6455 5.1"));
    }

    [Test]
    public void The_same_frames_read_as_the_client_role_take_a_masked_frame_from_the_server_as_the_violation()
    {
        // The suite playing the client: its request first; the peer's frames must then be unmasked.
        var score = Scorer.Score(Case([Ok(Text("Hello"))]), TranscriptBuilder.Opened(Key)
            .Add(WireEntryKind.Received, FromClient(Opcodes.Text, "Hello"u8.ToArray())).Entries);
        Assert.That(score.Violations, Has.Some.StartsWith("the server sent a masked text frame"));
    }
}
