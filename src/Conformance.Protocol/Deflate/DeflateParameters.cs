namespace Conformance.Protocol.Deflate;

/// <summary>What a permessage-deflate negotiation agreed: each side's LZ77 window and whether it keeps it between messages.</summary>
public sealed record DeflateParameters(
    bool ServerNoContextTakeover = false,
    bool ClientNoContextTakeover = false,
    int ServerMaxWindowBits = 15,
    int ClientMaxWindowBits = 15)
{
    public const string ExtensionName = "permessage-deflate";

    /// <summary>Null when the zlib the codec calls can be loaded; otherwise what is missing, in words.</summary>
    public static string? ZlibMissing() => Zlib.Unavailable();

    public MessageDeflater ClientDeflater(int level = 1) => new(ClientMaxWindowBits, !ClientNoContextTakeover, level);

    public MessageInflater ServerInflater(long maxMessageBytes) => new(ServerMaxWindowBits, !ServerNoContextTakeover, maxMessageBytes);

    public MessageDeflater ServerDeflater(int level = 1) => new(ServerMaxWindowBits, !ServerNoContextTakeover, level);

    public MessageInflater ClientInflater(long maxMessageBytes) => new(ClientMaxWindowBits, !ClientNoContextTakeover, maxMessageBytes);

    public override string ToString() =>
        $"server window {ServerMaxWindowBits} bits{(ServerNoContextTakeover ? " without" : " with")} context takeover, "
        + $"client window {ClientMaxWindowBits} bits{(ClientNoContextTakeover ? " without" : " with")} context takeover";
}
