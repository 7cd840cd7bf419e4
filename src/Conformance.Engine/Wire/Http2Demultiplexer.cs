using Conformance.Protocol.Http2;

namespace Conformance.Engine.Wire;

/// <summary>
/// One direction of an HTTP/2 connection as it travelled (RFC 9113): the client's connection preface where the
/// direction carries it, then frames, each header block decoded with this direction's HPACK table, and the content
/// of the DATA frames on the WebSocket's stream (RFC 8441 5) handed on as the WebSocket octets. The peer is
/// untrusted: a frame is held only once its octets arrived, and what breaks the framing ends the reading.
/// </summary>
internal sealed class Http2Demultiplexer(bool carriesPreface, uint webSocketStream)
{
    private readonly Http2FrameDecoder _frames = new(Http2Limits.LargestMaxFrameSize);
    private readonly HpackDecoder _hpack = new();
    private byte[]? _preface = carriesPreface ? [] : null;
    private List<byte>? _block;
    private string? _error;

    /// <summary>The stream whose DATA carries the WebSocket octets.</summary>
    public uint WebSocketStream => webSocketStream;

    /// <summary>Why the direction could not be read further; null while it can.</summary>
    public string? Error => _error ?? (_frames.Error is { } e ? $"{e.Section}: {e.Reason}" : null);

    /// <summary>The preface has been read (or this direction has none).</summary>
    public bool PrefaceRead => _preface is null;

    public ReadOnlySpan<byte> Pending => _preface ?? _frames.Buffered;

    /// <summary>Appends octets; returns true when they completed the preface.</summary>
    public bool Append(ReadOnlySpan<byte> octets)
    {
        if (_error is not null) return false;
        if (_preface is null)
        {
            _frames.Append(octets);
            return false;
        }
        var preface = Http2Limits.ClientPreface;
        var take = Math.Min(preface.Length - _preface.Length, octets.Length);
        _preface = [.. _preface, .. octets[..take]];
        if (!preface[.._preface.Length].SequenceEqual(_preface))
        {
            _error = "RFC 9113 3.4: the octets are not the HTTP/2 client connection preface";
            return false;
        }
        if (_preface.Length < preface.Length) return false;
        _preface = null;
        _frames.Append(octets[take..]);
        return true;
    }

    /// <summary>The next whole frame, read; null when more octets are needed or after an error.</summary>
    public Http2FrameRead? Next(out ReadOnlyMemory<byte> webSocketOctets)
    {
        webSocketOctets = default;
        if (_error is not null || _preface is not null || _frames.Next() is not { } frame) return null;
        var (content, problem) = Http2FrameContent.Read(frame);
        IReadOnlyList<HeaderField>? headers = null;
        string? why = problem is null ? null : $"{problem.Section}: {problem.Reason}";
        switch (content)
        {
            case DataContent data when frame.StreamId == webSocketStream:
                webSocketOctets = data.Data;
                break;
            case HeadersContent h:
                (headers, why) = Block(h.BlockFragment, h.EndHeaders, start: true);
                break;
            case PushPromiseContent p:
                (headers, why) = Block(p.BlockFragment, p.EndHeaders, start: true);
                break;
            case ContinuationContent c:
                (headers, why) = Block(c.BlockFragment, c.EndHeaders, start: false);
                break;
        }
        return new Http2FrameRead(frame, content, headers, why);
    }

    /// <summary>A header block fragment; the header list once the block ends (RFC 9113 4.3).</summary>
    private (IReadOnlyList<HeaderField>?, string?) Block(byte[] fragment, bool ends, bool start)
    {
        if (start) _block = [];
        if (_block is null) return (null, "RFC 9113 6.10: CONTINUATION without a header block to continue");
        _block.AddRange(fragment);
        if (_block.Count > Http2Connection.MaxHeaderBlockLength)
        {
            _error = $"a header block longer than {Http2Connection.MaxHeaderBlockLength} octets";
            return (null, _error);
        }
        if (!ends) return (null, null);
        var (fields, error) = _hpack.Decode(_block.ToArray());
        _block = null;
        if (error is null) return (fields, null);
        // RFC 9113 4.3: after a decoding error the table is out of step, and nothing after it can be read.
        _error = $"{error.Section}: {error.Reason}";
        return (null, _error);
    }
}
