using Conformance.Protocol.Http2;
using FsCheck;
using FsCheck.Fluent;
using static Conformance.Protocol.Tests.PropertyCheck;

namespace Conformance.Protocol.Tests.Http2;

public class Http2FrameTests
{
    private static Http2Frame DecodeOne(byte[] octets, int maxFrameSize = Http2Limits.DefaultMaxFrameSize)
    {
        var decoder = new Http2FrameDecoder(maxFrameSize);
        decoder.Append(octets);
        var frame = decoder.Next();
        Assert.That(decoder.Error, Is.Null);
        Assert.That(frame, Is.Not.Null);
        return frame!;
    }

    public static IEnumerable<TestCaseData> EveryType()
    {
        var priority = new Http2PriorityFields(true, 3, 200);
        yield return new TestCaseData(Http2FrameEncoder.Data(1, "abc"u8, endStream: true, padLength: 4), new DataContent("abc"u8.ToArray(), true)).SetArgDisplayNames("DATA padded");
        yield return new TestCaseData(Http2FrameEncoder.Headers(3, [0x82], false, true, priority, 2), new HeadersContent(priority, [0x82], false, true)).SetArgDisplayNames("HEADERS priority padded");
        yield return new TestCaseData(Http2FrameEncoder.Continuation(3, [0x84], true), new ContinuationContent([0x84], true)).SetArgDisplayNames("CONTINUATION");
        yield return new TestCaseData(Http2FrameEncoder.Priority(5, priority), new PriorityContent(priority)).SetArgDisplayNames("PRIORITY");
        yield return new TestCaseData(Http2FrameEncoder.RstStream(5, Http2ErrorCode.Cancel), new RstStreamContent(Http2ErrorCode.Cancel)).SetArgDisplayNames("RST_STREAM");
        yield return new TestCaseData(Http2FrameEncoder.SettingsAck(), new SettingsContent([], true)).SetArgDisplayNames("SETTINGS ACK");
        yield return new TestCaseData(Http2FrameEncoder.PushPromise(1, 2, [0x82], true), new PushPromiseContent(2, [0x82], true)).SetArgDisplayNames("PUSH_PROMISE");
        yield return new TestCaseData(Http2FrameEncoder.Ping(0x0102030405060708, ack: true), new PingContent(0x0102030405060708, true)).SetArgDisplayNames("PING ACK");
        yield return new TestCaseData(Http2FrameEncoder.GoAway(7, Http2ErrorCode.EnhanceYourCalm, "calm"u8), new GoAwayContent(7, Http2ErrorCode.EnhanceYourCalm, "calm"u8.ToArray())).SetArgDisplayNames("GOAWAY");
        yield return new TestCaseData(Http2FrameEncoder.WindowUpdate(0, 1000), new WindowUpdateContent(1000)).SetArgDisplayNames("WINDOW_UPDATE");
        yield return new TestCaseData(new Http2Frame(0xfa, 0xff, 9, [1, 2]), new UnknownContent(0xfa, [1, 2])).SetArgDisplayNames("unknown type");
    }

    [TestCaseSource(nameof(EveryType))]
    public void Every_frame_type_is_read_back_as_written(Http2Frame frame, Http2FrameContent expected)
    {
        var decoded = DecodeOne(frame.Encode());
        Assert.That(decoded.Encode(), Is.EqualTo(frame.Encode()));
        var (content, error) = Http2FrameContent.Read(decoded);
        Assert.That(error, Is.Null);
        Assert.That(Describe(content!), Is.EqualTo(Describe(expected)));
    }

    /// <summary>Records holding arrays compare by reference; their printed form with the arrays in hex does not.</summary>
    private static string Describe(Http2FrameContent content) => content switch
    {
        DataContent d => $"data {Convert.ToHexString(d.Data)} {d.EndStream}",
        HeadersContent h => $"headers {h.Priority} {Convert.ToHexString(h.BlockFragment)} {h.EndStream} {h.EndHeaders}",
        ContinuationContent c => $"continuation {Convert.ToHexString(c.BlockFragment)} {c.EndHeaders}",
        SettingsContent s => $"settings {string.Join(",", s.Settings)} {s.Ack}",
        PushPromiseContent p => $"push {p.PromisedStreamId} {Convert.ToHexString(p.BlockFragment)} {p.EndHeaders}",
        GoAwayContent g => $"goaway {g.LastStreamId} {g.Code} {Convert.ToHexString(g.DebugData)}",
        UnknownContent u => $"unknown {u.Type} {Convert.ToHexString(u.Payload)}",
        _ => content.ToString(),
    };

