using Conformance.Protocol.Http2;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// The HTTP/2 frame decoder and the HPACK decoder on what a hostile server may send. Input: one octet of settings
/// (low 6 bits + 1: the size of the pieces the octets arrive in; bit 6: Huffman in the re-encoding; bit 7: a
/// dynamic table of 64 octets instead of 4096), then the server's octets after its preface. Decoded whole and in
/// pieces the frames must agree and re-encode to the octets they came from; each frame's payload reads as content
/// or as an error, never both; each header block (HEADERS or PUSH_PROMISE with its CONTINUATION frames) decodes to
/// fields or an error within the limits, and the fields, encoded again, decode to themselves.
/// </summary>
public sealed class Http2DecoderHarness : Harness
{
    public override string Name => "http2-decoder";

    public override string Description => "Conformance.Protocol's HTTP/2 frame decoder, frame payload reader and HPACK decoder";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int pieceSize = (input[0] & 0x3f) + 1;
        bool huffman = (input[0] & 0x40) != 0;
        int tableSize = (input[0] & 0x80) != 0 ? 64 : 4096;
        var octets = input[1..];

        var whole = Decode(octets, octets.Length, out var wholeError);
        var pieces = Decode(octets, pieceSize, out var piecesError);
        if (wholeError != piecesError || whole.Count != pieces.Count)
            throw new OracleViolationException($"whole: {whole.Count} frame(s), {wholeError?.ToString() ?? "no error"}; in pieces of {pieceSize}: {pieces.Count}, {piecesError?.ToString() ?? "no error"}");
        int offset = 0;
        for (int i = 0; i < whole.Count; i++)
        {
            var encoded = whole[i].Encode();
            if (!encoded.AsSpan().SequenceEqual(pieces[i].Encode()) || !encoded.AsSpan().SequenceEqual(octets.Slice(offset, encoded.Length)))
                throw new OracleViolationException($"frame {i} at offset {offset} differs between decoding whole, in pieces and re-encoding");
            offset += encoded.Length;
        }
        ReadHeaderBlocks(whole, new HpackDecoder(tableSize, maxHeaderListSize: 16 * 1024), huffman);
    }

    private static List<Http2Frame> Decode(ReadOnlySpan<byte> octets, int pieceSize, out Http2Error? error)
    {
        var decoder = new Http2FrameDecoder();
        var frames = new List<Http2Frame>();
        for (int fed = 0; fed < octets.Length && decoder.Error is null; fed += pieceSize)
        {
            decoder.Append(octets.Slice(fed, Math.Min(pieceSize, octets.Length - fed)));
            while (decoder.Next() is { } frame) frames.Add(frame);
        }
        if (decoder.Error is null && decoder.ConsumedBytes + decoder.BufferedBytes != octets.Length)
            throw new OracleViolationException($"{octets.Length} octets fed, {decoder.ConsumedBytes} consumed and {decoder.BufferedBytes} buffered");
        error = decoder.Error;
        return frames;
    }

    private static void ReadHeaderBlocks(List<Http2Frame> frames, HpackDecoder hpack, bool huffman)
    {
        List<byte>? block = null;
        foreach (var frame in frames)
        {
            var (content, error) = Http2FrameContent.Read(frame);
            if ((content is null) == (error is null))
                throw new OracleViolationException($"{frame}: content {content} and error {error}");
            var (fragment, endHeaders) = content switch
            {
                HeadersContent h => (h.BlockFragment, h.EndHeaders),
                PushPromiseContent p => (p.BlockFragment, p.EndHeaders),
                ContinuationContent c when block is not null => (c.BlockFragment, c.EndHeaders),
                _ => (null, false),
            };
            if (fragment is null) continue;
            if (content is not ContinuationContent) block = [];
            block!.AddRange(fragment);
            if (!endHeaders) continue;
            var (fields, hpackError) = hpack.Decode(block.ToArray());
            block = null;
            if (hpackError is not null) return; // the table is out of step from here on, as a connection would end
            CheckFields(fields!, hpack, huffman);
        }
    }

    private static void CheckFields(List<HeaderField> fields, HpackDecoder hpack, bool huffman)
    {
        if (fields.Sum(f => (long)f.Size) > hpack.MaxHeaderListSize || hpack.DynamicTableSize > hpack.SettingsHeaderTableSize)
            throw new OracleViolationException($"a header list of {fields.Sum(f => (long)f.Size)} octets, a table of {hpack.DynamicTableSize}");
        if (fields.Any(f => f.Name.Any(c => c > 0xff) || f.Value.Any(c => c > 0xff)))
            throw new OracleViolationException("a field holds a char that is not one octet");
        var again = new HpackDecoder().Decode(HpackBlockBuilder.Encode(fields, huffman));
        if (again.Error is not null || !again.Fields!.SequenceEqual(fields))
            throw new OracleViolationException($"the fields, encoded again, decode as {again.Error?.ToString() ?? string.Join(", ", again.Fields!)}");
    }

    public override IEnumerable<byte[]> Seeds(SeedMaterial material)
    {
        var settings = Http2FrameEncoder.Settings((Http2SettingId.MaxConcurrentStreams, 100u), (Http2SettingId.InitialWindowSize, 786432u),
            (Http2SettingId.MaxHeaderListSize, 32768u), (Http2SettingId.EnableConnectProtocol, 1u)).Encode();
        // A response whose fields are indexed into the table, then one that refers to them, as servers write them.
        var indexing = new HpackBlockBuilder().Indexed(8).Literal(HpackLiteral.IncrementalIndexing, 33, null, "Mon, 30 Nov 2026 23:29:30 GMT", true)
            .Literal(HpackLiteral.IncrementalIndexing, 54, null, "hypercorn-h2", true).ToArray();
        var referring = new HpackBlockBuilder().TableSizeUpdate(256).Indexed(8).Indexed(62).Indexed(63).ToArray();
        byte[] response = [.. settings, .. Http2FrameEncoder.SettingsAck().Encode(), .. Http2FrameEncoder.Headers(1, indexing, false, true).Encode()];
        byte[][] flights =
        [
            response,
            [.. response, .. Http2FrameEncoder.Headers(3, referring[..3], false, false).Encode(), .. Http2FrameEncoder.Continuation(3, referring[3..], true).Encode()],
            [.. Http2FrameEncoder.Ping(7).Encode(), .. Http2FrameEncoder.WindowUpdate(0, 1 << 20).Encode(), .. Http2FrameEncoder.RstStream(1, Http2ErrorCode.NoError).Encode(),
             .. Http2FrameEncoder.GoAway(1, Http2ErrorCode.ProtocolError, "debug"u8).Encode(), .. Http2FrameEncoder.Priority(1, new(true, 0, 15)).Encode()],
            [.. Http2FrameEncoder.PushPromise(1, 2, indexing, true).Encode(), .. Http2FrameEncoder.Data(1, [0x81, 0x02, 0x68, 0x69], true, 3).Encode()],
            Convert.FromHexString("000011010400000001828684418CF1E3C2E5F23A6BA0AB90F4FF"),
        ];
        var settingsOctets = new byte[] { 0x05, 0x45, 0x80 };
        return flights.SelectMany(f => settingsOctets.Select(s => (byte[])[s, .. f]))
            .Concat(material.ClientStreams.Take(50).Select(s => (byte[])[0x07, .. Http2FrameEncoder.Data(1, s.AsSpan(0, Math.Min(s.Length, 1000))).Encode()]));
    }

    public override IEnumerable<byte[]> DictionaryTokens => FuzzingTokens.Http2;
}
