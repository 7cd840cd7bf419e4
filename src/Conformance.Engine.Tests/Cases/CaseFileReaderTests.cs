namespace Conformance.Engine.Tests;

public class CaseFileReaderTests : WithScratchFolder
{
    private static IReadOnlyList<CaseDefinition> Read(string json) => CaseFileReader.Parse(json, "suites/sample.json");

    private const string ValidCase = """
        { "id": "2.1", "title": "ping", "rfc": ["RFC6455 5.5.2"], "requirement": "r", "expectation": "e",
          "steps": [ { "frame": { "opcode": "ping", "payload": "Hi" } } ],
          "expect": { "OK": [ { "pong": "Hi" } ] } }
        """;

    [Test]
    public void A_valid_case_is_read_with_its_defaults()
    {
        var c = Read($$"""{ "category": "2", "title": "Pings", "cases": [ {{ValidCase}} ] }""").Single();
        Assert.That(c.Id, Is.EqualTo("2.1"));
        Assert.That(c.Close, Is.EqualTo(ExpectedClose.NormalBySuite));
        Assert.That(c.End, Is.EqualTo(EndTimer.Default));
        var frame = ((SendFramesStep)c.Steps[0]).Frames[0];
        Assert.That((frame.Opcode, frame.Fin, frame.Masked), Is.EqualTo((Opcodes.Ping, true, true)));
        Assert.That(c.Outcomes.Single().Events.Single(), Is.EqualTo(ConversationEvent.Pong("Hi"u8.ToArray())));
        Assert.That(c.FinishesOnMatch, Is.True);
    }

