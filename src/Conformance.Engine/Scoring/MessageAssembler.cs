using Conformance.Engine.Cases;
using Conformance.Protocol;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Scoring;

/// <summary>
/// Turns the frames a server sent into the events cases expect (whole messages, pongs), and notices
/// frames a server must not send (RFC 6455 5.1, 5.2, 5.4, 5.5). When permessage-deflate was agreed, messages whose
/// first frame has RSV1 set are decompressed (or, without decompress, passed on as they came, for counting).
/// </summary>
public sealed class MessageAssembler : IDisposable
{
    private readonly long _maxMessageBytes;
    private readonly DeflateParameters? _deflate;
    private readonly bool _decompress;
    private MessageInflater? _inflater;
    private List<byte[]>? _fragments;
    private long _fragmentBytes;
    private bool _binary;
    private bool _compressed;

    public MessageAssembler(long maxMessageBytes = 256L * 1024 * 1024, DeflateParameters? deflate = null, bool decompress = true)
    {
        _maxMessageBytes = maxMessageBytes;
        _deflate = deflate;
        _decompress = decompress;
    }

    public void Dispose() => _inflater?.Dispose();

    /// <summary>Returns the event the frame completes, if any; violation is set when the server broke a rule.</summary>
    public ConversationEvent? Accept(DecodedFrame frame, out string? violation)
    {
        var h = frame.Header;
        violation = Check(h);
        if (violation is not null) return null;
        switch (h.Opcode)
        {
            case Opcodes.Pong:
                return ConversationEvent.Pong(frame.Payload);
            case Opcodes.Ping or Opcodes.Close:
                return null;
            case Opcodes.Text or Opcodes.Binary when h.Fin:
                return Complete(h.Opcode == Opcodes.Binary, (h.Rsv & 4) != 0, frame.Payload, out violation);
            case Opcodes.Text or Opcodes.Binary:
                _binary = h.Opcode == Opcodes.Binary;
                _compressed = (h.Rsv & 4) != 0;
                _fragments = [frame.Payload];
                _fragmentBytes = frame.Payload.Length;
                return null;
            default:
                _fragments!.Add(frame.Payload);
                _fragmentBytes += frame.Payload.Length;
                if (_fragmentBytes > _maxMessageBytes)
                {
                    violation = $"a fragmented message grew past {_maxMessageBytes} octets";
                    return null;
                }
                if (!h.Fin) return null;
                var whole = new byte[_fragmentBytes];
                var at = 0;
                foreach (var part in _fragments)
                {
                    part.CopyTo(whole, at);
                    at += part.Length;
                }
                _fragments = null;
                return Complete(_binary, _compressed, whole, out violation);
        }
    }

    private ConversationEvent? Complete(bool binary, bool compressed, byte[] payload, out string? violation)
    {
        violation = null;
        if (!compressed || !_decompress) return ConversationEvent.Message(binary, payload);
        _inflater ??= _deflate!.ServerInflater(_maxMessageBytes);
        var message = _inflater.Decompress(payload, out var error);
        if (message is null)
        {
            violation = $"the server's compressed {(binary ? "binary" : "text")} message of {payload.Length} octets does not decompress with the agreed parameters ({_deflate}): {error} (RFC 7692 7.2.2)";
            return null;
        }
        return ConversationEvent.Message(binary, message);
    }

    private string? Check(FrameHeader h)
    {
        if (h.Masked) return $"the server sent a masked {Opcodes.Name(h.Opcode)} frame (RFC 6455 5.1: a server MUST NOT mask any frames)";
        if (_deflate is not null && h.Rsv == 4)
        {
            if (Opcodes.IsControl(h.Opcode))
                return $"the server set RSV1 on a {Opcodes.Name(h.Opcode)} frame (RFC 7692 6.1: an endpoint MUST NOT set the Per-Message Compressed bit of control frames)";
            if (h.Opcode == Opcodes.Continuation)
                return "the server set RSV1 on a continuation frame (RFC 7692 6.1: an endpoint MUST NOT set the Per-Message Compressed bit of non-first fragments of a data message)";
        }
        else if (h.Rsv != 0)
        {
            return _deflate is null
                ? $"the server set RSV bits {h.Rsv} on a {Opcodes.Name(h.Opcode)} frame without a negotiated extension (RFC 6455 5.2)"
                : $"the server set RSV bits {h.Rsv} on a {Opcodes.Name(h.Opcode)} frame; permessage-deflate defines only RSV1 (RFC 6455 5.2)";
        }
        if (!h.MinimalLengthEncoding)
            return $"the server encoded the {h.PayloadLength}-octet length of a {Opcodes.Name(h.Opcode)} frame in more octets than needed (RFC 6455 5.2: the minimal number of bytes MUST be used)";
        if (Opcodes.IsReserved(h.Opcode)) return $"the server sent a frame with the reserved opcode {h.Opcode} (RFC 6455 5.2)";
        if (Opcodes.IsControl(h.Opcode))
        {
            if (!h.Fin) return $"the server fragmented a {Opcodes.Name(h.Opcode)} frame (RFC 6455 5.5: control frames MUST NOT be fragmented)";
            if (h.PayloadLength > 125) return $"the server sent a {Opcodes.Name(h.Opcode)} frame with {h.PayloadLength} octets (RFC 6455 5.5: at most 125)";
            return null;
        }
        if (h.Opcode == Opcodes.Continuation && _fragments is null)
            return "the server sent a continuation frame with no message to continue (RFC 6455 5.4)";
        if (h.Opcode != Opcodes.Continuation && _fragments is not null)
            return $"the server started a new {Opcodes.Name(h.Opcode)} message inside a fragmented one (RFC 6455 5.4)";
        return null;
    }
}
