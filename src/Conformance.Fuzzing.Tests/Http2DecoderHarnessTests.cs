using Conformance.Fuzzing.CoverageGuided;

namespace Conformance.Fuzzing.Tests;

/// <summary>The HTTP/2 harness's oracle, uninstrumented, on inputs mutated from its seeds as a fuzzer would start.</summary>
public class Http2DecoderHarnessTests
{
    [Test]
    public void Mutated_seeds_give_content_or_an_error_and_never_break_the_oracle()
    {
        var harness = HarnessCatalogue.Find("http2-decoder")!;
        var seeds = harness.Seeds(SeedMaterial.Empty).ToList();
        var tokens = harness.DictionaryTokens.ToList();
        var random = new Random(8441);
        for (int run = 0; run < 20_000; run++)
        {
            var input = seeds[random.Next(seeds.Count)].ToList();
            for (int change = random.Next(1, 6); change > 0; change--)
            {
                int at = random.Next(1, input.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when at < input.Count: input[at] = (byte)random.Next(256); break;
                    case 1: input.InsertRange(at, tokens[random.Next(tokens.Count)]); break;
                    default: input.RemoveRange(at, Math.Min(random.Next(1, 8), input.Count - at)); break;
                }
            }
            var bytes = input.ToArray();
            Assert.That(() => harness.Run(bytes), Throws.Nothing, Convert.ToHexString(bytes));
        }
    }
}
