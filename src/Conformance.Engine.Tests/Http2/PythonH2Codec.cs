using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Protocol.Http2;

namespace Conformance.Engine.Tests.Http2;

/// <summary>Python's hpack and hyperframe (Debian's python3-h2, installed by install.sh), run through python_h2_codec.py.</summary>
internal static class PythonH2Codec
{
    public static JsonNode Run(JsonObject request)
    {
        ExternalServer.RequireInstalled("h2");
        var script = Path.Combine(RepositoryPaths.Root, "src/Conformance.Engine.Tests/Http2/python_h2_codec.py");
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            Assert.Fail("python_h2_codec.py did not answer within 30 s");
        }
        Assert.That(process.ExitCode, Is.EqualTo(0), errors.Result);
        return JsonNode.Parse(output)!;
    }

    public static JsonArray Lists(IEnumerable<HeaderField[]> lists) =>
        new([.. lists.Select(list => (JsonNode)new JsonArray([.. list.Select(f => (JsonNode)new JsonArray(f.Name, f.Value))]))]);

    public static List<HeaderField[]> ListsFrom(JsonNode lists) =>
        [.. lists.AsArray().Select(list => list!.AsArray().Select(f => new HeaderField((string)f![0]!, (string)f[1]!)).ToArray())];

    /// <summary>
    /// A frame as hyperframe describes it (type, flag names, stream, and the fields of its type), written from
    /// what the suite's own decoder read; only the fields the frame's flags make present.
    /// </summary>
    public static JsonObject Describe(Http2Frame frame)
    {
        var (content, error) = Http2FrameContent.Read(frame);
        Assert.That(error, Is.Null, $"{frame}: {error}");
        var described = new JsonObject { ["type"] = frame.Type, ["flags"] = new JsonArray([.. FlagNames(frame).Order(StringComparer.Ordinal).Select(n => (JsonNode)n)]), ["stream"] = frame.StreamId };
        if (frame.HasFlag(Http2Flags.Padded) && frame.KnownType is Http2FrameType.Data or Http2FrameType.Headers or Http2FrameType.PushPromise)
            described["pad_length"] = frame.Payload[0];
        switch (content)
        {
            case DataContent d: described["data"] = Hex(d.Data); break;
            case HeadersContent h:
                described["data"] = Hex(h.BlockFragment);
                if (h.Priority is { } p) AddPriority(described, p);
                break;
            case PriorityContent priority: AddPriority(described, priority.Priority); break;
            case RstStreamContent r: described["error_code"] = (uint)r.Code; break;
            case SettingsContent s: described["settings"] = new JsonArray([.. s.Settings.OrderBy(x => x.Id).Select(x => (JsonNode)new JsonArray(x.Id, x.Value))]); break;
            case PushPromiseContent pp: described["data"] = Hex(pp.BlockFragment); described["promised_stream_id"] = pp.PromisedStreamId; break;
            case PingContent ping: described["opaque_data"] = ping.OpaqueData.ToString("x16"); break;
            case GoAwayContent g: described["last_stream_id"] = g.LastStreamId; described["error_code"] = (uint)g.Code; described["additional_data"] = Hex(g.DebugData); break;
            case WindowUpdateContent w: described["window_increment"] = w.Increment; break;
            case ContinuationContent c: described["data"] = Hex(c.BlockFragment); break;
        }
        return described;
    }

    private static void AddPriority(JsonObject described, Http2PriorityFields priority)
    {
        described["depends_on"] = priority.Dependency;
        described["stream_weight"] = priority.Weight;
        described["exclusive"] = priority.Exclusive;
    }

    private static IEnumerable<string> FlagNames(Http2Frame frame)
    {
        var names = frame.KnownType switch
        {
            Http2FrameType.Data => new[] { (Http2Flags.EndStream, "END_STREAM"), (Http2Flags.Padded, "PADDED") },
            Http2FrameType.Headers => [(Http2Flags.EndStream, "END_STREAM"), (Http2Flags.EndHeaders, "END_HEADERS"), (Http2Flags.Padded, "PADDED"), (Http2Flags.Priority, "PRIORITY")],
            Http2FrameType.Settings or Http2FrameType.Ping => [(Http2Flags.Ack, "ACK")],
            Http2FrameType.PushPromise => [(Http2Flags.EndHeaders, "END_HEADERS"), (Http2Flags.Padded, "PADDED")],
            Http2FrameType.Continuation => [(Http2Flags.EndHeaders, "END_HEADERS")],
            _ => [],
        };
        return names.Where(n => frame.HasFlag(n.Item1)).Select(n => n.Item2);
    }

    private static string Hex(byte[] octets) => Convert.ToHexString(octets).ToLowerInvariant();
}
