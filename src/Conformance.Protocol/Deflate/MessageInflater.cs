using System.Buffers;
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

/// <summary>The octets an inflater produced, a piece at a time; valid only during the call.</summary>
public delegate void InflatedOctets(ReadOnlySpan<byte> octets);

/// <summary>
/// Decompresses permessage-deflate messages (RFC 7692 7.2.2): the 0x00 0x00 0xff 0xff tail is appended and the whole
/// inflated as raw DEFLATE, within the agreed window and a limit on the decompressed size. Without context takeover
/// every message starts from an empty window. A message can be fed a fragment at a time and its octets taken as they
/// come, so that neither the message nor its decompressed form need be held whole.
/// </summary>
public sealed unsafe class MessageInflater : IDisposable
{
    internal static ReadOnlySpan<byte> FlushTail => [0x00, 0x00, 0xff, 0xff];

    private readonly ZlibStreamHandle _zlib;
    private readonly int _windowBits;
    private readonly bool _contextTakeover;
    private readonly long _maxMessageBytes;
    /// <summary>
    /// Where each inflate call writes, one window long: zlib accepts a back-reference that reaches into the current
    /// call's output whatever its distance, so a larger buffer would let a sender's larger window go unnoticed.
    /// </summary>
    private readonly byte[] _chunk;
    /// <summary>The latest octets decompressed in this context, as many as the window holds.</summary>
    private readonly byte[] _window;
    private int _windowLength;
    private long _messageBytes;
    private string? _error;
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
        _window = new byte[1 << windowBits];
        _chunk = new byte[1 << windowBits];
    }

    /// <summary>The kind of error the latest message met; null while it decompresses.</summary>
    public InflateErrorKind? ErrorKind { get; private set; }

    /// <summary>
    /// The message, or null with error (and <see cref="ErrorKind"/>) set when the payload is not valid DEFLATE for this
    /// context or decompresses to more than the limit.
    /// </summary>
    public byte[]? Decompress(ReadOnlySpan<byte> payload, out string? error)
    {
        var message = new ArrayBufferWriter<byte>(Math.Max(256, payload.Length * 4));
        BeginMessage();
        error = Feed(payload, octets => message.Write(octets)) ?? EndMessage(octets => message.Write(octets));
        return error is null ? message.WrittenSpan.ToArray() : null;
    }

    /// <summary>Starts the next message.</summary>
    public void BeginMessage()
    {
        ErrorKind = null;
        _error = null;
        _messageBytes = 0;
        if (_used && !_contextTakeover)
        {
            Zlib.InflateReset(_zlib.Stream, _windowBits);
            _windowLength = 0;
        }
        else if (_streamEnded)
        {
            ContinueAfterFinalBlock();
        }
        _used = true;
        _streamEnded = false;
    }

    /// <summary>The next piece of the message's compressed payload; its octets go to output. The message's error, if any.</summary>
    public string? Feed(ReadOnlySpan<byte> compressed, InflatedOctets output)
    {
        if (_error is not null || compressed.IsEmpty) return _error;
        if (_streamEnded)
        {
            ContinueAfterFinalBlock();
            _streamEnded = false;
        }
        return _error = Run(compressed, output, isTail: false);
    }

    /// <summary>Ends the message (the appended tail); its last octets go to output. The message's error, if any.</summary>
    public string? EndMessage(InflatedOctets output) => _error ??= Run(FlushTail, output, isTail: true);

    private string? Run(ReadOnlySpan<byte> input, InflatedOctets output, bool isTail)
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
                int produced;
                fixed (byte* o = _chunk)
                {
                    z->NextOut = o;
                    z->AvailOut = (uint)_chunk.Length;
                    code = Zlib.Inflate(z, Zlib.SyncFlush);
                    produced = _chunk.Length - (int)z->AvailOut;
                }
                if (produced > 0)
                {
                    _messageBytes += produced;
                    if (_messageBytes > _maxMessageBytes)
                    {
                        ErrorKind = InflateErrorKind.MessageOverLimit;
                        return $"the message decompresses to more than {_maxMessageBytes} octets";
                    }
                    Remember(_chunk.AsSpan(0, produced));
                    output(_chunk.AsSpan(0, produced));
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
                {
                    ErrorKind = InflateErrorKind.InvalidData;
                    return $"the DEFLATE data is invalid: {Zlib.MessageOf(z, code)}";
                }
                if (z->AvailOut == 0) continue;
                if (z->AvailIn == 0) return null;
            }
        }
    }

    private void Remember(ReadOnlySpan<byte> octets)
    {
        if (octets.Length >= _window.Length)
        {
            octets[^_window.Length..].CopyTo(_window);
            _windowLength = _window.Length;
            return;
        }
        var drop = Math.Max(0, _windowLength + octets.Length - _window.Length);
        if (drop > 0)
        {
            _window.AsSpan(drop, _windowLength - drop).CopyTo(_window);
            _windowLength -= drop;
        }
        octets.CopyTo(_window.AsSpan(_windowLength));
        _windowLength += octets.Length;
    }

    /// <summary>
    /// After a final block, a new DEFLATE stream starts; it may refer to the octets before it in the window: those of
    /// this message so far, and with context takeover those of the messages before.
    /// </summary>
    private void ContinueAfterFinalBlock()
    {
        var z = _zlib.Stream;
        Zlib.InflateReset(z, _windowBits);
        if (_windowLength == 0) return;
        // The library has no inflateSetDictionary; a stored block holding the window's octets, its output thrown away,
        // puts them in the window the same way.
        var window = _window.AsSpan(0, _windowLength);
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

    public void Dispose() => _zlib.Dispose();
}
