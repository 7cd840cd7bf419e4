using Conformance.Protocol.Deflate;

namespace Conformance.Protocol.Tests;

public class DeflateNegotiationTests
{
    private static IReadOnlyList<ExtensionElement> List(string value)
    {
        var list = ExtensionList.Parse(value, out var error);
        Assert.That(error, Is.Null);
        return list!;
    }

    [Test]
    public void Lists_parse_with_parameters_quoted_values_and_whitespace()
    {
        var list = List("permessage-deflate ; client_max_window_bits=\"10\"; server_no_context_takeover, x-other,permessage-deflate");
        Assert.That(list.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "permessage-deflate; client_max_window_bits=10; server_no_context_takeover", "x-other", "permessage-deflate",
        }));
    }

    [TestCase("permessage-deflate; ", "a parameter name")]
    [TestCase("permessage-deflate; a=", "a value after a=")]
    [TestCase("permessage-deflate; a=\"b", "not closed")]
    [TestCase("permessage-deflate; a=\"b c\"", "not a token")]
    [TestCase("permessage-deflate x", "',' or the end")]
    [TestCase("; a", "an extension name")]
    public void Malformed_lists_say_what_is_wrong(string value, string expected)
    {
        Assert.That(ExtensionList.Parse(value, out var error), Is.Null);
        Assert.That(error, Does.Contain(expected));
    }

    [TestCase("permessage-deflate; client_max_window_bits", false, null, "permessage-deflate")]
    [TestCase("permessage-deflate; client_max_window_bits", true, 9, "permessage-deflate; client_no_context_takeover; client_max_window_bits=9")]
    [TestCase("permessage-deflate", true, null, "permessage-deflate; client_no_context_takeover")]
    [TestCase("permessage-deflate", false, 9, null)]
    [TestCase("permessage-deflate; client_max_window_bits=10", false, 12, null)]
    [TestCase("permessage-deflate; client_max_window_bits=10", false, 9, "permessage-deflate; client_max_window_bits=9")]
    [TestCase("permessage-deflate; server_no_context_takeover; server_max_window_bits=10", false, null, "permessage-deflate; server_no_context_takeover; server_max_window_bits=10")]
    [TestCase("permessage-deflate; x_unknown, permessage-deflate; client_max_window_bits", false, 9, "permessage-deflate; client_max_window_bits=9")]
    [TestCase("permessage-deflate; server_max_window_bits", false, null, null)]
    [TestCase("x-other", false, null, null)]
    public void A_server_answer_asks_the_client_for_what_a_case_wants_only_where_the_offer_allows_it(string offers, bool noContextTakeover, int? bits, string? expected)
    {
        var answer = DeflateNegotiation.AnswerAsking(List(offers), noContextTakeover, bits);
        Assert.That(answer?.ToString(), Is.EqualTo(expected));
        if (answer is not null)
            Assert.That(DeflateNegotiation.Judge(List(offers), [answer], out var problem), Is.Not.Null, $"a valid answer, as a client judges it: {problem}");
    }

    [TestCase("permessage-deflate", null)]
    [TestCase("permessage-deflate; client_max_window_bits", null)]
    [TestCase("permessage-deflate; server_max_window_bits=8; client_max_window_bits=15", null)]
    [TestCase("permessage-deflate; server_max_window_bits", "has no value")]
    [TestCase("permessage-deflate; server_max_window_bits=7", "not a decimal integer from 8 to 15")]
    [TestCase("permessage-deflate; client_max_window_bits=16", "not a decimal integer from 8 to 15")]
    [TestCase("permessage-deflate; client_max_window_bits=010", "without leading zeroes")]
    [TestCase("permessage-deflate; server_no_context_takeover; server_no_context_takeover", "more than once")]
    [TestCase("permessage-deflate; server_no_context_takeover=1", "takes none")]
    [TestCase("permessage-deflate; x_unknown", "not defined")]
    public void Offers_a_server_must_decline_are_named(string offer, string? problem)
    {
        var found = DeflateNegotiation.OfferProblem(List(offer)[0]);
        if (problem is null) Assert.That(found, Is.Null);
        else Assert.That(found, Does.Contain(problem));
    }

    [TestCase("permessage-deflate", "permessage-deflate", "server window 15 bits with context takeover, client window 15 bits with context takeover")]
    [TestCase("permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits=10; server_no_context_takeover",
        "server window 15 bits without context takeover, client window 10 bits with context takeover")]
    [TestCase("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=9",
        "server window 9 bits with context takeover, client window 15 bits with context takeover")]
    [TestCase("permessage-deflate; server_max_window_bits=7, permessage-deflate", "permessage-deflate; client_no_context_takeover",
        "server window 15 bits with context takeover, client window 15 bits without context takeover")]
    public void Valid_answers_give_the_agreed_parameters(string offers, string answer, string agreed)
    {
        var parameters = DeflateNegotiation.Judge(List(offers), List(answer), out var problem);
        Assert.That(problem, Is.Null);
        Assert.That(parameters!.ToString(), Is.EqualTo(agreed));
    }

    [TestCase("permessage-deflate", "permessage-deflate; client_max_window_bits=10", "MUST NOT include it")]
    [TestCase("permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits", "without a value")]
    [TestCase("permessage-deflate; client_max_window_bits=9", "permessage-deflate; client_max_window_bits=10", "more than the offered 9")]
    [TestCase("permessage-deflate; server_max_window_bits=10", "permessage-deflate", "accepts only by including it")]
    [TestCase("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=12", "more than the offered 10")]
    [TestCase("permessage-deflate; server_no_context_takeover", "permessage-deflate", "accepts only by including it")]
    [TestCase("permessage-deflate", "permessage-deflate; x=1", "not defined")]
    [TestCase("permessage-deflate", "permessage-deflate; server_max_window_bits=16", "from 8 to 15")]
    [TestCase("permessage-deflate", "permessage-deflate, permessage-deflate", "2 times")]
    [TestCase("permessage-deflate; server_max_window_bits=7", "permessage-deflate", "every permessage-deflate offer was invalid")]
    [TestCase("x-other", "permessage-deflate", "did not offer")]
    public void Answers_a_client_must_fail_are_named(string offers, string answer, string expected)
    {
        Assert.That(DeflateNegotiation.Judge(List(offers), List(answer), out var problem), Is.Null);
        Assert.That(problem, Does.Contain(expected));
    }

    [TestCase("permessage-deflate", "permessage-deflate")]
    [TestCase("permessage-deflate; client_max_window_bits", "permessage-deflate")]
    [TestCase("permessage-deflate; client_max_window_bits=\"10\"", "permessage-deflate; client_max_window_bits=10")]
    [TestCase("permessage-deflate; Server_No_Context_Takeover; client_no_context_takeover; server_max_window_bits=9",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9")]
    [TestCase("permessage-deflate; server_max_window_bits=7, permessage-deflate; server_max_window_bits=8", "permessage-deflate; server_max_window_bits=8")]
    [TestCase("x-other, permessage-deflate; x_unknown, permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover")]
    public void A_server_accepts_the_first_valid_offer_with_an_answer_a_client_accepts(string offers, string answer)
    {
        var answered = DeflateNegotiation.Answer(List(offers));
        Assert.That(answered?.ToString(), Is.EqualTo(answer));
        Assert.That(DeflateNegotiation.Judge(List(offers), [answered!], out var problem), Is.EqualTo(DeflateNegotiation.Agreed(answered!)));
        Assert.That(problem, Is.Null);
    }

    [TestCase("permessage-deflate; server_max_window_bits")]
    [TestCase("permessage-deflate; server_max_window_bits=010, permessage-deflate; x_unknown")]
    [TestCase("x-other")]
    public void A_server_declines_when_no_offer_is_valid(string offers) => Assert.That(DeflateNegotiation.Answer(List(offers)), Is.Null);

    [Test]
    public void An_answer_without_deflate_agrees_to_nothing_and_is_no_problem()
    {
        Assert.That(DeflateNegotiation.Judge(List("permessage-deflate"), [], out var problem), Is.Null);
        Assert.That(problem, Is.Null);
    }
}