    [Test]
    public void Settings_are_kept_in_order_with_unknown_identifiers()
    {
        var frame = Http2FrameEncoder.Settings((Http2SettingId.EnableConnectProtocol, 1u), ((Http2SettingId)0x77, 5u), (Http2SettingId.MaxFrameSize, 20000u));
        var content = (SettingsContent)Http2FrameContent.Read(DecodeOne(frame.Encode())).Content!;
        Assert.That(content.Settings, Is.EqualTo(new (ushort, uint)[] { (8, 1), (0x77, 5), (5, 20000) }));
    }

    [TestCase("000004 00 00 00000000 00000000", "RFC 9113 6.1", Http2ErrorCode.ProtocolError, TestName = "DATA on stream 0")]
    [TestCase("000003 00 08 00000001 030000", "RFC 9113 6.1", Http2ErrorCode.ProtocolError, TestName = "DATA whose padding fills it")]
    [TestCase("000000 00 08 00000001", "RFC 9113 4.2", Http2ErrorCode.FrameSizeError, TestName = "DATA padded without a pad length")]
    [TestCase("000003 01 20 00000001 000000", "RFC 9113 4.2", Http2ErrorCode.FrameSizeError, TestName = "HEADERS too short for its priority")]
    [TestCase("000002 01 0c 00000001 0200", "RFC 9113 6.2", Http2ErrorCode.ProtocolError, TestName = "HEADERS whose padding fills it")]
    [TestCase("000003 05 04 00000001 000000", "RFC 9113 4.2", Http2ErrorCode.FrameSizeError, TestName = "PUSH_PROMISE too short for its promised stream")]
    [TestCase("000004 02 00 00000001 00000000", "RFC 9113 6.3", Http2ErrorCode.FrameSizeError, TestName = "PRIORITY of 4 octets")]
    [TestCase("000005 03 00 00000001 0000000000", "RFC 9113 6.4", Http2ErrorCode.FrameSizeError, TestName = "RST_STREAM of 5 octets")]
    [TestCase("000004 03 00 00000000 00000000", "RFC 9113 6.4", Http2ErrorCode.ProtocolError, TestName = "RST_STREAM on stream 0")]
    [TestCase("000005 04 00 00000000 0000000000", "RFC 9113 6.5", Http2ErrorCode.FrameSizeError, TestName = "SETTINGS of 5 octets")]
    [TestCase("000006 04 01 00000000 000100000000", "RFC 9113 6.5", Http2ErrorCode.FrameSizeError, TestName = "SETTINGS ACK with a payload")]
    [TestCase("000000 04 00 00000001", "RFC 9113 6.5", Http2ErrorCode.ProtocolError, TestName = "SETTINGS on stream 1")]
    [TestCase("000006 04 00 00000000 000200000002", "RFC 9113 6.5.2", Http2ErrorCode.ProtocolError, TestName = "SETTINGS_ENABLE_PUSH 2")]
    [TestCase("000006 04 00 00000000 000480000000", "RFC 9113 6.5.2", Http2ErrorCode.FlowControlError, TestName = "SETTINGS_INITIAL_WINDOW_SIZE 2^31")]
    [TestCase("000006 04 00 00000000 000500003fff", "RFC 9113 6.5.2", Http2ErrorCode.ProtocolError, TestName = "SETTINGS_MAX_FRAME_SIZE 16383")]
    [TestCase("000006 04 00 00000000 000801000000", "RFC 8441 3", Http2ErrorCode.ProtocolError, TestName = "SETTINGS_ENABLE_CONNECT_PROTOCOL 2^24")]
    [TestCase("000004 05 00 00000000 00000002", "RFC 9113 6.6", Http2ErrorCode.ProtocolError, TestName = "PUSH_PROMISE on stream 0")]
    [TestCase("000007 06 00 00000000 00000000000000", "RFC 9113 6.7", Http2ErrorCode.FrameSizeError, TestName = "PING of 7 octets")]
    [TestCase("000008 06 00 00000003 0000000000000000", "RFC 9113 6.7", Http2ErrorCode.ProtocolError, TestName = "PING on stream 3")]
    [TestCase("000007 07 00 00000000 00000000000000", "RFC 9113 6.8", Http2ErrorCode.FrameSizeError, TestName = "GOAWAY of 7 octets")]
    [TestCase("000004 08 00 00000000 00000000", "RFC 9113 6.9", Http2ErrorCode.ProtocolError, TestName = "WINDOW_UPDATE of 0")]
    [TestCase("000003 08 00 00000001 000001", "RFC 9113 6.9", Http2ErrorCode.FrameSizeError, TestName = "WINDOW_UPDATE of 3 octets")]
    [TestCase("000000 09 04 00000000", "RFC 9113 6.10", Http2ErrorCode.ProtocolError, TestName = "CONTINUATION on stream 0")]
    public void A_malformed_frame_is_an_error_naming_its_section(string hex, string section, Http2ErrorCode code)
    {
        var (content, error) = Http2FrameContent.Read(DecodeOne(Hex(hex)));
        Assert.That(content, Is.Null);
        Assert.That((error!.Section, error.Code), Is.EqualTo((section, code)), error.ToString());
    }

