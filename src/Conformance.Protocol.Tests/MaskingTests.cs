using System.Diagnostics;
using FsCheck.Fluent;

namespace Conformance.Protocol.Tests;

public class MaskingTests
{
    [Test]
    public void Masking_in_pieces_with_offsets_equals_masking_at_once() =>
        PropertyCheck.Holds(
            from length in Gen.Frequency((3, Gen.Choose(0, 300)), (1, Gen.Choose(0, 20000)))
            from key in Gen.Choose(int.MinValue, int.MaxValue).Select(BitConverter.GetBytes)
            from startOffset in Gen.Elements(0L, 1L, 2L, 3L, 5L, 4_294_967_299L)
            from maxPiece in Gen.Elements(1, 3, 17, 64, 1000, 30000)
            from seed in Gen.Choose(0, int.MaxValue)
            select (length, key, startOffset, maxPiece, seed),
            testCase =>
            {
                byte[] original = PropertyCheck.Bytes(testCase.seed, testCase.length);
                byte[] whole = (byte[])original.Clone();
                Masking.Apply(whole, testCase.key, testCase.startOffset);

                byte[] pieces = (byte[])original.Clone();
                foreach ((int start, int count) in PropertyCheck.Pieces(testCase.seed, pieces.Length, testCase.maxPiece))
                {
                    Masking.Apply(pieces.AsSpan(start, count), testCase.key, testCase.startOffset + start);
                }

                byte[] byDefinition = original
                    .Select((b, i) => (byte)(b ^ testCase.key[(int)((testCase.startOffset + i) % 4)]))
                    .ToArray();
                return whole.AsSpan().SequenceEqual(byDefinition) && pieces.AsSpan().SequenceEqual(byDefinition);
            },
            maxTest: 200);

    [Test]
    public void Masking_twice_restores_the_data_and_16_MiB_is_fast()
    {
        byte[] original = PropertyCheck.Bytes(7, 16 * 1024 * 1024 + 3);
        byte[] data = (byte[])original.Clone();
        byte[] key = [0xA1, 0xB2, 0xC3, 0xD4];
        Masking.Apply(data, key); // warm up

        var watch = Stopwatch.StartNew();
        Masking.Apply(data, key);
        watch.Stop();

        Assert.That(data.AsSpan().SequenceEqual(original), Is.True);
        TestContext.Out.WriteLine($"16 MiB masked in {watch.Elapsed.TotalMilliseconds:F1} ms");
        // A byte-at-a-time loop takes tens of milliseconds; the bound is loose so a busy machine does not fail it.
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(500));
    }

    [Test]
    public void A_key_that_is_not_4_bytes_is_rejected()
    {
        Assert.That(() => Masking.Apply(new byte[8], new byte[3]), Throws.ArgumentException);
        Assert.That(() => Masking.Apply(new byte[8], new byte[4], offset: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void New_keys_are_4_random_bytes()
    {
        List<string> keys = Enumerable.Range(0, 10).Select(_ => Masking.NewKey()).Select(Convert.ToHexString).ToList();
        Assert.That(keys, Has.All.Length.EqualTo(8));
        Assert.That(keys.Distinct().Count(), Is.GreaterThan(1));
    }
}
