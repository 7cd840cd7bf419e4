using System.Collections.Concurrent;

namespace Conformance.Engine.Tests;

/// <summary>A case's "request" field, from the case file to the octets the server reads.</summary>
public class OpeningRequestTests
{
    private static IReadOnlyList<CaseDefinition> Read(string json) => CaseFileReader.Parse(json, "suites/handshake.json");

    private const string Table = """
        { "category": "0", "title": "Opening handshake",
          "defaults": { "rfc": ["RFC6455 4.2.1"], "requirement": "r", "expectation": "e", "steps": [], "expect": { "OK": [] },
                        "handshake": { "upgrade": false } },
          "tables": [ { "rows": [ { "n": 1, "name": "sec-websocket-version", "value": "8" } ],
                        "case": { "id": "0.2.{n}", "title": "{name}: {value}",
                                  "request": { "method": "PUT", "headers": { "{name}": "{value}", "X-Key": "{key}" },
                                               "add": [["Sec-WebSocket-Protocol", "a"], ["Sec-WebSocket-Protocol", "b"]],
                                               "omit": ["Origin"], "lines": ["No-Colon"] } } } ] }
        """;

    [Test]
    public void An_extended_CONNECT_of_the_case_s_own_omits_sets_in_place_and_adds()
    {
        var c = Read("""
            { "category": "E", "title": "t", "cases": [ { "id": "E.1", "title": "t", "rfc": ["r"], "requirement": "r", "expectation": "e",
              "steps": [], "expect": { "OK": [] }, "handshake": { "upgrade": false },
              "http2Request": { "omit": [":protocol"], "set": { ":method": "GET", "x-new": "1" }, "add": [["connection", "Upgrade"]] } } ] }
            """).Single();
        Assert.That((c.OnlyOverHttp2, c.AppliesOverHttp2, c.EndsAfterHandshake), Is.EqualTo((true, true, true)));
        var request = c.Http2Request!.Apply(ExtendedConnect.Request("http", "h:1", "/", []));
        Assert.That(request.Select(f => $"{f.Name}: {f.Value}"), Is.EqualTo(new[]
        {
            ":method: GET", ":scheme: http", ":path: /", ":authority: h:1", "sec-websocket-version: 13", "x-new: 1", "connection: Upgrade",
        }));
        Assert.That(c.Http2Request.Describe(), Is.EqualTo("send the extended CONNECT with :method: GET; x-new: 1; an added connection: Upgrade; no :protocol"));
    }

    [Test]
    public void A_table_fills_header_names_and_leaves_the_request_placeholders_for_the_session()
    {
        var c = Read(Table).Single();
        Assert.That(c.Request!.Headers, Is.EqualTo(new[] { KeyValuePair.Create("sec-websocket-version", "8"), KeyValuePair.Create("X-Key", "{key}") }));
        Assert.That(c.Handshake!.Upgrade, Is.False);
        Assert.That(c.EndsAfterHandshake, Is.True);
    }

