using System.Buffers.Binary;

namespace Conformance.Protocol.Deflate;

/// <summary>Why <see cref="MessageInflater.Decompress"/> returned no message.</summary>
public enum InflateErrorKind
{
    /// <summary>The payload is not valid DEFLATE data for this context.</summary>
    InvalidData,
    /// <summary>The message decompresses to more than the inflater's limit.</summary>
    MessageOverLimit,
}

/// <summary>
/// Decompresses permessage-deflate messages (RFC 7692 7.2.2): the 0x00 0x00 0xff 0xff tail is appended and the whole
/// inflated as raw DEFLATE, within the agreed window and a limit on the decompressed size. Without context takeover
/// every message starts from an empty window.
/// </summary>
public sealed unsafe class MessageInflater : IDisposable
{
    internal static ReadOnlySpan<byte> FlushTail => [0x00, 0x00, 0xff, 0xff];

    private readonly ZlibStreamHandle _zlib;
    private readonly int _windowBits;
    private readonly bool _contextTakeover;
    private readonly long _maxMessageBytes;
    /// <summary>With context takeover, the latest messages (as returned, not copied) that together fill the window.</summary>
    private readonly Queue<byte[]> _recent = new();
    private long _recentLength;
    private bool _used;
    private bool _streamEnded;

    public MessageInflater(int windowBits = 15, bool contextTakeover = true, long maxMessageBytes = 256L * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15);
        _zlib = ZlibStreamHandle.ForInflate(windowBits);
        _windowBits = windowBits;
        _contextTakeover = contextTakeover;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The kind of error the latest <see cref="Decompress"/> set; null when it returned a message.</summary>
    public InflateErrorKind? ErrorKind { get; private set; }

    /// <summary>
    /// The message, or null with error (and <see cref="ErrorKind"/>) set when the payload is not valid DEFLATE for this
    /// context or decompresses to more than the limit.
    /// </summary>
    public byte[]? Decompress(ReadOnlySpan<byte> payload, out string? error)
    {
        ErrorKind = null;
        var z = _zlib.Stream;
        if (_used && !_contextTakeover) Zlib.InflateReset(z, _windowBits);
        else if (_streamEnded) ContinueAfterFinalBlock([]);
        _used = true;
        _streamEnded = false;
        var output = new Output(Math.Max(256, payload.Length * 4), _maxMessageBytes);
        error = Feed(payload, ref output, isTail: false) ?? Feed(FlushTail, ref output, isTail: true);
        if (error is not null) return null;
        var message = output.ToArray();
        if (_contextTakeover) Remember(message);
        return message;
    }

    private void Remember(byte[] message)
    {
        _recent.Enqueue(message);
        _recentLength += message.Length;
        while (_recentLength - _recent.Peek().Length >= 1L << _windowBits) _recentLength -= _recent.Dequeue().Length;
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
                    ContinueAfterFinalBlock(output.Buffer.AsSpan(0, output.Length));
                    _streamEnded = false;
                    continue;
                }
                if (code < 0 && !(code == Zlib.BufError && (z->AvailIn == 0 || z->AvailOut == 0)))
                {
                    ErrorKind = InflateErrorKind.InvalidData;
                    return $"the DEFLATE data is invalid: {Zlib.MessageOf(z, code)}";
                }
                if (z->AvailOut == 0)
                {
                    if (output.Grow()) continue;
                    ErrorKind = InflateErrorKind.MessageOverLimit;
                    return $"the message decompresses to more than {_maxMessageBytes} octets";
                }
                if (z->AvailIn == 0) return null;
            }
        }
    }

    /// <summary>
    /// After a final block, a new DEFLATE stream starts; it may refer to the octets before it in the window: those of
    /// this message so far, and with context takeover those of the messages before.
    /// </summary>
    private void ContinueAfterFinalBlock(ReadOnlySpan<byte> messageSoFar)
    {
        var z = _zlib.Stream;
        Zlib.InflateReset(z, _windowBits);
        var window = Window(messageSoFar);
        if (window.Length == 0) return;
        // The library has no inflateSetDictionary; a stored block holding the window's octets, its output thrown away,
        // puts them in the window the same way.
        var block = new byte[5 + window.Length];
        block[0] = 0x00;
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(1), (ushort)window.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(3), (ushort)~window.Length);
        window.CopyTo(block.AsSpan(5));
        var discarded = new byte[window.Length];
        var nextIn = z->NextIn;
        var availIn = z->AvailIn;
        fixed (byte* i = block)
        fixed (byte* o = discarded)
        {
            z->NextIn = i;
            z->AvailIn = (uint)block.Length;
            z->NextOut = o;
            z->AvailOut = (uint)discarded.Length;
            var code = Zlib.Inflate(z, Zlib.NoFlush);
            if (code != Zlib.Ok || z->AvailIn != 0 || z->AvailOut != 0)
                throw new InvalidOperationException($"zlib did not take the window back: {Zlib.MessageOf(z, code)}");
        }
        z->NextIn = nextIn;
        z->AvailIn = availIn;
    }

    /// <summary>The last octets decompressed in this context, as many as the window holds.</summary>
    private byte[] Window(ReadOnlySpan<byte> messageSoFar)
    {
        var size = 1 << _windowBits;
        var earlier = _contextTakeover ? _recent.SelectMany(m => m) : [];
        var all = earlier.Concat(messageSoFar.ToArray()).ToArray();
        return all.Length <= size ? all : all[^size..];
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
