using System.Net.Sockets;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Targets;

/// <summary>
/// One WebSocket connection of <see cref="FaultyEchoServer"/>: reads frames, echoes messages (compressed when
/// permessage-deflate was agreed), answers pings and closes, failing the connection on the first violation it sees,
/// except where its fault says otherwise.
/// </summary>
internal sealed partial class FaultyEchoConnection
{
    private const long MaxMessageBytes = 32L * 1024 * 1024;
    private const long LimitedMessageBytes = 16 * 1024;
    private const int MessageQuota = 500;
    private const int TruncatedLength = 64 * 1024;
    private const byte Rsv1 = 4;
    private static readonly TimeSpan LingerLimit = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly ServerFault? _fault;
    private readonly ReadOnlyMemory<byte> _early;
    private readonly long _maxMessageBytes;
    private readonly FrameDecoder _decoder;
    private readonly PartialFrameProbe _probe = new();
    /// <summary>The permessage-deflate parameters the connection speaks by; null when none were agreed (or the fault ignores them).</summary>
    private readonly DeflateParameters? _deflate;

    private List<byte[]>? _fragments;
    private long _fragmentBytes;
    private byte _messageOpcode;
    private bool _messageCompressed;
    private Utf8Validator _utf8;
    private bool _peerSentClose;
    private int _messagesReceived;
    private int _compressedEchoes;
    private MessageInflater? _inflater;
    private MessageDeflater? _deflater;

    private readonly EchoStall? _stall;

    public FaultyEchoConnection(Socket socket, Stream stream, ServerFault? fault, Upgraded upgraded, EchoStall? stall)
    {
        _stall = stall;
        _socket = socket;
        _stream = stream;
        _fault = fault;
        _early = upgraded.Early;
        _deflate = Has(ServerFault.AgreesDeflateWithoutImplementingIt) ? null : upgraded.Deflate;
        _maxMessageBytes = Has(ServerFault.LimitsMessagesTo16KiB) ? LimitedMessageBytes : MaxMessageBytes;
        _decoder = new FrameDecoder(_maxMessageBytes);
    }

    private enum Next { Continue, Stop }

    private bool Has(ServerFault fault) => _fault == fault;

    private bool ValidatesWhileReceiving =>
        !Has(ServerFault.SkipsUtf8Validation) && !Has(ServerFault.ValidatesUtf8OnlyAtMessageEnd);

    public async Task RunAsync(CancellationToken cancel)
    {
        try
        {
            await ReadFramesAsync(cancel);
        }
        finally
        {
            _inflater?.Dispose();
            _deflater?.Dispose();
        }
    }

    private async Task ReadFramesAsync(CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        var received = _early;
        while (true)
        {
            _decoder.Append(received.Span);
            _probe.Append(received.Span);
            DecodeStatus status;
            while ((status = _decoder.TryRead(out var frame)) == DecodeStatus.Frame)
            {
                if (await HandleAsync(frame!, cancel) == Next.Stop) return;
            }

            if (status == DecodeStatus.Error)
            {
                var tooBig = _decoder.ErrorKind == DecodeErrorKind.PayloadOverLimit;
                await FailAsync(tooBig ? CloseCodes.TooBig : ProtocolErrorCode, cancel);
                return;
            }

            _probe.Consumed(_decoder.ConsumedBytes, _decoder.BufferedBytes);
            if (ProbeFindsInvalidUtf8())
            {
                await FailAsync(InvalidUtf8Code, cancel, midFrame: true);
                return;
            }

            var read = await _stream.ReadAsync(buffer, cancel);
            if (read == 0) return;
            received = buffer.AsMemory(0, read);
        }
    }

    private ushort ProtocolErrorCode => Has(ServerFault.WrongCodeOnProtocolError) ? CloseCodes.Normal : CloseCodes.ProtocolError;

    private ushort InvalidUtf8Code => Has(ServerFault.WrongCodeOnInvalidUtf8) ? CloseCodes.ProtocolError : CloseCodes.InvalidPayload;

    /// <summary>Whether a message whose first frame has this header is compressed (RFC 7692 6: RSV1 on its first frame).</summary>
    private bool IsCompressed(FrameHeader first) =>
        _deflate is not null && ((first.Rsv & Rsv1) != 0 || Has(ServerFault.TreatsEveryMessageAsCompressed));

