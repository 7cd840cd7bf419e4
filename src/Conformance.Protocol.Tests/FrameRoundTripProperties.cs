using System.Buffers.Binary;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

public class FrameRoundTripProperties
{
    [Test]
    public void Decoding_an_encoded_frame_gives_back_every_field() =>
        PropertyCheck.Holds(FrameGenerators.Frame, spec =>
        {
            Frame frame = spec.ToFrame();
            var decoder = new FrameDecoder();
            decoder.Append(frame.Encode());
            return decoder.TryRead(out DecodedFrame? decoded) == DecodeStatus.Frame
                && Matches(frame, decoded!, expectedOffset: 0)
                && decoder.TryRead(out _) == DecodeStatus.NeedMoreData
                && decoder.BufferedBytes == 0
                && decoder.ConsumedBytes == frame.EncodedLength;
        }, maxTest: 200);

    [Test]
    public void Frames_fed_in_random_pieces_decode_the_same() =>
        PropertyCheck.Holds(
            from count in Gen.Choose(1, 4)
            from specs in Gen.ListOf(FrameGenerators.Frame, count)
            from maxPiece in FrameGenerators.MaxPieceSize
            from splitSeed in Gen.Choose(0, int.MaxValue)
            select (specs, maxPiece, splitSeed),
            testCase =>
            {
                List<Frame> frames = testCase.specs.Select(s => s.ToFrame()).ToList();
                byte[] stream = frames.SelectMany(f => f.Encode()).ToArray();
                var decoder = new FrameDecoder();
                var decoded = new List<DecodedFrame>();
                foreach ((int start, int length) in PropertyCheck.Pieces(testCase.splitSeed, stream.Length, testCase.maxPiece))
                {
                    decoder.Append(stream.AsSpan(start, length));
                    DecodeStatus status;
                    while ((status = decoder.TryRead(out DecodedFrame? frame)) == DecodeStatus.Frame)
                    {
                        decoded.Add(frame!);
                    }

                    if (status != DecodeStatus.NeedMoreData)
                    {
                        return false;
                    }
                }

                long offset = 0;
                for (int i = 0; i < frames.Count; i++)
                {
                    if (i >= decoded.Count || !Matches(frames[i], decoded[i], offset))
                    {
                        return false;
                    }

                    offset += frames[i].EncodedLength;
                }

                return decoded.Count == frames.Count && decoder.BufferedBytes == 0 && decoder.ConsumedBytes == stream.Length;
            },
            maxTest: 100);

    [Test]
    public void EncodeTo_writes_the_same_bytes_as_Encode() =>
        PropertyCheck.Holds(FrameGenerators.Frame, spec =>
        {
            Frame frame = spec.ToFrame();
            var destination = new byte[frame.EncodedLength + 3];
            int written = frame.EncodeTo(destination);
            return written == frame.EncodedLength && destination.AsSpan(0, written).SequenceEqual(frame.Encode());
        }, maxTest: 50);

    private static bool Matches(Frame sent, DecodedFrame received, long expectedOffset)
    {
        FrameHeader header = received.Header;
        bool minimalExpected = sent.LengthEncoding switch
        {
            LengthEncoding.Extended16 => sent.Payload.Length > 125,
            LengthEncoding.Extended64 => sent.Payload.Length > ushort.MaxValue,
            _ => true,
        };
        uint expectedKey = sent.MaskKey is null ? 0 : BinaryPrimitives.ReadUInt32BigEndian(sent.MaskKey);
        return header.Fin == sent.Fin
            && header.Rsv == sent.Rsv
            && header.Opcode == sent.Opcode
            && header.Masked == (sent.MaskKey is not null)
            && header.MaskKey == expectedKey
            && (header.GetMaskKeyBytes() ?? []).AsSpan().SequenceEqual(sent.MaskKey ?? [])
            && header.PayloadLength == (ulong)sent.Payload.Length
            && header.HeaderLength == sent.HeaderLength
            && header.MinimalLengthEncoding == minimalExpected
            && header.LengthEncoding == (minimalExpected ? LengthEncoding.Minimal : sent.LengthEncoding)
            && received.Payload.AsSpan().SequenceEqual(sent.Payload.Span)
            && received.StreamOffset == expectedOffset;
    }
}
