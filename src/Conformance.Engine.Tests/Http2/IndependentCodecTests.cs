using System.Text.Json.Nodes;
using Conformance.Protocol.Http2;
using static Conformance.Engine.Tests.Http2.PythonH2Codec;

namespace Conformance.Engine.Tests.Http2;

/// <summary>The suite's HTTP/2 framing and HPACK against an independent implementation: Python's hyperframe and hpack.</summary>
public class IndependentCodecTests
{
    private static HeaderField[] Fields(params string[] nameValues) =>
        Enumerable.Range(0, nameValues.Length / 2).Select(i => new HeaderField(nameValues[2 * i], nameValues[2 * i + 1])).ToArray();

    /// <summary>Responses as servers send them: repeated fields (which Python's encoder indexes), long values that evict, octets above 0x7f.</summary>
    private static readonly HeaderField[][] Responses =
    [
        Fields(":status", "200", "date", "Mon, 30 Nov 2026 23:29:30 GMT", "server", "hypercorn-h2"),
        Fields(":status", "200", "date", "Mon, 30 Nov 2026 23:29:31 GMT", "server", "hypercorn-h2", "sec-websocket-extensions", "permessage-deflate; server_max_window_bits=10"),
        Fields(":status", "400", "x-long", new string('v', 300), "x-octets", "caf\u00e9 \u00ff\u0001", "server", "hypercorn-h2"),
        Fields(":status", "200", "server", "hypercorn-h2", "x-long", new string('v', 300), "set-cookie", "a=b", "set-cookie", "c=d"),
    ];

    [TestCase(false, null)]
    [TestCase(true, null)]
    [TestCase(true, 256)]
    [TestCase(false, 0)]
    public void Blocks_Python_encodes_decode_to_its_header_lists(bool huffman, int? tableSize)
    {
        var answer = Run(new JsonObject { ["op"] = "hpack-encode", ["lists"] = Lists(Responses), ["huffman"] = huffman, ["table_size"] = tableSize });
        var decoder = new HpackDecoder();
        var blocks = answer["blocks"]!.AsArray().Select(b => Convert.FromHexString((string)b!)).ToArray();
        Assert.That(blocks, Has.Length.EqualTo(Responses.Length));
        for (int i = 0; i < blocks.Length; i++)
        {
            var (fields, error) = decoder.Decode(blocks[i]);
            Assert.That(error, Is.Null, $"block {i}");
            Assert.That(fields, Is.EqualTo(Responses[i]), $"block {i}");
        }
        if (tableSize != 0) Assert.That(decoder.DynamicTableSize, Is.GreaterThan(0), "Python's encoder indexed fields into the dynamic table");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Blocks_the_suite_builds_decode_in_Python_to_the_same_lists(bool huffman)
    {
        HeaderField[][] requests =
        [
            Fields(":method", "CONNECT", ":protocol", "websocket", ":scheme", "http", ":path", "/chat?x=1", ":authority", "127.0.0.1:9001", "sec-websocket-version", "13"),
            Fields(":method", "GET", ":path", "/", "x-octets", "\u00ff\u0000\u0080", "", "empty name"),
        ];
        var blocks = requests.Select(r => HpackBlockBuilder.Encode(r, huffman)).ToList();
        // Every representation, with the dynamic table: a size update, entries indexed, then referred to.
        blocks.Add(new HpackBlockBuilder().TableSizeUpdate(200)
            .Literal(HpackLiteral.IncrementalIndexing, 0, "x-indexed", "one", huffman)
            .Literal(HpackLiteral.IncrementalIndexing, 4, null, "/indexed-path", huffman)
            .Literal(HpackLiteral.NeverIndexed, 0, "authorization", "secret", huffman)
            .Indexed(62).Indexed(63).ToArray());
        var answer = Run(new JsonObject { ["op"] = "hpack-decode", ["blocks"] = new JsonArray([.. blocks.Select(b => (JsonNode)Convert.ToHexString(b))]) });
        var decoded = ListsFrom(answer["lists"]!);
        Assert.That(decoded[0], Is.EqualTo(requests[0]));
        Assert.That(decoded[1], Is.EqualTo(requests[1]));
        Assert.That(decoded[2], Is.EqualTo(Fields("x-indexed", "one", ":path", "/indexed-path", "authorization", "secret", ":path", "/indexed-path", "x-indexed", "one")));
    }

    [Test]
    public void Frames_hyperframe_writes_read_as_hyperframe_describes_them()
    {
        var made = Run(new JsonObject { ["op"] = "frames-made" })["frames"]!.AsArray();
        Assert.That(made, Has.Count.EqualTo(11));
        foreach (var pair in made)
        {
            var decoder = new Http2FrameDecoder(Http2Limits.LargestMaxFrameSize);
            decoder.Append(Convert.FromHexString((string)pair![0]!));
            var frame = decoder.Next();
            Assert.That(decoder.Error, Is.Null);
            AssertDescribedAlike(Describe(frame!), pair[1]!.AsObject());
        }
    }

    [Test]
    public void Frames_the_suite_writes_parse_in_hyperframe_as_written()
    {
        Http2Frame[] frames =
        [
            Http2FrameEncoder.Data(1, "payload"u8, endStream: true, padLength: 5),
            Http2FrameEncoder.Data(3, [], endStream: false),
            Http2FrameEncoder.Headers(1, [0x82, 0x86], endStream: false, endHeaders: false, new Http2PriorityFields(true, 0, 41), padLength: 1),
            Http2FrameEncoder.Continuation(1, [0x84], endHeaders: true),
            Http2FrameEncoder.Priority(3, new Http2PriorityFields(false, 1, 0)),
            Http2FrameEncoder.RstStream(1, Http2ErrorCode.Cancel),
            Http2FrameEncoder.Settings((Http2SettingId.EnablePush, 0u), (Http2SettingId.InitialWindowSize, 1u << 20), (Http2SettingId.EnableConnectProtocol, 1u)),
            Http2FrameEncoder.SettingsAck(),
            Http2FrameEncoder.PushPromise(1, 4, [0x82], endHeaders: true),
            Http2FrameEncoder.Ping(0xdead_beef_0102_0304),
            Http2FrameEncoder.GoAway(1, Http2ErrorCode.ProtocolError, "RFC 9113 6.10"u8),
            Http2FrameEncoder.WindowUpdate(1, Http2Limits.LargestWindowSize),
        ];
        var described = Run(new JsonObject { ["op"] = "frames-parse", ["frames"] = new JsonArray([.. frames.Select(f => (JsonNode)Convert.ToHexString(f.Encode()))]) })["frames"]!.AsArray();
        Assert.That(described, Has.Count.EqualTo(frames.Length));
        for (int i = 0; i < frames.Length; i++) AssertDescribedAlike(Describe(frames[i]), described[i]!.AsObject());
    }

    /// <summary>Every field the suite read must be in hyperframe's description with the same value.</summary>
    private static void AssertDescribedAlike(JsonObject ours, JsonObject python)
    {
        foreach (var (name, value) in ours)
            Assert.That(python[name]?.ToJsonString(), Is.EqualTo(value?.ToJsonString()), $"{name} of {python.ToJsonString()}");
    }
}
