namespace Conformance.Protocol.Deflate;

/// <summary>
/// Compresses messages as permessage-deflate sends them (RFC 7692 7.2.1): raw DEFLATE ended by a sync flush, with the
/// flush's 0x00 0x00 0xff 0xff tail removed. With context takeover the LZ77 window carries over to the next message;
/// without it each message ends with a full flush, after which zlib refers to nothing written before.
/// </summary>
public sealed unsafe class MessageDeflater : IDisposable
{
    private readonly ZlibStreamHandle _zlib;
    private readonly int _flush;

    /// <param name="windowBits">8 to 15. zlib cannot compress raw DEFLATE with a 256-octet window, so 8 is served by
    /// Huffman-only coding, which refers to no earlier octets and so fits any window.</param>
    /// <param name="level">zlib's level, 1 (fastest) to 9.</param>
    public MessageDeflater(int windowBits = 15, bool contextTakeover = true, int level = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15);
        _zlib = windowBits == 8
            ? ZlibStreamHandle.ForDeflate(level, 9, Zlib.HuffmanOnly)
            : ZlibStreamHandle.ForDeflate(level, windowBits, Zlib.DefaultStrategy);
        _flush = contextTakeover ? Zlib.SyncFlush : Zlib.FullFlush;
    }

    public byte[] Compress(ReadOnlySpan<byte> message)
    {
        var z = _zlib.Stream;
        var output = new byte[message.Length + message.Length / 100 + 64];
        var produced = 0;
        fixed (byte* input = message)
        {
            z->NextIn = input;
            z->AvailIn = (uint)message.Length;
            while (true)
            {
                fixed (byte* o = output)
                {
                    z->NextOut = o + produced;
                    z->AvailOut = (uint)(output.Length - produced);
                    var code = Zlib.Deflate(z, _flush);
                    if (code != Zlib.Ok && code != Zlib.BufError) throw new InvalidOperationException($"zlib deflate failed: {Zlib.MessageOf(z, code)}");
                    produced = output.Length - (int)z->AvailOut;
                }
                if (z->AvailIn == 0 && z->AvailOut != 0) break;
                Array.Resize(ref output, output.Length * 2);
            }
        }
        if (produced >= 4 && output.AsSpan(produced - 4, 4).SequenceEqual(MessageInflater.FlushTail)) produced -= 4;
        // zlib writes nothing for an empty message after a flush; RFC 7692 7.2.3.6 sends an empty stored block's header.
        return produced == 0 ? [0x00] : output.AsSpan(0, produced).ToArray();
    }

    public void Dispose() => _zlib.Dispose();
}
