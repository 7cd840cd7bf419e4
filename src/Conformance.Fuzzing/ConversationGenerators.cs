using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Conformance.Fuzzing;

/// <summary>FsCheck generators of conversations: valid ones, and ones invalid in exactly one known way.</summary>
public static class ConversationGenerators
{
    private static readonly int[] ReservedOpcodes = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15];
    private static readonly int[] InvalidCloseCodes = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];
    private static readonly string[] InvalidUtf8 = ["ff", "fe", "80", "bf", "c0af", "c1bf", "e080af", "eda080", "edbfbf", "f4908080", "f8888080", "c2", "e282", "f09f98"];
    private static readonly int[] Chops = [1, 2, 3, 7, 64, 1000];

    public static Gen<Conversation> Conversation =>
        Gen.Frequency(
            (1, Valid),
            (1, Invalid));

    public static Gen<Conversation> Valid =>
        from messages in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(Message(withPings: true), n))
        from chop in Chop(messages.Sum(m => m.Payload.Length))
        select new Conversation(messages.ToList(), null, chop);

    /// <summary>
    /// Invalid conversations. A malformed close frame is never chopped: a server may well fail the connection on its
    /// header alone, before the suite has finished writing it, and that must not look like the server closing first.
    /// </summary>
    public static Gen<Conversation> Invalid =>
        from before in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(1)))
        from messages in Gen.ListOf(Message(withPings: false), before)
        from violation in Violation
        from chop in ViolationRule.For(violation.Kind).SuiteStartsClose
            ? Gen.Constant<int?>(null)
            : Chop(messages.Sum(m => m.Payload.Length) + violation.Payload.Length)
        select new Conversation(messages.ToList(), violation, chop);

    public static Gen<FuzzMessage> Message(bool withPings) =>
        from binary in Gen.Elements(true, false)
        from length in PayloadLength
        from seed in Gen.Choose(0, int.MaxValue)
        let payload = binary ? Bytes(seed, length) : Text(seed, length)
        from fragments in Fragments(payload.Length)
        from pings in withPings && fragments.Count > 1
            ? Gen.ListOf(Gen.Choose(0, fragments.Count - 2).SelectMany(after => Gen.Choose(0, 20).Select(n => new Ping(after, Bytes(seed + after, n)))), 2)
                .SelectMany(all => Gen.Choose(0, 2).Select(n => (IReadOnlyList<Ping>)all.Take(n).OrderBy(p => p.AfterFragment).ToList()))
            : Gen.Constant<IReadOnlyList<Ping>>([])
        select new FuzzMessage(binary, payload, fragments, pings);

    public static Gen<Violation> Violation =>
        from kind in Gen.Elements(Enum.GetValues<ViolationKind>())
        from seed in Gen.Choose(0, int.MaxValue)
        from length in Gen.Choose(0, 20)
        from violation in kind switch
        {
            ViolationKind.ReservedBits => Gen.Choose(1, 7).Select(rsv => Simple(kind, Ascii(seed, length), rsv)),
            ViolationKind.ReservedOpcode => Gen.Elements(ReservedOpcodes).Select(op => Simple(kind, Bytes(seed, length), op)),
            ViolationKind.OversizedControlFrame => Gen.Choose(126, 300).Select(n => Simple(kind, Bytes(seed, n), 0)),
            ViolationKind.InvalidCloseCode => Gen.Elements(InvalidCloseCodes).Select(code => Simple(kind, Ascii(seed, length), code)),
            ViolationKind.OneOctetClosePayload => Gen.Constant(Simple(kind, Bytes(seed, 1), 0)),
            ViolationKind.NonMinimalLength => Gen.Elements(16, 64).Select(bits => Simple(kind, Ascii(seed, length), bits)),
            ViolationKind.InvalidUtf8 => InvalidText(seed),
            _ => Gen.Constant(Simple(kind, Ascii(seed, length), 0)),
        }
        select violation;

    private static Violation Simple(ViolationKind kind, byte[] payload, int detail) => new(kind, payload, detail, [payload.Length]);

    private static Gen<Violation> InvalidText(int seed) =>
        from before in Gen.Choose(0, 40)
        from after in Gen.Choose(0, 40)
        from bad in Gen.Elements(InvalidUtf8)
        let payload = (byte[])[.. Text(seed, before), .. Convert.FromHexString(bad), .. Text(seed + 1, after)]
        from fragments in Fragments(payload.Length)
        select new Violation(ViolationKind.InvalidUtf8, payload, before, fragments);

    private static Gen<int> PayloadLength =>
        Gen.Frequency(
            (6, Gen.Choose(0, 32)),
            (3, Gen.Choose(0, 2000)),
            (1, Gen.Choose(0, 70000)));

    /// <summary>Fragment sizes adding up to the length: one fragment, or cut at up to four random points.</summary>
    private static Gen<IReadOnlyList<int>> Fragments(int length) =>
        Gen.Frequency(
            (2, Gen.Constant<IReadOnlyList<int>>([length])),
            (1, Gen.ListOf(Gen.Choose(0, length), 4).SelectMany(cuts => Gen.Choose(1, 4).Select(n =>
            {
                var points = cuts.Take(n).Order().ToList();
                var sizes = new List<int>();
                var previous = 0;
                foreach (var p in points) { sizes.Add(p - previous); previous = p; }
                sizes.Add(length - previous);
                return (IReadOnlyList<int>)sizes;
            }))));

    /// <summary>Written whole, or in chops; one-octet chops only for small conversations, to keep them quick.</summary>
    private static Gen<int?> Chop(int octets) =>
        Gen.Frequency(
            (3, Gen.Constant<int?>(null)),
            (1, Gen.Elements(Chops.Where(c => c >= 64 || octets <= 4096).ToArray()).Select(c => (int?)c)));

    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Ascii(int seed, int length)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (byte)random.Next(0x20, 0x7F)).ToArray();
    }

    /// <summary>Valid UTF-8 of about the length, from every plane (1- to 4-octet sequences), never a surrogate.</summary>
    public static byte[] Text(int seed, int length)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        var octets = 0;
        while (octets < length)
        {
            var scalar = random.Next(4) switch
            {
                0 => random.Next(0x20, 0x80),
                1 => random.Next(0x80, 0x800),
                2 => random.Next(0x800, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            if (scalar is >= 0xD800 and <= 0xDFFF) continue;
            var rune = new Rune(scalar);
            if (octets + rune.Utf8SequenceLength > length) scalar = 'a';
            text.Append(char.ConvertFromUtf32(scalar));
            octets += new Rune(scalar).Utf8SequenceLength;
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
