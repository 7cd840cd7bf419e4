using System.Text.Json;

namespace Conformance.Engine.Tests;

public class VerdictWordsTests
{
    [Test]
    public void Every_verdict_has_its_own_word_and_reads_back_from_it()
    {
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            Assert.That(VerdictWords.Behavior.TryParse(verdict.Word(), out var read), Is.True, verdict.Word());
            Assert.That(read, Is.EqualTo(verdict));
        }
        foreach (var verdict in Enum.GetValues<CloseVerdict>())
        {
            Assert.That(VerdictWords.Close.TryParse(verdict.Word(), out var read), Is.True, verdict.Word());
            Assert.That(read, Is.EqualTo(verdict));
        }
        Assert.That(VerdictWords.Behavior.Words, Is.EqualTo(new[] { "OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED" }));
        Assert.That(VerdictWords.Close.Words, Is.EqualTo(new[] { "OK", "INFORMATIONAL", "WRONG CODE", "UNCLEAN", "FAILED BY CLIENT", "FAILED" }));
    }

    [Test]
    public void Words_are_read_exactly_unless_case_and_spaces_are_to_be_ignored()
    {
        Assert.That(VerdictWords.Close.TryParse("wrong code", out _), Is.False);
        Assert.That(VerdictWords.Close.TryParse(" wrong code ", out var close, ignoreCase: true), Is.True);
        Assert.That(close, Is.EqualTo(CloseVerdict.WrongCode));
        Assert.That(VerdictWords.Behavior.TryParse("WRONG CODE", out _, ignoreCase: true), Is.False, "a close word only");
    }

    [Test]
    public void OK_and_INFORMATIONAL_are_as_good_as_each_other_and_FAILED_is_the_worst()
    {
        Assert.That(Verdict.Informational.Badness(), Is.EqualTo(Verdict.Ok.Badness()));
        Assert.That(CloseVerdict.Informational.Badness(), Is.EqualTo(CloseVerdict.Ok.Badness()));
        Assert.That(Enum.GetValues<Verdict>().Where(v => v != Verdict.Failed), Has.All.Matches<Verdict>(v => v.Badness() < Verdict.Failed.Badness()));
        Assert.That(Enum.GetValues<CloseVerdict>().Where(v => v != CloseVerdict.Failed), Has.All.Matches<CloseVerdict>(v => v.Badness() < CloseVerdict.Failed.Badness()));
        Assert.That(CloseVerdict.FailedByClient.Badness(), Is.LessThan(CloseVerdict.WrongCode.Badness()));
    }

    [Test]
    public void JSON_carries_the_words_as_values_and_as_property_names()
    {
        var race = new RaceClass([Verdict.Ok, Verdict.NonStrict], "why");
        var events = new Dictionary<Verdict, string> { [Verdict.NonStrict] = "nothing" };
        var pair = new VerdictPair(Verdict.Unimplemented, CloseVerdict.FailedByClient);

        Assert.That(JsonSerializer.Serialize(race, ResultsWriter.Json), Is.EqualTo("""{"behaviors":["OK","NON-STRICT"],"why":"why"}"""));
        Assert.That(JsonSerializer.Serialize(events, ResultsWriter.Json), Is.EqualTo("""{"NON-STRICT":"nothing"}"""));
        Assert.That(JsonSerializer.Serialize(pair, ResultsWriter.Json), Is.EqualTo("""{"behavior":"UNIMPLEMENTED","behaviorClose":"FAILED BY CLIENT"}"""));
        Assert.That(JsonSerializer.Deserialize<RaceClass>("""{"behaviors":["OK","NON-STRICT"],"why":"why"}""", ResultsWriter.Json)!.Behaviors, Is.EqualTo(race.Behaviors));
        Assert.That(JsonSerializer.Deserialize<Dictionary<Verdict, string>>("""{"NON-STRICT":"nothing"}""", ResultsWriter.Json), Is.EqualTo(events));
        Assert.That(JsonSerializer.Deserialize<VerdictPair>("""{"behavior":"UNIMPLEMENTED","behaviorClose":"FAILED BY CLIENT"}""", ResultsWriter.Json), Is.EqualTo(pair));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Verdict>("\"NonStrict\"", ResultsWriter.Json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CloseVerdict>("3", ResultsWriter.Json));
    }

    [Test]
    public void A_pair_is_written_behavior_first()
    {
        Assert.That(new VerdictPair(Verdict.NonStrict, CloseVerdict.WrongCode).ToString(), Is.EqualTo("NON-STRICT/WRONG CODE"));
    }
}
