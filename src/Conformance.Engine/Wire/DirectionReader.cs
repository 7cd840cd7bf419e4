using System.Buffers;
using Conformance.Protocol;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

public enum DirectionStatus { NeedMoreData, Head, Frame, Undecodable, Http2Frame }

/// <summary>
/// One direction of a connection as it travelled, read as its octets arrive: the HTTP head (the opening request,
/// or the answer to it), then frames. The scorer's reading and the report's transcript read every direction through
/// it, so they agree on where the head ends, where each frame starts and what could not be decoded. Only a head
/// in search of its end and one frame are held. Over HTTP/2 (<see cref="OverHttp2"/>) the direction is the
/// connection's: its preface (the client's side), HTTP/2 frames, and the WebSocket frames inside the DATA of the
/// WebSocket's stream, each reported as it completes.
/// </summary>
public sealed class DirectionReader
{
    public const int LongestRequestHead = 1024 * 1024;
    public const int LongestResponseHead = 64 * 1024;

    private readonly int _longestHead;
    private readonly FrameDecoder _frames;
    private ArrayBufferWriter<byte>? _head = new(1024);
    private bool _headToReport;
    private string? _headError;
    private byte[] _headOctetsAtError = [];
    private readonly Http2Demultiplexer? _http2;

    /// <param name="maxFramePayload">The longest payload a frame may announce before the direction is undecodable.</param>
    /// <param name="longestHead">How far the end of the head is looked for before the direction is undecodable.</param>
    public DirectionReader(long maxFramePayload, int longestHead)
    {
        _frames = new FrameDecoder(maxFramePayload);
        _longestHead = longestHead;
    }

    private DirectionReader(long maxFramePayload, Http2Demultiplexer http2) : this(maxFramePayload, 0)
    {
        _http2 = http2;
        _head = null;
    }

    /// <summary>
    /// A direction of an HTTP/2 connection carrying a WebSocket on one stream (RFC 8441): the client's side opens
    /// with the connection preface, reported as the head.
    /// </summary>
    public static DirectionReader OverHttp2(long maxFramePayload, bool carriesPreface, uint webSocketStream = 1) =>
        new(maxFramePayload, new Http2Demultiplexer(carriesPreface, webSocketStream));

    /// <summary>The direction is an HTTP/2 connection's.</summary>
    public bool IsHttp2 => _http2 is not null;

    /// <summary>The HTTP/2 frame just read, when <see cref="TryRead"/> said <see cref="DirectionStatus.Http2Frame"/>.</summary>
    public Http2FrameRead? Http2Frame { get; private set; }

    /// <summary>The head with its empty line, once it has been read.</summary>
    public byte[]? Head { get; private set; }

    /// <summary>Why the direction could not be read further; null while it can.</summary>
    public string? Error => _headError ?? _frames.Error ?? _http2?.Error;

    /// <summary>The first octets of what could not be decoded.</summary>
    public byte[] OctetsAtError => _headError is not null ? _headOctetsAtError
        : _frames.Error is null && _http2 is not null ? _http2.Pending[..Math.Min(_http2.Pending.Length, FrameDecoder.OctetsKeptAtError)].ToArray()
        : _frames.OctetsAtError;

    /// <summary>The octets not yet read into the head or a frame: a head without its end, or a frame cut short (over HTTP/2, an HTTP/2 frame).</summary>
    public ReadOnlySpan<byte> Pending => _http2 is not null ? _http2.Pending : _head is null ? _frames.Buffered : _head.WrittenSpan;

    public void Append(ReadOnlySpan<byte> octets)
    {
        if (_http2 is not null)
        {
            if (_http2.Append(octets)) (Head, _headToReport) = (Http2Limits.ClientPreface.ToArray(), true);
            return;
        }
        if (_head is null)
        {
            if (_headError is null) _frames.Append(octets);
            return;
        }
        var searchedBefore = Math.Max(0, _head.WrittenCount - 2);
        _head.Write(octets);
        var end = HttpHead.Length(_head.WrittenSpan[searchedBefore..]);
        if (end >= 0 && searchedBefore + end <= _longestHead)
        {
            end += searchedBefore;
            Head = _head.WrittenSpan[..end].ToArray();
            _frames.Append(_head.WrittenSpan[end..]);
            (_head, _headToReport) = (null, true);
        }
        else if (_head.WrittenCount > _longestHead)
        {
            _headError = $"the HTTP head does not end within {_longestHead} octets";
            _headOctetsAtError = _head.WrittenSpan[..FrameDecoder.OctetsKeptAtError].ToArray();
            _head = null;
        }
    }

    /// <summary>The head once it is complete, then each frame; call until it says it needs more octets.</summary>
    public DirectionStatus TryRead(out DecodedFrame? frame)
    {
        frame = null;
        if (_headError is not null) return DirectionStatus.Undecodable;
        if (_head is not null) return DirectionStatus.NeedMoreData;
        if (_headToReport)
        {
            _headToReport = false;
            return DirectionStatus.Head;
        }
        if (_http2 is not null) return TryReadHttp2(out frame);
        return _frames.TryRead(out frame) switch
        {
            DecodeStatus.Frame => DirectionStatus.Frame,
            DecodeStatus.Error => DirectionStatus.Undecodable,
            _ => DirectionStatus.NeedMoreData,
        };
    }

    /// <summary>The WebSocket frames the DATA read so far completed, then the next HTTP/2 frame.</summary>
    private DirectionStatus TryReadHttp2(out DecodedFrame? frame)
    {
        Http2Frame = null;
        switch (_frames.TryRead(out frame))
        {
            case DecodeStatus.Frame:
                return DirectionStatus.Frame;
            case DecodeStatus.Error:
                return DirectionStatus.Undecodable;
        }
        if (_http2!.Next(out var webSocketOctets) is not { } read)
            return _http2.Error is null ? DirectionStatus.NeedMoreData : DirectionStatus.Undecodable;
        if (!webSocketOctets.IsEmpty) _frames.Append(webSocketOctets.Span);
        Http2Frame = read;
        return DirectionStatus.Http2Frame;
    }
}
