using System.Security.Cryptography;
using System.Text;

namespace Conformance.Protocol;

/// <summary>Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 4.1 and 4.2.2).</summary>
public static class HandshakeKeys
{
    public const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Base64 of 16 random bytes.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>Base64 of the SHA-1 of the key followed by the GUID.</summary>
    public static string ComputeAccept(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(key + Guid)));
    }
}