    [TestCase("""{ "category": "2", "title": "t", "cases": [ { "id": "2.1" } ] }""", "cases[0] (case 2.1).title: is required")]
    [TestCase("""{ "category": "2", "title": "t", "cases": [ { "id": "3.1" } ] }""", "cases[0].id: id \"3.1\" is not in category 2")]
    [TestCase("""{ "category": "2", "title": "t", "cases": [ { "id": "2.1", "titel": "x" } ] }""", "cases[0].titel: unknown field")]
    [TestCase("""{ "category": "2", "title": "t" }""", "the file has no \"cases\"")]
    [TestCase("""{ "category": "2", "title": "t", "cases": [ ] ,}x""", "not valid JSON")]
    public void A_malformed_file_names_the_file_and_the_field(string json, string expected)
    {
        var error = Assert.Throws<CaseFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.StartWith("suites/sample.json: "));
        Assert.That(error.Message, Does.Contain(expected));
    }

    private const string Step = """{ "frame": { "opcode": "ping", "payload": "Hi" } }""";
    private const string Expect = """{ "OK": [ { "pong": "Hi" } ] }""";

    /// <summary>A case file with one case whose fields are given; the rest of the file (around it) as given.</summary>
    private static string CaseFile(string caseFields, string fileFields = "", string steps = Step, string expect = Expect) => $$"""
        { "category": "2", "title": "t", {{fileFields}} "cases": [ { "id": "2.1", "title": "x", "rfc": [], "requirement": "r", "expectation": "e",
          "steps": [ {{steps}} ], "expect": {{expect}} {{caseFields}} } ] }
        """;

    private static IEnumerable<TestCaseData> Misspelt()
    {
        TestCaseData Case(string name, string json, string field) => new TestCaseData(json, field).SetName($"A misspelt field is refused: {name}");
        yield return Case("the file's", CaseFile("", fileFields: "\"default\": { \"rfc\": [\"RFC 6455 5.5\"] },"), "default: unknown field (known: category, title, groups, defaults, cases, tables, finding)");
        yield return Case("in defaults", CaseFile("", fileFields: "\"defaults\": { \"requirment\": \"r\" },"), "defaults.requirment: unknown field");
        yield return Case("a table's", """{ "category": "2", "title": "t", "tables": [ { "case": {}, "rows": [], "row": [] } ] }""", "tables[0].row: unknown field");
        yield return Case("a step's", CaseFile("", steps: """{ "frame": { "opcode": "ping" }, "chopp": 1 }"""), "steps[0].chopp: unknown field (known: frame, chop)");
        yield return Case("a step with two things to do", CaseFile("", steps: """{ "frame": { "opcode": "ping" }, "wait": 10 }"""), "steps[0]: a step does one thing; this one has \"frame\" and \"wait\"");
        yield return Case("a wait's", CaseFile("", steps: """{ "wait": 10, "chop": 1 }"""), "steps[0].chop: unknown field (known: wait, mark)");
        yield return Case("a frame's", CaseFile("", steps: """{ "frame": { "opcode": "ping", "masked": false } }"""), "steps[0].frame.masked: unknown field");
        yield return Case("a close frame's", CaseFile("", steps: """{ "frame": { "opcode": "close", "close": { "code": 1000, "reasom": "x" } } }"""), "steps[0].frame.close.reasom: unknown field (known: code, reason)");
        yield return Case("a payload's", CaseFile("", steps: """{ "frame": { "opcode": "ping", "payload": { "hex": "00", "length": 4 } } }"""), "steps[0].frame.payload.length: unknown field (known: hex)");
        yield return Case("a message's", CaseFile("", steps: """{ "message": { "opcode": "text", "payload": "x", "fragments": 2 } }"""), "steps[0].message.fragments: unknown field");
        yield return Case("a round trip's", CaseFile("", steps: """{ "roundTrips": { "count": 1, "opcode": "text", "payload": "x", "chop": 1 } }"""), "steps[0].roundTrips.chop: unknown field");
        yield return Case("an event's", CaseFile("", expect: """{ "OK": [ { "pong": "Hi", "payload": "x" } ] }"""), "expect.OK[0].payload: unknown field (known: pong, times)");
        yield return Case("a message event's", CaseFile("", expect: """{ "OK": [ { "message": "text", "payload": "x", "binary": true } ] }"""), "expect.OK[0].binary: unknown field");
        yield return Case("the close's", CaseFile("", expect: """{ "OK": [], "close": { "initiator": "server", "codes": [1002], "clen": false } }"""), "expect.close.clen: unknown field");
        yield return Case("the end timer's", CaseFile(", \"end\": { \"after\": 10, \"action\": \"close\", \"afer\": 5 }"), "end.afer: unknown field (known: after, action)");
        yield return Case("deflate's", CaseFile(", \"deflate\": { \"offer\": [\"permessage-deflate\"], \"offers\": [] }"), "deflate.offers: unknown field (known: offer)");
    }

    [TestCaseSource(nameof(Misspelt))]
    public void A_misspelt_field_at_any_level_is_refused_naming_the_file_and_the_field(string json, string expected)
    {
        var error = Assert.Throws<CaseFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.StartWith("suites/sample.json: "));
        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void The_case_used_for_misspellings_is_valid_as_it_is() =>
        Assert.That(Read(CaseFile("", fileFields: "\"defaults\": { \"requirement\": \"r\" }, \"finding\": { \"seed\": 1 },")), Has.Count.EqualTo(1));

    [TestCase("\"opcode\": \"txt\"", "steps[0].frame.opcode: unknown opcode \"txt\"")]
    [TestCase("\"opcode\": 16", "steps[0].frame.opcode: 16 is out of range")]
    [TestCase("\"opcode\": \"text\", \"rsv\": 8", "steps[0].frame.rsv: 8 is out of range")]
    [TestCase("\"opcode\": \"text\", \"payload\": { \"hex\": \"abc\" }", "steps[0].frame.payload.hex: \"abc\" is not an even number of hex digits")]
    [TestCase("\"opcode\": \"text\", \"maskKey\": \"0102\"", "steps[0].frame.maskKey: a masking key is 4 octets")]
    [TestCase("\"opcode\": \"text\", \"length\": \"32\"", "steps[0].frame.length: \"32\" is not minimal, 16 or 64")]
    public void A_malformed_frame_names_its_field(string frame, string expected)
    {
        var json = $$"""
            { "category": "2", "title": "t", "cases": [ { "id": "2.1", "title": "x", "rfc": [], "requirement": "r", "expectation": "e",
              "steps": [ { "frame": { {{frame}} } } ], "expect": { "OK": [] } } ] }
            """;
        var error = Assert.Throws<CaseFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void A_table_makes_one_case_per_row_with_typed_placeholders()
    {
        var cases = Read("""
            { "category": "1", "title": "Framing", "groups": { "1.1": "Text" },
              "tables": [ { "rows": [ { "n": 1, "size": 0 }, { "n": 2, "size": 126 } ],
                "case": { "id": "1.1.{n}", "title": "text of {size} octets", "rfc": [], "requirement": "r", "expectation": "e",
                  "steps": [ { "frame": { "opcode": "text", "payload": { "repeat": "*", "length": "{size}" } } } ],
                  "expect": { "OK": [ { "message": "text", "payload": { "repeat": "*", "length": "{size}" } } ] } } } ] }
            """);
        Assert.That(cases.Select(c => c.Id), Is.EqualTo(new[] { "1.1.1", "1.1.2" }));
        Assert.That(cases[1].Title, Is.EqualTo("text of 126 octets"));
        Assert.That(((SendFramesStep)cases[1].Steps[0]).Frames[0].Payload, Has.Length.EqualTo(126));
        Assert.That(cases[1].GroupTitle, Is.EqualTo("Text"));
    }

    [Test]
    public void A_row_without_a_value_for_a_placeholder_is_an_error()
    {
        var error = Assert.Throws<CaseFileException>(() => Read("""
            { "category": "1", "title": "F", "tables": [ { "rows": [ { "n": 1 } ], "case": { "id": "1.{n}", "title": "{size}" } } ] }
            """))!;
        Assert.That(error.Message, Does.Contain("tables[0].rows[0]: the row has no value for {size}"));
    }

    [Test]
    public void A_message_step_splits_its_payload_into_fragments()
    {
        var c = Read("""
            { "category": "10", "title": "t", "cases": [ { "id": "10.1.1", "title": "t", "rfc": ["x"], "requirement": "r", "expectation": "e",
              "steps": [ { "message": { "opcode": "text", "payload": { "repeat": "*", "length": 65536 }, "fragment": 1300 } } ],
              "expect": { "OK": [ { "message": "text", "payload": { "repeat": "*", "length": 65536 } } ] } } ] }
            """).Single();
        var step = (SendMessageStep)c.Steps[0];
        var frames = MessageFrames.Split(step.Opcode, step.Payload, step.FragmentSize, compressed: false).ToList();
        Assert.That(frames, Has.Count.EqualTo(51));
        Assert.That(frames.Select(f => f.Opcode).Distinct(), Is.EqualTo(new[] { Opcodes.Text, Opcodes.Continuation }));
        Assert.That(frames.Count(f => f.Fin), Is.EqualTo(1));
        Assert.That(frames[^1].Fin, Is.True);
        Assert.That(frames.Sum(f => f.Payload.Length), Is.EqualTo(65536));
        Assert.That(frames.All(f => f.MaskKey is not null), Is.True);
    }

    [Test]
    public void An_empty_message_is_one_empty_frame()
    {
        var frames = MessageFrames.Split(Opcodes.Binary, Array.Empty<byte>(), 4, compressed: false).ToList();
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That((frames[0].Opcode, frames[0].Fin, frames[0].Payload.Length), Is.EqualTo((Opcodes.Binary, true, 0)));
    }

    [Test]
    public void Compressed_message_frames_set_RSV1_on_the_first_frame_only()
    {
        var frames = MessageFrames.Split(Opcodes.Text, new byte[10], 4, compressed: true).ToList();
        Assert.That(frames.Select(f => f.Rsv), Is.EqualTo(new byte[] { 4, 0, 0 }));
    }

    [Test]
    public void Corpus_round_trips_with_a_deflate_offer_expect_the_series_of_slices()
    {
        var c = Read("""
            { "category": "12", "title": "t", "cases": [ { "id": "12.1.1", "title": "t", "rfc": ["x"], "requirement": "r", "expectation": "e",
              "deflate": { "offer": ["permessage-deflate; client_max_window_bits"] },
              "steps": [ { "roundTrips": { "count": 1000, "opcode": "text", "corpus": "json", "length": 16, "fragment": 4 } } ],
              "expect": { "OK": [ { "messages": "text", "corpus": "json", "length": 16, "count": 1000 } ] } } ] }
            """).Single();
        var step = (RoundTripsStep)c.Steps.Single();
        var events = c.Outcomes.Single().Events;
        Assert.That(c.DeflateOffers, Is.EqualTo(new[] { "permessage-deflate; client_max_window_bits" }));
        Assert.That((step.Count, step.FragmentSize, events.Count), Is.EqualTo((1000, (int?)4, 1000)));
        Assert.That(events[999], Is.EqualTo(ConversationEvent.Message(false, step.Messages.At(999).ToArray())));
        Assert.That(step.Messages.At(0).ToArray(), Is.EqualTo("[\n  {\"id\": 0, \"n"u8.ToArray()));
        Assert.That(ConversationEvent.Describe(events), Does.StartWith("1000 text message(s): successive 16-octet slices of json"));
    }

    [TestCase("\"deflate\": { \"offer\": [\"x-other\"] }", "(case 12.1.1).deflate.offer[0]: each offer is one permessage-deflate element")]
    [TestCase("\"deflate\": { \"offer\": [\"permessage-deflate; a=\\\"b\"] }", "(case 12.1.1).deflate.offer[0]: the quoted value of a is not closed")]
    [TestCase("\"steps\": [ { \"roundTrips\": { \"count\": 1, \"opcode\": \"text\", \"corpus\": \"nope\", \"length\": 1 } } ]", "(case 12.1.1).steps[0].roundTrips.corpus: unknown corpus \"nope\"")]
    public void Deflate_and_corpus_mistakes_name_the_field(string field, string expected)
    {
        var json = """{ "category": "12", "title": "t", "cases": [ { "id": "12.1.1", "title": "t", "rfc": ["x"], "requirement": "r", "expectation": "e", "expect": { "OK": [] }, """
                   + (field.Contains("\"steps\"") ? "" : "\"steps\": [], ") + field + " } ] }";
        var e = Assert.Throws<CaseFileException>(() => CaseFileReader.Parse(json, "f.json"))!;
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void Round_trips_and_repeated_events_are_read()
    {
        var c = Read("""
            { "category": "9", "title": "t", "cases": [ { "id": "9.7.1", "title": "t", "rfc": ["x"], "requirement": "r", "expectation": "e",
              "steps": [ { "roundTrips": { "count": 3, "opcode": "binary", "payload": { "hex": "00ff" } } } ],
              "expect": { "OK": [ { "message": "binary", "payload": { "hex": "00ff" }, "times": 3 } ] } } ] }
            """).Single();
        var step = (RoundTripsStep)c.Steps.Single();
        Assert.That((step.Count, step.Opcode, step.FragmentSize), Is.EqualTo((3, Opcodes.Binary, (int?)null)));
        Assert.That(step.Messages.At(2).ToArray(), Is.EqualTo(new byte[] { 0x00, 0xff }));
        Assert.That(c.Outcomes.Single().Events, Has.Count.EqualTo(3));
        Assert.That(c.Outcomes.Single().Events.Distinct().Single(), Is.EqualTo(ConversationEvent.Message(true, [0x00, 0xff])));
    }

    [Test]
    public void A_round_trip_message_must_be_text_or_binary()
    {
        var error = Assert.Throws<CaseFileException>(() => Read("""
            { "category": "9", "title": "t", "cases": [ { "id": "9.7.1", "title": "t", "rfc": ["x"], "requirement": "r", "expectation": "e",
              "steps": [ { "roundTrips": { "count": 3, "opcode": "ping" } } ], "expect": { "OK": [] } } ] }
            """))!;
        Assert.That(error.Message, Does.Contain("steps[0].roundTrips.opcode: a message is \"text\" or \"binary\""));
    }

    [Test]
    public void Close_frames_are_built_from_code_and_reason()
    {
        var c = Read("""
            { "category": "7", "title": "Close", "cases": [ { "id": "7.1", "title": "x", "rfc": [], "requirement": "r", "expectation": "e",
              "steps": [ { "frame": { "opcode": "close", "close": { "code": 1000, "reason": "bye" } } } ], "expect": { "OK": [] } } ] }
            """).Single();
        Assert.That(((SendFramesStep)c.Steps[0]).Frames[0].Payload, Is.EqualTo(new byte[] { 0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e' }));
    }

    [Test]
    public void Duplicate_ids_across_files_are_an_error()
    {
        File.WriteAllText(Path.Combine(Scratch, "a.json"), $$"""{ "category": "2", "title": "P", "cases": [ {{ValidCase}} ] }""");
        File.WriteAllText(Path.Combine(Scratch, "b.json"), $$"""{ "category": "2", "title": "P", "cases": [ {{ValidCase}} ] }""");
        var error = Assert.Throws<CaseFileException>(() => Catalogue.Load(Scratch))!;
        Assert.That(error.Message, Does.Contain("case 2.1: id already used"));
    }

    [TestCase("1.*", "1.1.1", true)]
    [TestCase("1.*", "10.1.1", false)]
    [TestCase("2.1", "2.1", true)]
    [TestCase("2.1", "2.10", false)]
    [TestCase("1.1", "1.1.8", true)]
    [TestCase("*", "7.7.1", true)]
    [TestCase("7.*.1", "7.7.1", true)]
    public void Patterns_select_ids(string pattern, string id, bool selected) =>
        Assert.That(CasePattern.Matches(pattern, id), Is.EqualTo(selected));

    [Test]
    public void Ids_sort_part_by_part() =>
        Assert.That(new[] { "2.10", "10.1.1", "2.2", "1.1.8", "1.2.1" }.Order(CaseIdComparer.Instance),
            Is.EqualTo(new[] { "1.1.8", "1.2.1", "2.2", "2.10", "10.1.1" }));
}