    /// <summary>RSV bits no agreed extension defines: all but RSV1 on the first frame of a data message under permessage-deflate.</summary>
    private bool HasUndefinedRsv(FrameHeader h)
    {
        var defined = _deflate is not null && h.Opcode is Opcodes.Text or Opcodes.Binary ? Rsv1 : 0;
        return (h.Rsv & ~defined) != 0;
    }

    /// <summary>Checks the text received so far of a frame not yet whole, so invalid UTF-8 fails the connection at once.</summary>
    private bool ProbeFindsInvalidUtf8()
    {
        if (!ValidatesWhileReceiving || Has(ServerFault.ValidatesUtf8OnlyAtFrameEnd)) return false;
        if (!_probe.TryGetPartialPayload(out var header, out var payload)) return false;
        var isText = header.Opcode == Opcodes.Text && _fragments is null && !IsCompressed(header)
                     || header.Opcode == Opcodes.Continuation && _fragments is not null && _messageOpcode == Opcodes.Text && !_messageCompressed;
        if (!isText || header.Rsv != 0) return false;
        var validator = _utf8;
        return Feed(ref validator, payload) == Utf8Status.Invalid;
    }

    private Utf8Status Feed(ref Utf8Validator validator, ReadOnlySpan<byte> text)
    {
        if (Has(ServerFault.RejectsFourByteUtf8) && text.IndexOfAnyInRange((byte)0xF0, (byte)0xF4) >= 0) return Utf8Status.Invalid;
        return validator.Feed(text);
    }

    private async Task<Next> HandleAsync(DecodedFrame frame, CancellationToken cancel)
    {
        var h = frame.Header;
        _peerSentClose |= h.Opcode == Opcodes.Close;
        if (!h.Masked && !Has(ServerFault.AcceptsUnmaskedFrames)) return await FailAsync(ProtocolErrorCode, cancel);
        if (HasUndefinedRsv(h) && !Has(ServerFault.IgnoresReservedBits)) return await FailAsync(ProtocolErrorCode, cancel);
        if (Opcodes.IsReserved(h.Opcode))
        {
            return Has(ServerFault.AcceptsReservedOpcodes) ? Next.Continue : await FailAsync(ProtocolErrorCode, cancel);
        }

        if (Opcodes.IsControl(h.Opcode))
        {
            if (!h.Fin && !Has(ServerFault.AcceptsFragmentedControlFrames)) return await FailAsync(ProtocolErrorCode, cancel);
            if (frame.Payload.Length > ClosePayload.MaxLength && !Has(ServerFault.AcceptsOversizedControlFrames))
            {
                return await FailAsync(ProtocolErrorCode, cancel);
            }

            return h.Opcode switch
            {
                Opcodes.Ping => await AnswerPingAsync(frame.Payload, cancel),
                Opcodes.Pong => await AnswerPongAsync(frame.Payload, cancel),
                _ => await AnswerCloseAsync(frame.Payload, cancel),
            };
        }

        return await ReceiveDataAsync(frame, cancel);
    }

