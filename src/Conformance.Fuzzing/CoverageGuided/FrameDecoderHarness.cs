using Conformance.Protocol;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// The frame decoder on what a hostile server may send. Input: one octet of settings (low 7 bits + 1: the size
/// of the pieces the stream arrives in; high bit: a payload limit of 200 octets instead of 64 MiB), then the stream.
/// The stream is decoded twice, whole and in pieces, and the two must give the same frames and the same error;
/// each frame, encoded again with the length encoding it came in, must give back the octets it was decoded from.
/// </summary>
public sealed class FrameDecoderHarness : Harness
{
    private const int SmallPayloadLimit = 200;

    public override string Name => "frame-decoder";

    public override string Description => "Conformance.Protocol's FrameDecoder: a stream decoded whole and in pieces must agree and re-encode to itself";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int pieceSize = (input[0] & 0x7f) + 1;
        long limit = (input[0] & 0x80) != 0 ? SmallPayloadLimit : 64L * 1024 * 1024;
        ReadOnlySpan<byte> stream = input[1..];

        var whole = Decode(stream, stream.Length, limit, out string? wholeError);
        var pieces = Decode(stream, pieceSize, limit, out string? piecesError);
        if (wholeError != piecesError)
            throw new OracleViolationException($"error decoding whole: {wholeError ?? "none"}; in pieces of {pieceSize}: {piecesError ?? "none"}");
        if (whole.Count != pieces.Count)
            throw new OracleViolationException($"{whole.Count} frame(s) decoding whole, {pieces.Count} in pieces of {pieceSize}");

        for (int i = 0; i < whole.Count; i++)
        {
            DecodedFrame a = whole[i], b = pieces[i];
            if (a.Header != b.Header || a.StreamOffset != b.StreamOffset || !a.Payload.AsSpan().SequenceEqual(b.Payload))
                throw new OracleViolationException($"frame {i} differs between decoding whole and in pieces of {pieceSize}");
            CheckReEncoding(a, stream);
        }
    }

    private static List<DecodedFrame> Decode(ReadOnlySpan<byte> stream, int pieceSize, long limit, out string? error)
    {
        var decoder = new FrameDecoder(limit);
        var frames = new List<DecodedFrame>();
        int fed = 0;
        do
        {
            int piece = Math.Min(pieceSize, stream.Length - fed);
            decoder.Append(stream.Slice(fed, piece));
            fed += piece;
            DecodeStatus status;
            while ((status = decoder.TryRead(out DecodedFrame? frame)) == DecodeStatus.Frame) frames.Add(frame!);
            if (status == DecodeStatus.Error) break;
        } while (fed < stream.Length);

        if (decoder.ConsumedBytes + decoder.BufferedBytes != fed)
            throw new OracleViolationException($"{fed} octets fed, but {decoder.ConsumedBytes} consumed and {decoder.BufferedBytes} buffered");
        error = decoder.Error;
        return frames;
    }

    private static void CheckReEncoding(DecodedFrame decoded, ReadOnlySpan<byte> stream)
    {
        FrameHeader h = decoded.Header;
        var frame = new Frame(h.Opcode, decoded.Payload, h.Fin, h.Rsv, h.GetMaskKeyBytes(), h.LengthEncoding);
        byte[] encoded = frame.Encode();
        ReadOnlySpan<byte> original = stream.Slice((int)decoded.StreamOffset, encoded.Length);
        if (!original.SequenceEqual(encoded))
            throw new OracleViolationException(
                $"the frame at offset {decoded.StreamOffset} re-encodes as {Convert.ToHexString(encoded)}, not {Convert.ToHexString(original)}");
    }

    public override IEnumerable<byte[]> Seeds(SeedMaterial material) =>
        material.ClientStreams.Select(s => (byte[])[0x07, .. s]).Append([0x80, 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
}
