using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Engine.Tests;

/// <summary>
/// Case files and results files spoilt at random, a field at a time: each is read, or refused with the reader's own
/// exception and one line naming the file and the place; never another exception.
/// </summary>
public class MalformedInputTests
{
    private static readonly JsonNode?[] Replacements =
        [null, 0, -1, 1e300, long.MaxValue, "", "x\ny", true, new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1), null)];

    [Test]
    public void A_spoilt_case_file_is_read_or_refused_in_one_line()
    {
        var random = new Random(6455);
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "suites"), "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains("expectations") && !f.EndsWith("requirements.json", StringComparison.Ordinal)).ToList();
        var refused = 0;
        for (var round = 0; round < 400; round++)
        {
            var file = files[random.Next(files.Count)];
            var spoilt = Spoil(JsonNode.Parse(File.ReadAllText(file))!, random, out var how);
            try
            {
                CaseFileReader.Parse(spoilt, "spoilt.json");
            }
            catch (CaseFileException e)
            {
                refused++;
                Assert.That(e.Message, Does.StartWith("spoilt.json").And.Not.Contain("\n"), how);
            }
            catch (Exception e)
            {
                Assert.Fail($"{Path.GetFileName(file)}, {how}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.That(refused, Is.GreaterThan(100), "most spoilt files are refused");
    }

    [Test]
    public void A_spoilt_results_file_is_read_or_refused_in_one_line()
    {
        var random = new Random(7692);
        var folder = Directory.CreateTempSubdirectory("spoilt-results").FullName;
        try
        {
            var path = Path.Combine(folder, "results.json");
            var valid = JsonSerializer.SerializeToNode(ValidResults(), ResultsWriter.Json)!;
            var refused = 0;
            for (var round = 0; round < 300; round++)
            {
                File.WriteAllText(path, Spoil(valid.DeepClone(), random, out var how));
                try
                {
                    ResultsWriter.ReadAll(path);
                }
                catch (InvalidDataException e)
                {
                    refused++;
                    Assert.That(e.Message, Does.StartWith(path).And.Not.Contain("\n"), how);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{how}: {e.GetType().Name}: {e.Message}");
                }
            }
            Assert.That(refused, Is.GreaterThan(100), "most spoilt files are refused");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ResultsDocument ValidResults()
    {
        var entries = TranscriptBuilder.Opened().ServerText("Hello").SuiteClose(1000).ServerClose(1000).PeerClosed().Entries;
        var @case = CaseBuilder.Case([CaseBuilder.Ok(CaseBuilder.Text("Hello"))]);
        var result = CaseResult.From(@case, new Transcript(DateTimeOffset.UnixEpoch, entries), Scorer.Score(@case, entries));
        var run = new RunResults
        {
            ToolVersion = "test", Target = "ws://127.0.0.1:9001/", Agent = "a", StartedAt = DateTimeOffset.UnixEpoch,
            FinishedAt = DateTimeOffset.UnixEpoch, CasesSelected = 2, Cases = [result, result with { Id = "9.9.10" }],
        };
        return new ResultsDocument { ToolVersion = "test", GeneratedAt = DateTimeOffset.UnixEpoch, Runs = [run] };
    }

    /// <summary>The document with one of its values replaced or removed, or its text cut short; says which.</summary>
    private static string Spoil(JsonNode document, Random random, out string how)
    {
        var places = new List<(JsonNode Parent, object Key)>();
        Collect(document, places);
        var text = document.ToJsonString();
        switch (random.Next(8))
        {
            case 0:
                var cut = random.Next(text.Length);
                how = $"cut at {cut}";
                return text[..cut];
            case 1 when places.Count > 0:
                var (parent, key) = places[random.Next(places.Count)];
                how = $"removed {parent.GetPath()}.{key}";
                if (parent is JsonObject o) o.Remove((string)key);
                else ((JsonArray)parent).RemoveAt((int)key);
                return document.ToJsonString();
            default:
                if (places.Count == 0) goto case 0;
                var (into, at) = places[random.Next(places.Count)];
                var value = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                how = $"{into.GetPath()}.{at} set to {value?.ToJsonString() ?? "null"}";
                if (into is JsonObject obj) obj[(string)at] = value;
                else ((JsonArray)into)[(int)at] = value;
                return document.ToJsonString();
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode, object)> places)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    places.Add((o, key));
                    Collect(value, places);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    places.Add((a, i));
                    Collect(a[i], places);
                }
                break;
        }
    }
}
