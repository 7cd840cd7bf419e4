namespace Conformance.Protocol.Deflate;

/// <summary>
/// Decompresses permessage-deflate messages (RFC 7692 7.2.2): the 0x00 0x00 0xff 0xff tail is appended and the whole
/// inflated as raw DEFLATE, within the agreed window and a limit on the decompressed size. Without context takeover
/// every message starts from an empty window.
/// </summary>
public sealed unsafe class MessageInflater : IDisposable
{
    internal static ReadOnlySpan<byte> FlushTail => [0x00, 0x00, 0xff, 0xff];

    private readonly ZlibStreamHandle _zlib;
    private readonly bool _contextTakeover;
    private readonly long _maxMessageBytes;
    private bool _used;
    private bool _streamEnded;

    public MessageInflater(int windowBits = 15, bool contextTakeover = true, long maxMessageBytes = 256L * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15);
        _zlib = ZlibStreamHandle.ForInflate(windowBits);
        _contextTakeover = contextTakeover;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The message, or null with error set when the payload is not valid DEFLATE for this context.</summary>
    public byte[]? Decompress(ReadOnlySpan<byte> payload, out string? error)
    {
        var z = _zlib.Stream;
        if (_used && !_contextTakeover) Zlib.InflateReset(z);
        else if (_streamEnded) ContinueAfterFinalBlock();
        _used = true;
        _streamEnded = false;
        var output = new Output(Math.Max(256, payload.Length * 4), _maxMessageBytes);
        error = Feed(payload, ref output, isTail: false) ?? Feed(FlushTail, ref output, isTail: true);
        return error is null ? output.ToArray() : null;
    }

    private string? Feed(ReadOnlySpan<byte> input, ref Output output, bool isTail)
    {
        if (_streamEnded) return null;
        var z = _zlib.Stream;
        fixed (byte* i = input)
        {
            z->NextIn = i;
            z->AvailIn = (uint)input.Length;
            while (true)
            {
                int code;
                fixed (byte* o = output.Buffer)
                {
                    z->NextOut = o + output.Length;
                    z->AvailOut = (uint)(output.Buffer.Length - output.Length);
                    code = Zlib.Inflate(z, Zlib.SyncFlush);
                    output.Length = output.Buffer.Length - (int)z->AvailOut;
                }
                if (code == Zlib.StreamEnd)
                {
                    // RFC 7692 7.2.3.4: after a block with BFINAL set, an empty stored block's header may follow, which
                    // the appended tail completes; a new DEFLATE stream starts there, keeping the window.
                    _streamEnded = true;
                    if (isTail || z->AvailIn == 0) return null;
                    ContinueAfterFinalBlock();
                    _streamEnded = false;
                    continue;
                }
                if (code < 0 && !(code == Zlib.BufError && (z->AvailIn == 0 || z->AvailOut == 0)))
                    return $"the DEFLATE data is invalid: {Zlib.MessageOf(z, code)}";
                if (z->AvailOut == 0)
                {
                    if (!output.Grow()) return $"the message decompresses to more than {_maxMessageBytes} octets";
                    continue;
                }
                if (z->AvailIn == 0) return null;
            }
        }
    }

    /// <summary>After a final block, a new DEFLATE stream starts; with context takeover it keeps the window it had.</summary>
    private void ContinueAfterFinalBlock()
    {
        var z = _zlib.Stream;
        var window = new byte[32 * 1024];
        uint length = 0;
        fixed (byte* w = window)
        {
            Zlib.InflateGetDictionary(z, w, &length);
            Zlib.InflateReset(z);
            if (length > 0) Zlib.InflateSetDictionary(z, w, length);
        }
    }

    public void Dispose() => _zlib.Dispose();

    private struct Output(int initial, long limit)
    {
        public byte[] Buffer = new byte[(int)Math.Min(initial, Math.Max(limit, 1))];
        public int Length;

        public bool Grow()
        {
            if (Buffer.Length >= limit) return false;
            var size = (int)Math.Min(Math.Min((long)Buffer.Length * 2, limit + 1), Array.MaxLength);
            Array.Resize(ref Buffer, size);
            return true;
        }

        public readonly byte[] ToArray() => Buffer.AsSpan(0, Length).ToArray();
    }
}
