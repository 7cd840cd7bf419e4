namespace Conformance.Engine.Sessions;

/// <summary>Where and how a session connects, and the limits it keeps.</summary>
public sealed record SessionOptions
{
    public required Uri Target { get; init; }
    public bool AcceptUntrustedCertificate { get; init; }
    /// <summary>Playing the server: the certificate (with its key) that clients connect to over TLS (wss://); null: plain TCP.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; init; }
    /// <summary>
    /// Each case's WebSocket is a stream of an HTTP/2 connection opened by extended CONNECT (RFC 8441): h2c with
    /// prior knowledge for ws://, TLS with ALPN h2 for wss://.
    /// </summary>
    public bool Http2 { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public IReadOnlyList<string> Subprotocols { get; init; } = [];
    public string? Origin { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan OpenHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long the suite waits for the server's close frame after sending its own (Autobahn: 1 s).</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long the suite waits for the server to close TCP after the closing handshake (Autobahn: 1 s).</summary>
    public TimeSpan ServerDropTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public int MaxHandshakeBytes { get; init; } = 64 * 1024;
    public long MaxFramePayload { get; init; } = 64L * 1024 * 1024;
    /// <summary>A server that sends more than this in one case is cut off.</summary>
    public long MaxReceivedBytes { get; init; } = 256L * 1024 * 1024;
    /// <summary>
    /// How many octets of each direction a transcript keeps whole, from the start (the rest is read as it arrives and
    /// only counted, but for the first octets of the last few reads and writes, where the closing handshake is).
    /// </summary>
    public int StoredOctetsPerDirection { get; init; } = Wire.TranscriptEntry.StoredOctetsPerDirection;
}
