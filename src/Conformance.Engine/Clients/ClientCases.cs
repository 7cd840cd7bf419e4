using Conformance.Engine.Cases;

namespace Conformance.Engine.Clients;

/// <summary>
/// Which cases the suite plays against clients, by one rule: the same case data as against servers, with the roles
/// swapped, except where a case only makes sense in one direction.
/// </summary>
public static class ClientCases
{
    /// <summary>Why the case is not played against clients, or null when it is.</summary>
    public static string? LeftOut(CaseDefinition @case) => @case switch
    {
        { OnlyOverHttp2: true } =>
            "it tests how a server answers an extended CONNECT over HTTP/2 (RFC 8441); the suite plays clients over HTTP/1.1",
        { Request: not null } or { Handshake: not null } =>
            "it tests how a server answers an opening request (category H tests the client's side of it)",
        _ when @case.Steps.Any(s => s is SendRawStep { AsServer: null }) =>
            "it writes raw octets framed as a client's, and gives none for the server to write (asServer)",
        _ => null,
    };

    /// <summary>The cases of a selection that are played against clients, in the catalogue's order (Autobahn's case numbers follow it).</summary>
    public static IReadOnlyList<CaseDefinition> Select(IEnumerable<CaseDefinition> selected) => selected.Where(c => LeftOut(c) is null).ToList();
}