    private async Task<Next> ReceiveDataAsync(DecodedFrame frame, CancellationToken cancel)
    {
        var h = frame.Header;
        if (h.Opcode == Opcodes.Continuation && _fragments is null)
        {
            return Has(ServerFault.AcceptsContinuationWithoutStart) ? Next.Continue : await FailAsync(ProtocolErrorCode, cancel);
        }

        if (h.Opcode != Opcodes.Continuation && _fragments is not null && !Has(ServerFault.AcceptsNewMessageInsideFragmented))
        {
            return await FailAsync(ProtocolErrorCode, cancel);
        }

        if (_fragments is null)
        {
            _fragments = [];
            _fragmentBytes = 0;
            _messageOpcode = h.Opcode;
            _messageCompressed = IsCompressed(h);
            _utf8 = new Utf8Validator();
        }

        _fragments.Add(frame.Payload);
        _fragmentBytes += frame.Payload.Length;
        if (_fragmentBytes > _maxMessageBytes) return await FailAsync(CloseCodes.TooBig, cancel);
        var validatesText = _messageOpcode == Opcodes.Text && !_messageCompressed;
        if (validatesText && ValidatesWhileReceiving && Feed(ref _utf8, frame.Payload) == Utf8Status.Invalid)
        {
            return await FailAsync(InvalidUtf8Code, cancel);
        }

        if (Has(ServerFault.EchoesEachFragmentAsAMessage) && !_messageCompressed)
        {
            await EchoAsync(frame.Payload, cancel);
            if (h.Fin) _fragments = null;
            return Next.Continue;
        }

        if (!h.Fin) return Next.Continue;

        var message = Fragments.Join(_fragments, _fragmentBytes);
        _fragments = null;
        if (_messageCompressed)
        {
            _inflater ??= _deflate!.ClientInflater(_maxMessageBytes);
            var inflated = _inflater.Decompress(message, out _);
            if (inflated is null)
            {
                var tooBig = _inflater.ErrorKind == InflateErrorKind.MessageOverLimit;
                return await FailAsync(tooBig ? CloseCodes.TooBig : ProtocolErrorCode, cancel);
            }
            message = inflated;
        }

        if (_messageOpcode == Opcodes.Text && !Has(ServerFault.SkipsUtf8Validation))
        {
            var whole = new Utf8Validator();
            if (Feed(ref whole, message) != Utf8Status.Valid) return await FailAsync(InvalidUtf8Code, cancel);
        }

        if (Has(ServerFault.LimitsConnectionsTo500Messages) && ++_messagesReceived > MessageQuota)
        {
            return await FailAsync(CloseCodes.PolicyViolation, cancel);
        }

        await EchoAsync(message, cancel);
        return Next.Continue;
    }

    private async Task EchoAsync(byte[] message, CancellationToken cancel)
    {
        if (_stall is not null) await _stall.BeforeEchoAsync(cancel);
        var opcode = Has(ServerFault.EchoesTextAsBinary) ? Opcodes.Binary : _messageOpcode;
        ReadOnlyMemory<byte> payload = message;
        if (Has(ServerFault.TruncatesLargeMessages) && message.Length > TruncatedLength) payload = payload[..TruncatedLength];
        var rsv = Has(ServerFault.SetsRsvOnServerFrames) ? Rsv1 : (byte)0;
        if (_deflate is not null)
        {
            _deflater ??= NewDeflater(_deflate);
            var compressed = _deflater.Compress(payload.Span);
            // The first block's type is in the low bits of the first octet (RFC 1951 3.2.3).
            if (Has(ServerFault.CorruptsOneCompressedEcho) && ++_compressedEchoes == 2) compressed[0] ^= 0b010;
            payload = compressed;
            rsv |= Rsv1;
        }
        await SendAsync(opcode, payload, rsv, cancel);
    }

    private MessageDeflater NewDeflater(DeflateParameters agreed) => _fault switch
    {
        ServerFault.KeepsContextDespiteServerNoContextTakeover => (agreed with { ServerNoContextTakeover = false }).ServerDeflater(),
        ServerFault.IgnoresServerMaxWindowBits => (agreed with { ServerMaxWindowBits = 15 }).ServerDeflater(),
        _ => agreed.ServerDeflater(),
    };

    private async Task<Next> AnswerPingAsync(byte[] payload, CancellationToken cancel)
    {
        if (Has(ServerFault.NoPong) || (_fragments is not null && Has(ServerFault.DropsPingsBetweenFragments))) return Next.Continue;
        byte[] answer = payload;
        if (Has(ServerFault.EmptyPong)) answer = [];
        if (Has(ServerFault.PongWithWrongPayload)) answer = payload.Reverse().ToArray();
        await SendAsync(Opcodes.Pong, answer, 0, cancel);
        return Next.Continue;
    }

    private async Task<Next> AnswerPongAsync(byte[] payload, CancellationToken cancel)
    {
        if (Has(ServerFault.AnswersPongWithPong)) await SendAsync(Opcodes.Pong, payload, 0, cancel);
        return Next.Continue;
    }

    private async Task SendAsync(byte opcode, ReadOnlyMemory<byte> payload, byte rsv, CancellationToken cancel)
    {
        var maskKey = Has(ServerFault.MasksServerFrames) ? Masking.NewKey() : null;
        var length = Has(ServerFault.UsesNonMinimalLengthEncoding) ? LengthEncoding.Extended64 : LengthEncoding.Minimal;
        var frame = new Frame(opcode, payload, fin: true, rsv, maskKey, length);
        await _stream.WriteAsync(frame.Encode(), cancel);
    }
}
