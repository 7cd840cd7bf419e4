using System.Globalization;

namespace Conformance.Protocol.Deflate;

/// <summary>
/// The rules of RFC 7692 section 7.1 for permessage-deflate offers (what a server must decline) and for the server's
/// answer (what a client must fail the connection on).
/// </summary>
public static class DeflateNegotiation
{
    private const string ServerNoContextTakeover = "server_no_context_takeover";
    private const string ClientNoContextTakeover = "client_no_context_takeover";
    private const string ServerMaxWindowBits = "server_max_window_bits";
    private const string ClientMaxWindowBits = "client_max_window_bits";

    public static bool IsDeflate(ExtensionElement element) =>
        element.Name.Equals(DeflateParameters.ExtensionName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a server must decline this offer (RFC 7692 5.1, 7.1), or null when it is a valid offer.</summary>
    public static string? OfferProblem(ExtensionElement offer)
    {
        if (Common(offer) is { } problem) return problem;
        if (Find(offer, ServerMaxWindowBits) is { } server && server.Value is null)
            return $"{ServerMaxWindowBits} has no value (RFC 7692 7.1.2.1: a decimal integer from 8 to 15)";
        return null;
    }

    /// <summary>
    /// A server's answer accepting the first valid offer, or null when every offer must be declined (RFC 7692 5.1). The answer
    /// grants what the offer asks (server_no_context_takeover, server_max_window_bits) and takes up what it allows
    /// (client_no_context_takeover, client_max_window_bits with a value), so the agreed parameters are the offer's own.
    /// </summary>
    public static ExtensionElement? Answer(IReadOnlyList<ExtensionElement> offered)
    {
        var offer = offered.Where(IsDeflate).FirstOrDefault(o => OfferProblem(o) is null);
        if (offer is null) return null;
        var granted = offer.Parameters
            .Where(p => !p.Name.Equals(ClientMaxWindowBits, StringComparison.OrdinalIgnoreCase) || p.Value is not null)
            .Select(p => new ExtensionParameter(p.Name.ToLowerInvariant(), p.Value))
            .ToList();
        return new ExtensionElement(DeflateParameters.ExtensionName, granted);
    }

    /// <summary>
    /// A server's answer that asks the client for what a case wants (client_no_context_takeover, client_max_window_bits
    /// with a value) while granting what the client's offer asks of the server, for the first valid offer that allows it;
    /// null when none does (RFC 7692 7.1.2.2: a server may limit the client's window only when the offer has
    /// client_max_window_bits, and to at most its value; 7.1.1.2: it may ask for client_no_context_takeover in any answer).
    /// </summary>
    public static ExtensionElement? AnswerAsking(IReadOnlyList<ExtensionElement> offered, bool clientNoContextTakeover, int? clientMaxWindowBits)
    {
        foreach (var offer in offered.Where(IsDeflate).Where(o => OfferProblem(o) is null))
        {
            if (clientMaxWindowBits is { } bits && (Find(offer, ClientMaxWindowBits) is not { } allowed || Bits(allowed.Value) < bits)) continue;
            var answer = offer.Parameters
                .Where(p => p.Name.Equals(ServerNoContextTakeover, StringComparison.OrdinalIgnoreCase) || p.Name.Equals(ServerMaxWindowBits, StringComparison.OrdinalIgnoreCase))
                .Select(p => new ExtensionParameter(p.Name.ToLowerInvariant(), p.Value))
                .ToList();
            if (clientNoContextTakeover) answer.Add(new ExtensionParameter(ClientNoContextTakeover, null));
            if (clientMaxWindowBits is { } asked) answer.Add(new ExtensionParameter(ClientMaxWindowBits, asked.ToString(CultureInfo.InvariantCulture)));
            return new ExtensionElement(DeflateParameters.ExtensionName, answer);
        }
        return null;
    }

    /// <summary>What an offer asks of the server (server_no_context_takeover, server_max_window_bits), which a server in the client's place asks of the client.</summary>
    public static (bool NoContextTakeover, int? MaxWindowBits) AskedOfServer(ExtensionElement offer) =>
        (Find(offer, ServerNoContextTakeover) is not null, Bits(Find(offer, ServerMaxWindowBits)?.Value));

    /// <summary>
    /// Judges the server's answer: the agreed parameters when the answer accepts permessage-deflate validly for one of the
    /// valid offers; null with no problem when it accepts none; null with the problem when a client must fail the connection.
    /// </summary>
    public static DeflateParameters? Judge(IReadOnlyList<ExtensionElement> offered, IReadOnlyList<ExtensionElement> answered, out string? problem)
    {
        var accepted = answered.Where(IsDeflate).ToList();
        problem = null;
        if (accepted.Count == 0) return null;
        if (accepted.Count > 1)
        {
            problem = $"the server accepted {DeflateParameters.ExtensionName} {accepted.Count} times (RFC 6455 9.1: it may accept one offer)";
            return null;
        }
        var response = accepted[0];
        if (Common(response) is { } common)
        {
            problem = $"the server's answer \"{response}\" is invalid: {common} (RFC 7692 5.1: the client MUST fail the connection)";
            return null;
        }
        foreach (var name in new[] { ServerMaxWindowBits, ClientMaxWindowBits })
        {
            if (Find(response, name) is { Value: null })
            {
                problem = $"the server's answer \"{response}\" has {name} without a value (RFC 7692 7.1.2: an answer gives the number of bits)";
                return null;
            }
        }
        var offers = offered.Where(IsDeflate).ToList();
        var valid = offers.Where(o => OfferProblem(o) is null).ToList();
        if (valid.Count == 0)
        {
            problem = offers.Count == 0
                ? $"the server accepted {DeflateParameters.ExtensionName}, which the client did not offer (RFC 6455 9.1)"
                : $"the server accepted \"{response}\" although every {DeflateParameters.ExtensionName} offer was invalid: {OfferProblem(offers[0])} (RFC 7692 5.1: a server MUST decline such an offer)";
            return null;
        }
        string? firstMismatch = null;
        foreach (var offer in valid)
        {
            var mismatch = Mismatch(offer, response);
            if (mismatch is null) return Agreed(response);
            firstMismatch ??= $"\"{response}\" does not answer the offer \"{offer}\": {mismatch}";
        }
        problem = $"the server's answer {firstMismatch}";
        return null;
    }

    /// <summary>Why the answer is not a valid answer to this offer (RFC 7692 7.1.1, 7.1.2), or null.</summary>
    private static string? Mismatch(ExtensionElement offer, ExtensionElement response)
    {
        if (Find(offer, ServerNoContextTakeover) is not null && Find(response, ServerNoContextTakeover) is null)
            return $"the offer asked for {ServerNoContextTakeover}, which a server accepts only by including it (RFC 7692 7.1.1.1)";
        if (Find(offer, ServerMaxWindowBits) is { } offeredServer)
        {
            var limit = Bits(offeredServer.Value)!.Value;
            if (Find(response, ServerMaxWindowBits) is not { } answered)
                return $"the offer limited {ServerMaxWindowBits} to {limit}, which a server accepts only by including it (RFC 7692 7.1.2.1)";
            if (Bits(answered.Value) > limit)
                return $"{ServerMaxWindowBits}={answered.Value} is more than the offered {limit} (RFC 7692 7.1.2.1)";
        }
        if (Find(response, ClientMaxWindowBits) is { } clientAnswer)
        {
            if (Find(offer, ClientMaxWindowBits) is not { } clientOffer)
                return $"it has {ClientMaxWindowBits}, which the offer did not have (RFC 7692 7.1.2.2: the answer MUST NOT include it)";
            if (clientOffer.Value is not null && Bits(clientAnswer.Value) > Bits(clientOffer.Value))
                return $"{ClientMaxWindowBits}={clientAnswer.Value} is more than the offered {clientOffer.Value} (RFC 7692 7.1.2.2)";
        }
        return null;
    }

    /// <summary>The parameters an answer states, valid or not (for showing a transcript, not for judging one).</summary>
    public static DeflateParameters Agreed(ExtensionElement response) => new(
        ServerNoContextTakeover: Find(response, ServerNoContextTakeover) is not null,
        ClientNoContextTakeover: Find(response, ClientNoContextTakeover) is not null,
        ServerMaxWindowBits: Bits(Find(response, ServerMaxWindowBits)?.Value) ?? 15,
        ClientMaxWindowBits: Bits(Find(response, ClientMaxWindowBits)?.Value) ?? 15);

    /// <summary>The rules offers and answers share: known parameters, each once, with valid values (RFC 7692 5.1, 7.1).</summary>
    private static string? Common(ExtensionElement element)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in element.Parameters)
        {
            if (!seen.Add(p.Name)) return $"the parameter {p.Name} appears more than once";
            switch (p.Name.ToLowerInvariant())
            {
                case ServerNoContextTakeover or ClientNoContextTakeover:
                    if (p.Value is not null) return $"{p.Name} has the value \"{p.Value}\" but takes none (RFC 7692 7.1.1)";
                    break;
                case ServerMaxWindowBits or ClientMaxWindowBits:
                    if (p.Value is not null && Bits(p.Value) is null)
                        return $"{p.Name}={p.Value} is not a decimal integer from 8 to 15 without leading zeroes (RFC 7692 7.1.2)";
                    break;
                default:
                    return $"the parameter {p.Name} is not defined for {DeflateParameters.ExtensionName}";
            }
        }
        return null;
    }

    private static ExtensionParameter? Find(ExtensionElement element, string name) =>
        element.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static int? Bits(string? value) =>
        value is { Length: 1 or 2 } && value[0] != '0' && value.All(char.IsAsciiDigit)
        && int.Parse(value, CultureInfo.InvariantCulture) is var bits and >= 8 and <= 15 ? bits : null;
}
