using System.Buffers;
using Conformance.Protocol;

namespace Conformance.Engine.Wire;

public enum DirectionStatus { NeedMoreData, Head, Frame, Undecodable }

/// <summary>
/// One direction of a connection as it travelled, read as its octets arrive: the HTTP head (the opening request,
/// or the answer to it), then frames. The scorer's reading and the report's transcript read every direction through
/// it, so they agree on where the head ends, where each frame starts and what could not be decoded. Only a head
/// in search of its end and one frame are held.
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

    /// <param name="maxFramePayload">The longest payload a frame may announce before the direction is undecodable.</param>
    /// <param name="longestHead">How far the end of the head is looked for before the direction is undecodable.</param>
    public DirectionReader(long maxFramePayload, int longestHead)
    {
        _frames = new FrameDecoder(maxFramePayload);
        _longestHead = longestHead;
    }

    /// <summary>The head with its empty line, once it has been read.</summary>
    public byte[]? Head { get; private set; }

    /// <summary>Why the direction could not be read further; null while it can.</summary>
    public string? Error => _headError ?? _frames.Error;

    /// <summary>The first octets of what could not be decoded.</summary>
    public byte[] OctetsAtError => _headError is null ? _frames.OctetsAtError : _headOctetsAtError;

    /// <summary>The octets not yet read into the head or a frame: a head without its end, or a frame cut short.</summary>
    public ReadOnlySpan<byte> Pending => _head is null ? _frames.Buffered : _head.WrittenSpan;

    public void Append(ReadOnlySpan<byte> octets)
    {
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
        return _frames.TryRead(out frame) switch
        {
            DecodeStatus.Frame => DirectionStatus.Frame,
            DecodeStatus.Error => DirectionStatus.Undecodable,
            _ => DirectionStatus.NeedMoreData,
        };
    }
}
