using Conformance.Protocol.Deflate;

namespace Conformance.Fuzzing.CoverageGuided;

/// <summary>
/// The permessage-deflate codec (Conformance.Protocol.Deflate) on what a hostile server could send. The first
/// octet chooses the window (8 to 15 bits), context takeover and how the rest is cut into up to three messages;
/// each message is decompressed as a server's would be, within a 1 MiB limit, and must give the message or an
/// error, never an exception or more than the limit. Each message's octets are also compressed and decompressed
/// again with the same parameters and must come back unchanged.
/// </summary>
public sealed class PermessageDeflateHarness : Harness
{
    private const int Limit = 1 << 20;

    public override string Name => "permessage-deflate";

    public override string Description => "Conformance.Protocol's permessage-deflate decompressor (RFC 7692) on arbitrary data, and compress-decompress round trips";

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        var bits = 8 + (input[0] & 7);
        var takeover = (input[0] & 8) != 0;
        var messages = Cut(input[2..], 1 + (input[0] >> 4) % 3, input[1]);

        using (var inflater = new MessageInflater(bits, takeover, Limit))
        {
            foreach (var message in messages)
            {
                var result = inflater.Decompress(message, out var error);
                if ((result is null) == (error is null))
                    throw new OracleViolationException($"Decompress gave {(result is null ? "neither a message nor" : "both a message and")} an error");
                if (result is { Length: > Limit }) throw new OracleViolationException($"{result.Length} octets came out of a {Limit}-octet limit");
            }
        }

        using var deflater = new MessageDeflater(bits, takeover);
        using var roundTrip = new MessageInflater(bits, takeover, Limit);
        for (var i = 0; i < messages.Count; i++)
        {
            var back = roundTrip.Decompress(deflater.Compress(messages[i]), out var error);
            if (back is null || !back.AsSpan().SequenceEqual(messages[i]))
                throw new OracleViolationException($"message {i + 1} of {messages.Count} ({messages[i].Length} octets, window {bits} bits, "
                                                   + $"context takeover {takeover}) did not survive compression: {error ?? "different octets"}");
        }
    }

    private static List<byte[]> Cut(ReadOnlySpan<byte> rest, int count, byte where)
    {
        var messages = new List<byte[]>();
        var at = 0;
        for (var i = 1; i < count && rest.Length > 0; i++)
        {
            var length = (where * i) % (rest.Length - at + 1);
            messages.Add(rest.Slice(at, length).ToArray());
            at += length;
        }
        messages.Add(rest[at..].ToArray());
        return messages;
    }

    public override IEnumerable<byte[]> Seeds(SeedMaterial material)
    {
        // RFC 7692 7.2.3: "Hello" in a compressed block, again with context takeover, in a block with BFINAL set, stored.
        yield return [0x1f, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xf2, 0x00, 0x11, 0x00, 0x00];
        yield return [0x1f, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
        var header = (byte)0x0f;
        foreach (var text in material.TextPayloads.Take(64))
        {
            using var deflater = new MessageDeflater(8 + (header & 7), (header & 8) != 0);
            yield return [header, 0x00, .. deflater.Compress(text)];
            header = (byte)(header * 5 + 3);
        }
    }
}
