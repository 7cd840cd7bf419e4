using Conformance.Protocol;

namespace Conformance.Engine.Wire;

/// <summary>
/// The side the suite plays on a connection: the client, testing a server (the suite connects and sends the opening
/// request), or the server, testing a client (Autobahn's fuzzingserver: the client connects and sends the request).
/// The case data is the same either way; who masks, whose request and answer open the transcript, and who closes
/// TCP first follow from the role.
/// </summary>
public enum Role { Client, Server }

public static class Roles
{
    /// <summary>RFC 6455 5.1: a client masks every frame it sends, a server none.</summary>
    public static bool Masks(this Role role) => role == Role.Client;

    /// <summary>The role of the endpoint under test, opposite the suite's.</summary>
    public static Role Peer(this Role role) => role == Role.Client ? Role.Server : Role.Client;

    /// <summary>A frame as the role sends it: masked with a fresh key from a client, unmasked from a server.</summary>
    public static Frame Frame(this Role role, byte opcode, ReadOnlyMemory<byte> payload) =>
        new(opcode, payload, fin: true, rsv: 0, maskKey: role.Masks() ? Masking.NewKey() : null);

    /// <summary>
    /// A sentence about the peer, worded for the role the suite plays: the scorer and the client rules speak of "the
    /// server" (the suite's first role); against a client, the same words name the client. Quotations of the RFC ("a
    /// server MUST ...") keep their article and so their meaning.
    /// </summary>
    public static string Worded(this Role suite, string text)
    {
        if (suite == Role.Client) return text;
        var worded = text.Replace("the server", "the client", StringComparison.Ordinal).Replace("The server", "The client", StringComparison.Ordinal)
            .Replace("server close", "client close", StringComparison.Ordinal);
        foreach (var (asClient, asServer) in TheOffersSide) worded = worded.Replace(asClient, asServer, StringComparison.Ordinal);
        return worded;
    }

    /// <summary>Where the permessage-deflate cases speak of the server accepting an offer: against a client, the client makes the offer and the suite accepts it.</summary>
    private static readonly (string AsClient, string AsServer)[] TheOffersSide =
    [
        ("The client accepts a permessage-deflate offer and", "The client offers permessage-deflate, the suite accepts the offer, and the client"),
        ("A server that accepts no offer makes the case UNIMPLEMENTED.", "A client that offers nothing the suite can accept makes the case UNIMPLEMENTED."),
    ];
}
