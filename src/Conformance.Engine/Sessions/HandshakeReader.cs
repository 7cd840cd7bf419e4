using Conformance.Protocol;

namespace Conformance.Engine.Sessions;

/// <summary>Collects the server's answer to the upgrade request until its header block is complete.</summary>
internal sealed class HandshakeReader(int maxBytes)
{
    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>On Complete, rest holds the octets after the header block (frames sent in the same read).</summary>
    public ResponseParseStatus Append(ReadOnlySpan<byte> data, out UpgradeResponse? response, out ReadOnlyMemory<byte> rest, out string? error)
    {
        if (_length + data.Length > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + data.Length));
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        var status = UpgradeResponse.TryParse(_buffer.AsSpan(0, _length), maxBytes, out response, out var consumed, out error);
        rest = status == ResponseParseStatus.Complete ? _buffer.AsMemory(consumed, _length - consumed) : ReadOnlyMemory<byte>.Empty;
        if (status == ResponseParseStatus.Invalid) error = $"the server's answer to the opening handshake is not HTTP: {error}";
        return status;
    }
}
