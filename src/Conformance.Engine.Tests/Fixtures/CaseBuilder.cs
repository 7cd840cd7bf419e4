using System.Text;

namespace Conformance.Engine.Tests;

internal static class CaseBuilder
{
    public static CaseDefinition Case(
        IReadOnlyList<ExpectedOutcome> outcomes, ExpectedClose? close = null, bool informational = false) => new()
    {
        Id = "9.9.9", Title = "test case", Category = "9", CategoryTitle = "Tests", Group = "9.9", GroupTitle = "Tests",
        Rfc = ["RFC6455 5.6"], Requirement = "", Expectation = "", Steps = [],
        Outcomes = outcomes, Close = close ?? ExpectedClose.NormalBySuite, End = EndTimer.Default,
        Informational = informational, SourceFile = "test",
    };

    public static ExpectedOutcome Ok(params ConversationEvent[] events) => new(Verdict.Ok, events);
    public static ExpectedOutcome NonStrict(params ConversationEvent[] events) => new(Verdict.NonStrict, events);
    public static ConversationEvent Text(string text) => ConversationEvent.Message(false, Encoding.UTF8.GetBytes(text));

    public static ExpectedClose ServerFails(params int[] codes) => new(CloseInitiator.Server, codes, false);
}