    [Test]
    public void A_frame_longer_than_the_announced_maximum_is_a_frame_size_error()
    {
        var decoder = new Http2FrameDecoder();
        decoder.Append(Http2FrameEncoder.Header(Http2Limits.DefaultMaxFrameSize + 1, 0, 0, 1));
        Assert.That(decoder.Next(), Is.Null);
        Assert.That(decoder.Error!.Section, Is.EqualTo("RFC 9113 4.2"));
        Assert.That(decoder.Error.Code, Is.EqualTo(Http2ErrorCode.FrameSizeError));
    }

    [Test]
    public void An_announced_length_allocates_nothing_until_the_octets_arrive()
    {
        var decoder = new Http2FrameDecoder(Http2Limits.LargestMaxFrameSize);
        var before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Append(Http2FrameEncoder.Header(Http2Limits.LargestMaxFrameSize, 0, 0, 1));
        decoder.Append(new byte[100]);
        Assert.That(decoder.Next(), Is.Null);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4096));
        Assert.That(decoder.BufferedBytes, Is.EqualTo(109));
    }

    [Test]
    public void The_encoder_writes_what_a_conforming_client_never_would()
    {
        var header = Http2FrameEncoder.Header(3, 0xee, 0xff, 0x8000_0001);
        Assert.That(Convert.ToHexString(header), Is.EqualTo("000003EEFF80000001"));
        var frame = DecodeOne([.. header, 1, 2, 3]);
        Assert.That((frame.StreamId, frame.StreamField), Is.EqualTo((1u, 0x8000_0001u)));
    }

    /// <summary>A generated frame whose payload prints as hex.</summary>
    internal sealed record FrameCase(byte Type, byte Flags, uint StreamField, byte[] Payload, int PieceSeed)
    {
        public override string ToString() => $"type {Type} flags {Flags:x2} stream {StreamField:x8} payload {Convert.ToHexString(Payload)} pieces {PieceSeed}";
    }

    [Test]
    public void Frames_round_trip_through_the_decoder_in_arbitrary_pieces()
    {
        var octet = Gen.Choose(0, 255).Select(b => (byte)b);
        var stream = Gen.Frequency((3, Gen.Choose(0, 9).Select(i => (uint)i)), (1, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (uint)i)));
        var payload = Gen.Frequency((4, Gen.ArrayOf(octet)), (1, Gen.Choose(0, Http2Limits.DefaultMaxFrameSize).Select(n => Bytes(n, n))));
        var frameCase = from type in octet from flags in octet from id in stream from p in payload from seed in Gen.Choose(0, 1000)
                        select new FrameCase(type, flags, id, p, seed);
        Holds(Gen.ListOf(frameCase).Select(l => l.ToArray()), cases =>
        {
            var frames = cases.Select(c => new Http2Frame(c.Type, c.Flags, c.StreamField, c.Payload)).ToArray();
            byte[] wire = [.. frames.SelectMany(f => f.Encode())];
            var decoder = new Http2FrameDecoder();
            var decoded = new List<Http2Frame>();
            foreach (var (start, length) in Pieces(cases.FirstOrDefault()?.PieceSeed ?? 0, wire.Length, 700))
            {
                decoder.Append(wire.AsSpan(start, length));
                while (decoder.Next() is { } frame) decoded.Add(frame);
            }
            return decoder.Error is null && decoder.BufferedBytes == 0 && decoded.Count == frames.Length
                   && decoded.Zip(frames).All(p => p.First.Encode().AsSpan().SequenceEqual(p.Second.Encode()));
        }, maxTest: 200);
    }

    [Test]
    public void Reading_any_frame_gives_content_or_an_error_never_an_exception()
    {
        var octet = Gen.Choose(0, 255).Select(b => (byte)b);
        var frame = from type in Gen.Choose(0, 10) from flags in octet from id in Gen.Choose(0, 3)
                    from payload in Gen.ArrayOf(octet) select new FrameCase((byte)type, flags, (uint)id, payload, 0);
        Holds(frame, c =>
        {
            var (content, error) = Http2FrameContent.Read(new Http2Frame(c.Type, c.Flags, c.StreamField, c.Payload));
            return (content is null) != (error is null);
        }, maxTest: 2000);
    }
}
