namespace Conformance.Engine.Sessions;

/// <summary>
/// What a session converses over, recording every octet into the transcript: a TCP (or TLS) connection
/// (<see cref="WireConnection"/>), or a WebSocket's stream on an HTTP/2 connection (<see cref="Http2StreamWire"/>).
/// </summary>
internal interface ISessionWire : IAsyncDisposable
{
    /// <summary>Either side has ended the connection (or the stream).</summary>
    bool IsClosed { get; }

    /// <summary>Writes the octets (in pieces of chop octets, each its own write) with the label that says what they are; false when the connection is gone.</summary>
    Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, int? chop, CancellationToken cancel, string label);

    /// <summary>Reads the peer's octets; 0 when the peer ended the connection (or it broke, which is recorded).</summary>
    Task<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel);

    /// <summary>Ends the connection from the suite's side at once, recording why.</summary>
    void Drop(string reason);

    void MarkClosedByPeer();
}
