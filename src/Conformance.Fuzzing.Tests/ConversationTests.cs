using System.Text;
using Conformance.Engine.Cases;
using Conformance.Engine.Wire;

namespace Conformance.Fuzzing.Tests;

/// <summary>What the generators make and the shrinker returns, over many seeds, without a server.</summary>
public class ConversationTests
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private static IEnumerable<Conversation> Many(int count = 400) => Enumerable.Range(0, count).Select(i => Fuzzer.Generate(7, i));

    private static bool IsUtf8(byte[] bytes)
    {
        try { Strict.GetString(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    [Test]
    public void Every_conversation_is_a_case_script_whose_oracle_follows_the_RFC()
    {
        var kinds = new HashSet<ViolationKind>();
        foreach (var (c, i) in Many().Select((c, i) => (c, i)))
        {
            var definition = ConversationScript.Definition($"F.{i}", c);
            Assert.That(definition.Steps, Is.Not.Empty, c.ToString());
            foreach (var m in c.Messages)
            {
                Assert.That(m.Fragments.Sum(), Is.EqualTo(m.Payload.Length), c.ToString());
                if (!m.Binary) Assert.That(IsUtf8(m.Payload), c.ToString());
            }
            if (c.Violation is not { } v)
            {
                Assert.That(definition.Close.Initiator, Is.EqualTo(CloseInitiator.Suite));
                Assert.That(definition.Outcomes.Single().Events.Count(e => e.Kind == EventKind.Message), Is.EqualTo(c.Messages.Count));
                continue;
            }
            kinds.Add(v.Kind);
            Assert.That(c.Messages, Has.Count.LessThanOrEqualTo(1), "at most one message before the violation");
            Assert.That(c.Messages.SelectMany(m => m.Pings), Is.Empty, "no pings before a violation: their pongs would race it");
            var rule = ViolationRule.For(v.Kind);
            if (rule.SuiteStartsClose) Assert.That(c.Chop, Is.Null, "a malformed close frame is written whole");
            if (rule.Informational) Assert.That(definition.Informational, Is.True);
            else Assert.That(definition.Close.Codes, Is.EqualTo(new[] { rule.CloseCode }));
            if (v.Kind == ViolationKind.InvalidUtf8) Assert.That(IsUtf8(v.Payload), Is.False, c.ToString());
            if (v.Kind == ViolationKind.OversizedControlFrame) Assert.That(v.Payload.Length, Is.GreaterThan(125));
        }
        Assert.That(kinds, Is.EquivalentTo(Enum.GetValues<ViolationKind>()), "every kind of violation is generated");
    }

    [Test]
    public void A_seed_and_an_index_make_the_same_conversation_every_time()
    {
        Assert.That(Fuzzer.Generate(42, 17).ToString(), Is.EqualTo(Fuzzer.Generate(42, 17).ToString()));
        Assert.That(Enumerable.Range(0, 20).Select(i => Fuzzer.Generate(42, i).ToString()).Distinct().Count(), Is.GreaterThan(15));
    }

    [Test]
    public void Shrinks_are_smaller_and_keep_the_kind_of_violation_and_its_invalidity()
    {
        foreach (var c in Many(200))
        {
            foreach (var s in ConversationShrinker.Shrink(c))
            {
                Assert.That(s.Weight, Is.LessThan(c.Weight), $"{c} → {s}");
                Assert.That(s.Violation?.Kind, Is.EqualTo(c.Violation?.Kind));
                if (s.Violation is { Kind: ViolationKind.InvalidUtf8 } v) Assert.That(IsUtf8(v.Payload), Is.False, s.ToString());
                if (s.Violation is { Kind: ViolationKind.OversizedControlFrame } o) Assert.That(o.Payload.Length, Is.GreaterThan(125));
                foreach (var m in s.Messages.Where(m => !m.Binary)) Assert.That(IsUtf8(m.Payload), s.ToString());
                Assert.That(s.Messages.All(m => m.Fragments.Sum() == m.Payload.Length), s.ToString());
            }
        }
    }
}