    [TestCase("\"request\": { \"colour\": \"red\" }", "request.colour: unknown field")]
    [TestCase("\"request\": { \"raw\": \"GET / HTTP/1.1\", \"method\": \"PUT\" }", "only \"chop\", \"complete\" and \"pipeline\" go with it")]
    [TestCase("\"request\": { \"add\": [[\"X-One\"]] }", "request.add[0]: expected [name, value]")]
    [TestCase("\"request\": { \"pipeline\": true }", "request.pipeline: a pipelined request needs a first step that sends")]
    [TestCase("\"handshake\": { \"status\": \"4x\" }", "handshake.status: \"4x\" is not a status pattern")]
    [TestCase("\"handshake\": { \"upgrade\": false, \"ifUpgraded\": \"BAD\" }", "handshake.ifUpgraded: \"BAD\" is not FAILED, NON-STRICT or INFORMATIONAL")]
    [TestCase("\"handshake\": { \"upgrade\": false, \"ifUpgraded\": \"OK\" }", "handshake.ifUpgraded: \"OK\" is not FAILED, NON-STRICT or INFORMATIONAL: the verdict of a server that upgrades a request it must refuse, which is never OK")]
    [TestCase("\"handshake\": { \"upgrade\": false, \"ifUpgraded\": \"unimplemented\" }", "handshake.ifUpgraded: \"unimplemented\" is not FAILED, NON-STRICT or INFORMATIONAL")]
    [TestCase("\"handshake\": { \"ifUpgraded\": \"NON-STRICT\" }", "handshake.ifUpgraded: is the verdict when a request that must be refused is upgraded, so it goes with \"upgrade\": false")]
    [TestCase("\"handshake\": { \"upgrade\": true, \"ifUpgraded\": \"FAILED\" }", "goes with \"upgrade\": false")]
    [TestCase("\"http2Request\": { \"method\": \"GET\" }", "http2Request.method: unknown field")]
    [TestCase("\"http2Request\": { \"add\": [[\"\", \"x\"]] }", "http2Request: a header field name is empty")]
    [TestCase("\"http2Request\": {}, \"request\": {}", "http2Request: an extended CONNECT of the case's own is played over HTTP/2 only")]
    [TestCase("\"http2Request\": {}, \"handshake\": { \"upgrade\": false, \"recheck\": true }", "handshake.recheck: is not played over HTTP/2")]
    public void A_malformed_request_or_handshake_field_is_named(string field, string expected)
    {
        var json = $$"""
            { "category": "0", "title": "t", "cases": [ { "id": "0.1.1", "title": "t", "rfc": ["r"], "requirement": "r",
              "expectation": "e", "steps": [], "expect": { "OK": [] }, {{field}} } ] }
            """;
        var error = Assert.Throws<CaseFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.Contain(expected));
    }

    [TestCase("\"steps\": [{\"endStream\": true}]", "steps: \"END_STREAM on the WebSocket's stream (RFC 8441 5: as a TCP FIN)\" acts on HTTP/2 streams, which HTTP/1.1 has not: a case with it gives \"http2Request\"")]
    [TestCase("\"steps\": [{\"otherWebSocket\": {\"payload\": \"x\"}}]", "a case with it gives \"http2Request\" and is played over HTTP/2 only")]
    [TestCase("\"http2Request\": {}, \"steps\": [{\"resetStream\": \"CANCEL\"}, {\"message\": {\"opcode\": \"text\", \"payload\": \"x\"}}]",
        "steps: after the WebSocket's stream is ended or reset only a wait or another WebSocket can follow, not text message of 1 octet(s)")]
    [TestCase("\"http2Request\": {}, \"steps\": [{\"resetStream\": \"STOP\"}]", "steps[0].resetStream: \"STOP\" is not an HTTP/2 error code (RFC 9113 7: NO_ERROR, PROTOCOL_ERROR")]
    [TestCase("\"http2Request\": {}, \"steps\": [{\"endStream\": false}]", "steps[0].endStream: is true")]
    [TestCase("\"http2Request\": {}, \"steps\": [{\"endStream\": true, \"chop\": 1}]", "steps[0].chop: unknown field")]
    [TestCase("\"http2Request\": {}, \"steps\": [{\"otherWebSocket\": {\"payload\": {\"repeat\": \"a\", \"length\": 126}}}]", "otherWebSocket.payload: is at most 125 octets")]
    public void A_step_on_HTTP2_streams_is_kept_to_cases_over_HTTP2_and_misuse_is_named(string fields, string expected)
    {
        var json = $$"""
            { "category": "E", "title": "t", "cases": [ { "id": "E.1.1", "title": "t", "rfc": ["r"], "requirement": "r",
              "expectation": "e", "expect": { "OK": [] }, "handshake": { "upgrade": true }, {{fields}} } ] }
            """;
        var error = Assert.Throws<CaseFileException>(() => Read(json))!;
        Assert.That(error.Message, Does.Contain(expected));
    }

    [Test]
    public void The_steps_on_HTTP2_streams_are_read()
    {
        var c = Read("""
            { "category": "E", "title": "t", "cases": [ { "id": "E.1.1", "title": "t", "rfc": ["r"], "requirement": "r", "expectation": "e",
              "expect": { "OK": [] }, "handshake": { "upgrade": true }, "http2Request": {},
              "steps": [{"otherWebSocket": {"payload": "a", "reset": true}}, {"resetStream": "CANCEL"}, {"wait": 5}, {"otherWebSocket": {"payload": "b"}}] } ] }
            """).Single();
        Assert.That(c.Steps, Is.EqualTo(new Step[]
        {
            new OtherWebSocketStep("a"u8.ToArray(), true) { }, new ResetStreamStep(Conformance.Protocol.Http2.Http2ErrorCode.Cancel), new WaitStep(5, null),
            new OtherWebSocketStep("b"u8.ToArray(), false),
        }).Using<Step>((a, b) => a.Describe() == b.Describe()));
        Assert.That((c.ActsOnHttp2Streams, c.OnlyOverHttp2), Is.EqualTo((true, true)));
    }

    [Test]
    public async Task The_request_uses_the_target_s_path_and_query_and_the_case_s_changes()
    {
        var heads = new ConcurrentQueue<string>();
        await using var server = new FaultyHandshakeServer(head =>
        {
            heads.Enqueue(head);
            return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
        });
        var options = new RunOptions
        {
            Session = new SessionOptions { Target = new Uri(server.Url, "/chat?room=1"), Origin = "http://o.example" },
        };
        var result = await Runner.RunCaseAsync(Read(Table).Single(), options, CancellationToken.None);
        Assert.That(result!.Verdicts.ToString(), Is.EqualTo("OK/OK"), result.Reason);

        var lines = heads.Single().Split("\r\n");
        var key = FaultyHandshakeServer.Header(heads.Single(), "Sec-WebSocket-Key");
        Assert.That(lines[0], Is.EqualTo("PUT /chat?room=1 HTTP/1.1"));
        Assert.That(lines, Does.Contain("sec-websocket-version: 8").And.Not.Contain("Sec-WebSocket-Version: 13"));
        Assert.That(lines, Does.Contain($"X-Key: {key}").And.Contain("No-Colon"));
        Assert.That(lines.Count(l => l.StartsWith("Sec-WebSocket-Protocol:", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(lines.Any(l => l.StartsWith("Origin", StringComparison.Ordinal)), Is.False);
        Assert.That(result.Transcript.Count(e => e.Kind == WireEntryKind.Sent), Is.EqualTo(1), "nothing is sent after a request that must be refused");
    }
}
