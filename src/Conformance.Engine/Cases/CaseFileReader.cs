using System.Text.Json.Nodes;
using System.Text.Json;
using Conformance.Engine.Wire;
using Conformance.Protocol;

namespace Conformance.Engine.Cases;

/// <summary>Reads one case file of suites/ (format: suites/case-format.md).</summary>
public static class CaseFileReader
{
    private static readonly string[] FileFields = ["category", "title", "groups", "defaults", "cases", "tables", "finding"];

    private static readonly string[] CaseFields =
        ["id", "title", "rfc", "requirement", "expectation", "steps", "expect", "end", "informational", "request", "http2Request", "handshake", "answer", "deflate", "race", "requirements"];

    public static IReadOnlyList<CaseDefinition> Read(string path, string displayName)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseFileException(displayName, "", $"cannot be read: {e.Message}");
        }
        return Parse(text, displayName);
    }

    /// <summary>Reads case file text; displayName is what errors call it.</summary>
    public static IReadOnlyList<CaseDefinition> Parse(string json, string displayName)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CaseFileException(displayName, "", $"not valid JSON (line {e.LineNumber + 1}): {e.Message.Split(". ")[0]}");
        }
        return Read(new JsonField(displayName, "", root));
    }

    internal static IReadOnlyList<CaseDefinition> Read(JsonField file)
    {
        file.Only(FileFields);
        var category = file["category"].String();
        var categoryTitle = file["title"].String();
        var groups = file.Has("groups")
            ? file["groups"].AsObject().ToDictionary(p => p.Key, p => ReadGroup(file["groups"][p.Key]))
            : new Dictionary<string, Group>();
        var defaults = file.Has("defaults") ? file["defaults"].Only(CaseFields).AsObject() : new JsonObject();

        var caseNodes = new List<JsonField>();
        if (file.Has("cases")) caseNodes.AddRange(file["cases"].Items());
        if (file.Has("tables")) caseNodes.AddRange(file["tables"].Items().SelectMany(TableExpander.Expand));
        if (caseNodes.Count == 0) throw file.Error("the file has no \"cases\" and no \"tables\"");

        return caseNodes
            .Select(node => ReadCase(WithDefaults(node, defaults), category, categoryTitle, groups))
            .ToList();
    }

    private static JsonField WithDefaults(JsonField node, JsonObject defaults)
    {
        var merged = node.AsObject().DeepClone().AsObject();
        foreach (var (key, value) in defaults)
            if (!merged.ContainsKey(key)) merged[key] = value?.DeepClone();
        return node with { Node = merged };
    }

    private static CaseDefinition ReadCase(JsonField c, string category, string categoryTitle, IReadOnlyDictionary<string, Group> groups)
    {
        c.Only(CaseFields);

        var id = c["id"].String();
        if (!id.StartsWith(category + ".", StringComparison.Ordinal) && id != category)
            throw c["id"].Error($"id \"{id}\" is not in category {category}");
        c = c with { Path = $"{c.Path} (case {id})" };
        var group = id.Count(ch => ch == '.') >= 2 ? id[..id.LastIndexOf('.')] : category;

        var definition = new CaseDefinition
        {
            Id = id,
            Title = c["title"].String(),
            Category = category,
            CategoryTitle = categoryTitle,
            Group = group,
            GroupTitle = groups.TryGetValue(group, out var g) ? g.Title : categoryTitle,
            Rfc = c["rfc"].Strings(),
            Requirement = c["requirement"].String(),
            Expectation = c["expectation"].String(),
            Steps = c["steps"].Items().Select(ReadStep).ToList(),
            Outcomes = ReadOutcomes(c["expect"]),
            Close = ReadClose(c["expect"]["close"]),
            End = ReadEnd(c["end"]),
            Informational = c["informational"].Boolean(false),
            Request = OpeningHandshakeReader.ReadRequest(c["request"]),
            Http2Request = OpeningHandshakeReader.ReadHttp2Request(c["http2Request"]),
            Handshake = OpeningHandshakeReader.ReadExpectation(c["handshake"]),
            Answer = OpeningHandshakeReader.ReadAnswer(c["answer"]),
            DeflateOffers = ReadDeflate(c["deflate"]),
            SourceFile = c.File,
            Race = c["race"].OptionalString(),
            Requirements = [.. (g?.Requirements ?? []).Concat(c.Has("requirements") ? c["requirements"].Strings() : []).Distinct()],
        };
        if (definition.Race is "") throw c["race"].Error("is empty: say what the server races");
        if (definition.Race is not null && definition.RaceVerdicts.Count < 2)
            throw c["race"].Error("a race moves between verdicts: the case needs at least two expected lists (OK and NON-STRICT)");
        if (definition.DeflateOffers is not null && definition.Request is not null)
            throw c["deflate"].Error("give the offer either in \"deflate\" or in the request's headers, not both");
        if (definition.Answer is not null && (definition.Request is not null || definition.Handshake is not null || definition.DeflateOffers is not null))
            throw c["answer"].Error("an answer to a client's request goes with neither a request of the suite's, nor a handshake expectation, nor a deflate offer: the case is played against clients only");
        if (definition.Http2Request is not null && (definition.Request is not null || definition.Answer is not null))
            throw c["http2Request"].Error("an extended CONNECT of the case's own is played over HTTP/2 only, so it goes with neither an HTTP/1.1 request nor an answer to a client");
        if (definition.Http2Request is not null && definition.Handshake is { Recheck: true })
            throw c["handshake"]["recheck"].Error("is not played over HTTP/2");
        if (definition.Steps.FirstOrDefault(IsHttp2StreamStep) is { } streamStep && definition.Http2Request is null)
            throw c["steps"].Error($"\"{streamStep.Describe()}\" acts on HTTP/2 streams, which HTTP/1.1 has not: a case with it gives \"http2Request\" and is played over HTTP/2 only");
        if (definition.Steps.SkipWhile(s => s is not (EndStreamStep or ResetStreamStep)).Skip(1).FirstOrDefault(s => s is not (WaitStep or OtherWebSocketStep)) is { } after)
            throw c["steps"].Error($"after the WebSocket's stream is ended or reset only a wait or another WebSocket can follow, not {after.Describe()}");
        if (definition.Answer is { Pipeline: true } && definition.Steps.FirstOrDefault() is not (SendFramesStep or SendMessageStep))
            throw c["answer"]["pipeline"].Error("a pipelined answer needs a first step that sends frames or a message");
        if (definition.Request is { Pipeline: true } && definition.Steps.FirstOrDefault() is not (SendFramesStep or SendMessageStep or SendRawStep))
            throw c["request"]["pipeline"].Error("a pipelined request needs a first step that sends frames, a message or raw octets");
        return definition;
    }

    private static bool IsHttp2StreamStep(Step step) => step is EndStreamStep or ResetStreamStep or OtherWebSocketStep;

    /// <summary>A group's title, and the requirements all its cases check.</summary>
    private sealed record Group(string Title, IReadOnlyList<string> Requirements);

    /// <summary>"Title", or { "title": "Title", "requirements": [ids] }.</summary>
    private static Group ReadGroup(JsonField g) =>
        g.Node is JsonObject ? new Group(g.Only("title", "requirements")["title"].String(), g.Has("requirements") ? g["requirements"].Strings() : []) : new Group(g.String(), []);

    private static Step ReadStep(JsonField s)
    {
        var obj = s.AsObject();
        string[] kinds = ["frame", "frames", "raw", "message", "roundTrips", "wait", "endStream", "resetStream", "otherWebSocket"];
        var given = kinds.Where(obj.ContainsKey).ToList();
        if (given.Count > 1) throw s.Error($"a step does one thing; this one has {string.Join(" and ", given.Select(k => $"\"{k}\""))}");
        s.Only(given switch
        {
            ["roundTrips"] => ["roundTrips"],
            ["wait"] => ["wait", "mark"],
            ["endStream" or "resetStream" or "otherWebSocket"] => given.ToArray(),
            ["raw"] => ["raw", "chop", "asServer"],
            [var kind] => [kind, "chop"],
            _ => kinds,
        });
        int? chop = s.Has("chop") ? (int)s["chop"].Integer(1, int.MaxValue) : null;
        if (obj.ContainsKey("frame")) return new SendFramesStep([ReadFrame(s["frame"])], chop);
        if (obj.ContainsKey("frames")) return new SendFramesStep(s["frames"].Items().Select(ReadFrame).ToList(), chop);
        if (obj.ContainsKey("raw")) return new SendRawStep(PayloadReader.Read(s["raw"]), chop, s.Has("asServer") ? PayloadReader.Read(s["asServer"]) : null);
        if (obj.ContainsKey("message"))
        {
            var m = s["message"].Only("opcode", "payload", "fragment", "compress");
            int? fragment = m.Has("fragment") ? (int)m["fragment"].Integer(1, int.MaxValue) : null;
            return new SendMessageStep(MessageOpcode(m["opcode"]), PayloadReader.Read(m["payload"]), fragment, chop, m["compress"].Boolean(true));
        }
        if (obj.ContainsKey("roundTrips"))
        {
            var r = s["roundTrips"].Only("count", "opcode", "payload", "corpus", "length", "fragment");
            int? fragment = r["fragment"].Exists ? (int)r["fragment"].Integer(1, int.MaxValue) : null;
            return new RoundTripsStep((int)r["count"].Integer(1, 1_000_000), MessageOpcode(r["opcode"]), ReadMessages(r), fragment);
        }
        if (obj.ContainsKey("wait")) return new WaitStep((int)s["wait"].Integer(0, 600_000), s["mark"].OptionalString());
        if (obj.ContainsKey("endStream"))
            return s["endStream"].Boolean(false) ? new EndStreamStep() : throw s["endStream"].Error("is true: the step ends the WebSocket's stream");
        if (obj.ContainsKey("resetStream")) return new ResetStreamStep(Http2ErrorCodeNamed(s["resetStream"]));
        if (obj.ContainsKey("otherWebSocket"))
        {
            var o = s["otherWebSocket"].Only("payload", "reset");
            var payload = PayloadReader.Read(o["payload"]);
            if (payload.Length > 125) throw o["payload"].Error("is at most 125 octets: the message goes in one frame with a 7-bit length");
            return new OtherWebSocketStep(payload, o["reset"].Boolean(false));
        }
        throw s.Error("a step needs one of \"frame\", \"frames\", \"message\", \"roundTrips\", \"raw\", \"wait\", \"endStream\", \"resetStream\" or \"otherWebSocket\"");
    }

    /// <summary>An HTTP/2 error code by its name in RFC 9113 7 ("CANCEL").</summary>
    private static Protocol.Http2.Http2ErrorCode Http2ErrorCodeNamed(JsonField f)
    {
        var name = f.String();
        var codes = Enum.GetValues<Protocol.Http2.Http2ErrorCode>();
        foreach (var code in codes)
            if (Wire.Http2FrameRead.ErrorName(code) == name) return code;
        throw f.Error($"\"{name}\" is not an HTTP/2 error code (RFC 9113 7: {string.Join(", ", codes.Select(Wire.Http2FrameRead.ErrorName))})");
    }

    /// <summary>A payload, or "corpus" and "length": successive slices of a generated corpus.</summary>
    private static MessageSource ReadMessages(JsonField f)
    {
        if (!f.Has("corpus")) return new FixedMessage(PayloadReader.Read(f["payload"]));
        if (f.Has("payload")) throw f["payload"].Error("give either \"payload\" or \"corpus\", not both");
        var name = f["corpus"].String();
        var corpus = Corpus.Find(name) ?? throw f["corpus"].Error($"unknown corpus \"{name}\" (known: {string.Join(", ", Corpus.Names)})");
        return new CorpusSlices(corpus, (int)f["length"].Integer(0, corpus.Length));
    }

    private static IReadOnlyList<string>? ReadDeflate(JsonField f)
    {
        if (!f.Exists) return null;
        f.Only("offer");
        var offers = f["offer"].Strings();
        if (offers.Count == 0) throw f["offer"].Error("at least one offer is needed");
        foreach (var (offer, i) in offers.Select((o, i) => (o, i)))
        {
            var parsed = Protocol.Deflate.ExtensionList.Parse(offer, out var error);
            if (parsed is null) throw f["offer"].Items().ElementAt(i).Error(error!);
            if (parsed.Count != 1 || !Protocol.Deflate.DeflateNegotiation.IsDeflate(parsed[0]))
                throw f["offer"].Items().ElementAt(i).Error("each offer is one permessage-deflate element");
        }
        return offers;
    }

    private static byte MessageOpcode(JsonField f)
    {
        var opcode = PayloadReader.Opcode(f);
        return opcode is Opcodes.Text or Opcodes.Binary ? opcode : throw f.Error("a message is \"text\" or \"binary\"");
    }

    private static FrameSpec ReadFrame(JsonField f)
    {
        f.Only("opcode", "payload", "close", "fin", "rsv", "mask", "maskKey", "length");
        if (f.Has("close") && f.Has("payload")) throw f.Error("give either \"close\" or \"payload\", not both");
        var payload = f.Has("close") ? PayloadReader.ClosePayload(f["close"]) : PayloadReader.Read(f["payload"]);
        var lengthEncoding = f["length"].OptionalString() switch
        {
            null or "minimal" => LengthEncoding.Minimal,
            "16" => LengthEncoding.Extended16,
            "64" => LengthEncoding.Extended64,
            var other => throw f["length"].Error($"\"{other}\" is not minimal, 16 or 64"),
        };
        if (lengthEncoding == LengthEncoding.Extended16 && payload.Length > ushort.MaxValue)
            throw f["length"].Error("a 16-bit length cannot hold this payload");
        return new FrameSpec(
            PayloadReader.Opcode(f["opcode"]),
            payload,
            f["fin"].Boolean(true),
            (byte)(f.Has("rsv") ? f["rsv"].Integer(0, 7) : 0),
            f["mask"].Boolean(true),
            f.Has("maskKey") ? MaskKey(f["maskKey"]) : null,
            lengthEncoding);
    }

    private static byte[] MaskKey(JsonField f)
    {
        var key = PayloadReader.Hex(f);
        return key.Length == 4 ? key : throw f.Error("a masking key is 4 octets (8 hex digits)");
    }

    private static IReadOnlyList<ExpectedOutcome> ReadOutcomes(JsonField expect)
    {
        var outcomes = new List<ExpectedOutcome>();
        foreach (var (key, _) in expect.AsObject())
        {
            if (key == "close") continue;
            if (!VerdictWords.Behavior.TryParse(key, out var verdict, ignoreCase: true) || verdict is Verdict.Failed or Verdict.Unimplemented)
                throw expect[key].Error("expected lists are named OK, NON-STRICT or INFORMATIONAL");
            var items = expect[key].Items().ToList();
            outcomes.Add(new ExpectedOutcome(verdict, items is [var only] && only.Has("messages")
                ? ReadSeries(only)
                : items.SelectMany(ReadEvents).ToList()));
        }
        if (outcomes.Count == 0) throw expect.Error("at least one expected list (OK, NON-STRICT, INFORMATIONAL) is required");
        return outcomes.OrderBy(o => o.Verdict).ToList();
    }

    /// <summary>An event, or the same event "times" times over.</summary>
    private static IEnumerable<ConversationEvent> ReadEvents(JsonField e)
    {
        var times = e.Has("times") ? (int)e["times"].Integer(0, 1_000_000) : 1;
        var ev = ReadEvent(e);
        return Enumerable.Repeat(ev, times);
    }

    /// <summary>{"messages": "text", "corpus": name, "length": n, "count": n}: the echoes of a round-trip series.</summary>
    private static MessageSeriesEvents ReadSeries(JsonField e)
    {
        e.Only("messages", "payload", "corpus", "length", "count");
        var kind = e["messages"].String();
        if (kind is not ("text" or "binary")) throw e["messages"].Error("messages are \"text\" or \"binary\"");
        return new MessageSeriesEvents(ReadMessages(e), (int)e["count"].Integer(0, 1_000_000), kind == "binary");
    }

    private static ConversationEvent ReadEvent(JsonField e)
    {
        var obj = e.AsObject();
        if (obj.ContainsKey("message"))
        {
            e.Only("message", "payload", "times");
            var kind = e["message"].String();
            if (kind is not ("text" or "binary")) throw e["message"].Error("a message is \"text\" or \"binary\"");
            return ConversationEvent.Message(kind == "binary", PayloadReader.Read(e["payload"]));
        }
        if (obj.ContainsKey("pong")) return ConversationEvent.Pong(PayloadReader.Read(e.Only("pong", "times")["pong"]));
        if (obj.ContainsKey("mark")) return ConversationEvent.MarkEvent(e.Only("mark", "times")["mark"].String());
        if (obj.ContainsKey("messages")) throw e.Error("a \"messages\" series must be the only event of its list");
        throw e.Error("an event is {\"message\": ...}, {\"pong\": ...}, {\"mark\": ...} or {\"messages\": ...}");
    }

    private static ExpectedClose ReadClose(JsonField close)
    {
        if (!close.Exists) return ExpectedClose.NormalBySuite;
        close.Only("initiator", "codes", "clean", "wrongInitiatorFailsBehavior", "wrongCodeFailsBehavior");
        var initiator = close["initiator"].String() switch
        {
            "suite" => CloseInitiator.Suite,
            "server" => CloseInitiator.Server,
            var other => throw close["initiator"].Error($"\"{other}\" is not suite or server"),
        };
        return new ExpectedClose(
            initiator,
            close["codes"].Items().Select(i => (int)i.Integer(0, 65535)).ToList(),
            close["clean"].Boolean(true),
            close["wrongInitiatorFailsBehavior"].Boolean(false),
            close["wrongCodeFailsBehavior"].Boolean(false));
    }

    private static EndTimer ReadEnd(JsonField end)
    {
        if (!end.Exists) return EndTimer.Default;
        end.Only("after", "action");
        var action = end["action"].String() switch
        {
            "close" => EndAction.Close,
            "fail" => EndAction.Fail,
            var other => throw end["action"].Error($"\"{other}\" is not close or fail"),
        };
        return new EndTimer((int)end["after"].Integer(0, 3_600_000), action);
    }
}
