using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Engine;
using Conformance.Engine.Cases;
using Conformance.Protocol;

namespace Conformance.Fuzzing;

/// <summary>
/// A conversation as a case script in the format of suites/ (with the RFC's words and the oracle as the expected
/// lists), so that what the fuzzer ran is exactly what a finding saves and `replay` runs again.
/// </summary>
public static class ConversationScript
{
    public const string Category = "F";
    public const string CategoryTitle = "Fuzzing findings";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Case(string id, Conversation conversation)
    {
        var steps = new JsonArray();
        var events = new JsonArray();
        foreach (var message in conversation.Messages)
        {
            var frames = new JsonArray();
            var at = 0;
            for (var i = 0; i < message.Fragments.Count; i++)
            {
                var size = message.Fragments[i];
                frames.Add(Frame(i == 0 ? (message.Binary ? "binary" : "text") : "continuation",
                    message.Payload.AsSpan(at, size), fin: i == message.Fragments.Count - 1));
                at += size;
                foreach (var ping in message.Pings.Where(p => p.AfterFragment == i))
                {
                    frames.Add(Frame("ping", ping.Payload, fin: true));
                    events.Add(new JsonObject { ["pong"] = Hex(ping.Payload) });
                }
            }
            steps.Add(Step(frames, conversation.Chop));
            events.Add(new JsonObject { ["message"] = message.Binary ? "binary" : "text", ["payload"] = Hex(message.Payload) });
        }

        var @case = new JsonObject
        {
            ["id"] = id,
            ["title"] = conversation.ToString(),
        };
        if (conversation.Violation is not { } violation)
        {
            @case["rfc"] = new JsonArray("RFC6455 5.6", "RFC6455 5.4");
            @case["requirement"] = "Data frames (e.g., non-control frames) are identified by opcodes where the most significant bit of the opcode is 0. A fragmented message is conceptually equivalent to a single larger message whose payload is equal to the concatenation of the payloads of the fragments in order. Control frames MAY be injected in the middle of a fragmented message. Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response.";
            @case["expectation"] = "An echo server echoes every message exactly and answers every ping with a pong carrying its payload, then completes the closing handshake the suite starts with 1000.";
            @case["steps"] = steps;
            @case["expect"] = new JsonObject { [Verdict.Ok.Word()] = events, ["close"] = Close("suite", 1000, clean: true, failsBehavior: false) };
            @case["end"] = new JsonObject { ["after"] = 2000, ["action"] = "fail" };
            return @case;
        }

        var rule = ViolationRule.For(violation.Kind);
        steps.Add(Step(ViolationFrames(violation), conversation.Chop));
        @case["rfc"] = new JsonArray(rule.Rfc.Select(r => (JsonNode)r).ToArray());
        @case["requirement"] = rule.Requirement;
        @case["expectation"] = rule.Expectation;
        @case["steps"] = steps;
        var expect = new JsonObject { [Verdict.Ok.Word()] = events };
        if (events.Count > 0) expect[Verdict.NonStrict.Word()] = new JsonArray();
        expect["close"] = rule.Informational
            ? Close("suite", 1000, clean: false, failsBehavior: false)
            : Close(rule.SuiteStartsClose ? "suite" : "server", rule.CloseCode, clean: false, failsBehavior: !rule.SuiteStartsClose);
        @case["expect"] = expect;
        @case["end"] = new JsonObject { ["after"] = 1000, ["action"] = "fail" };
        if (rule.Informational) @case["informational"] = true;
        return @case;
    }

    /// <summary>A whole case file holding one case, with what the fuzzer knows of where it came from.</summary>
    public static string File(JsonObject @case, JsonObject? finding = null)
    {
        var file = new JsonObject
        {
            ["category"] = Category,
            ["title"] = CategoryTitle,
            ["cases"] = new JsonArray(@case),
        };
        if (finding is not null) file["finding"] = finding;
        return file.ToJsonString(Indented) + "\n";
    }

    public static CaseDefinition Definition(string id, Conversation conversation) =>
        CaseFileReader.Parse(File(Case(id, conversation)), $"fuzzed conversation {id}").Single();

    private static JsonArray ViolationFrames(Violation v)
    {
        var frames = new JsonArray();
        switch (v.Kind)
        {
            case ViolationKind.ReservedBits:
                frames.Add(Frame("text", v.Payload, fin: true, rsv: v.Detail));
                break;
            case ViolationKind.ReservedOpcode:
                frames.Add(Frame(v.Detail, v.Payload, fin: true));
                break;
            case ViolationKind.OversizedControlFrame:
                frames.Add(Frame("ping", v.Payload, fin: true));
                break;
            case ViolationKind.FragmentedControlFrame:
                frames.Add(Frame("ping", v.Payload, fin: false));
                frames.Add(Frame("continuation", v.Payload, fin: true));
                break;
            case ViolationKind.ContinuationWithoutStart:
                frames.Add(Frame("continuation", v.Payload, fin: true));
                break;
            case ViolationKind.NewMessageInsideFragmented:
                frames.Add(Frame("text", v.Payload, fin: false));
                frames.Add(Frame("text", v.Payload, fin: true));
                break;
            case ViolationKind.InvalidUtf8:
                var at = 0;
                for (var i = 0; i < v.Fragments.Count; i++)
                {
                    frames.Add(Frame(i == 0 ? "text" : "continuation", v.Payload.AsSpan(at, v.Fragments[i]), fin: i == v.Fragments.Count - 1));
                    at += v.Fragments[i];
                }
                break;
            case ViolationKind.InvalidCloseCode:
                frames.Add(Frame("close", ClosePayload.Build((ushort)v.Detail, v.Payload), fin: true));
                break;
            case ViolationKind.OneOctetClosePayload:
                frames.Add(Frame("close", v.Payload.AsSpan(0, 1), fin: true));
                break;
            case ViolationKind.NonMinimalLength:
                var frame = Frame("text", v.Payload, fin: true);
                frame["length"] = v.Detail == 16 ? "16" : "64";
                frames.Add(frame);
                break;
            case ViolationKind.UnmaskedFrame:
                var unmasked = Frame("text", v.Payload, fin: true);
                unmasked["mask"] = false;
                frames.Add(unmasked);
                break;
        }
        return frames;
    }

    private static JsonObject Step(JsonArray frames, int? chop)
    {
        var step = new JsonObject { ["frames"] = frames };
        if (chop is { } c) step["chop"] = c;
        return step;
    }

    private static JsonObject Frame(JsonNode opcode, ReadOnlySpan<byte> payload, bool fin, int rsv = 0)
    {
        var frame = new JsonObject { ["opcode"] = opcode, ["payload"] = Hex(payload) };
        if (!fin) frame["fin"] = false;
        if (rsv != 0) frame["rsv"] = rsv;
        return frame;
    }

    private static JsonObject Hex(ReadOnlySpan<byte> bytes) => new() { ["hex"] = Convert.ToHexString(bytes).ToLowerInvariant() };

    private static JsonObject Close(string initiator, int code, bool clean, bool failsBehavior)
    {
        var close = new JsonObject { ["initiator"] = initiator, ["codes"] = new JsonArray(code), ["clean"] = clean };
        if (failsBehavior) close["wrongInitiatorFailsBehavior"] = true;
        return close;
    }
}
