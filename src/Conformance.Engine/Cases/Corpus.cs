using System.Text;

namespace Conformance.Engine.Cases;

/// <summary>
/// Generated sample data that categories 12 and 13 cut their messages from, one kind of content each, the same on
/// every run: Autobahn|Testsuite uses sample files of these kinds, which are not ours to ship, and a verdict depends on
/// whether the server compresses correctly, not on which text it compresses. Text kinds are ASCII, so any slice of
/// them is valid UTF-8.
/// </summary>
public sealed class Corpus
{
    private static readonly Dictionary<string, (string Title, bool Binary, Func<byte[]> Make)> Kinds = new()
    {
        ["json"] = ("structured text: JSON records (text, 194,056 octets)", false, () => Json(194_056)),
        ["bitmap"] = ("a greyscale bitmap picture, 512 x 512 (binary, 263,222 octets)", true, () => Bitmap()),
        ["prose"] = ("human-readable German prose in UTF-8 (binary, 222,218 octets)", true, () => Prose(222_218)),
        ["html"] = ("markup: a large HTML page (text, 263,647 octets)", false, () => Html(263_647)),
        ["incompressible"] = ("mostly incompressible binary, like a PDF's compressed streams (binary, 201,000 octets)", true, () => Incompressible(201_000)),
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Corpus>> Made = new();

    private readonly byte[] _twice;

    private Corpus(string name, string title, bool binary, byte[] data)
    {
        Name = name;
        Title = title;
        IsBinary = binary;
        Length = data.Length;
        _twice = [.. data, .. data];
    }

    public string Name { get; }
    public string Title { get; }
    /// <summary>Sent as binary messages (text messages otherwise).</summary>
    public bool IsBinary { get; }
    public int Length { get; }

    public static IEnumerable<string> Names => Kinds.Keys;

    public static Corpus? Find(string name) =>
        Kinds.TryGetValue(name, out var kind)
            ? Made.GetOrAdd(name, n => new Lazy<Corpus>(() => new Corpus(n, kind.Title, kind.Binary, kind.Make()))).Value
            : null;

    /// <summary>The index-th message of a series of messages of the given length cut one after another, wrapping round at the end.</summary>
    public ReadOnlyMemory<byte> Slice(int index, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        var start = (int)((long)index * length % Length);
        return _twice.AsMemory(start, length);
    }

    /// <summary>SplitMix64: a small generator whose sequence for a seed never changes between runtimes.</summary>
    private sealed class Numbers(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        public int Below(int n) => (int)(Next() % (ulong)n);

        public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
    }

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber", "dan", "fel", "gor", "han", "ist", "jul", "kem"];

    private static string Word(Numbers n, int syllables) => string.Concat(Enumerable.Range(0, syllables).Select(_ => n.Pick(Syllables)));

    private static byte[] Fill(int length, Action<StringBuilder, Numbers> add, ulong seed)
    {
        var text = new StringBuilder(length + 1024);
        var n = new Numbers(seed);
        for (var octets = 0; octets < length;)
        {
            var before = text.Length;
            add(text, n);
            octets += Encoding.UTF8.GetByteCount(text.ToString(before, text.Length - before));
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bytes.AsSpan(0, length).ToArray();
    }

    private static byte[] Json(int length)
    {
        var id = 0;
        return Fill(length, (s, n) =>
        {
            var name = Word(n, 2);
            s.Append(id == 0 ? "[\n" : ",\n")
             .Append($"  {{\"id\": {id++}, \"name\": \"{name}\", \"email\": \"{name}.{Word(n, 2)}@example.org\", ")
             .Append($"\"active\": {(n.Below(2) == 0 ? "true" : "false")}, \"score\": {n.Below(100_000) / 100.0:0.00}, ")
             .Append($"\"tags\": [{string.Join(", ", Enumerable.Range(0, n.Below(4)).Select(_ => $"\"{Word(n, 1)}\""))}], ")
             .Append($"\"address\": {{\"street\": \"{Word(n, 3)} {n.Below(200) + 1}\", \"zip\": \"{n.Below(90000) + 10000}\"}}}}");
        }, 1);
    }

    private static byte[] Html(int length)
    {
        var row = 0;
        return Fill(length, (s, n) =>
        {
            if (row++ == 0) s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Report</title></head>\n<body>\n<table class=\"data\">\n");
            s.Append($"  <tr id=\"r{row}\" class=\"{(row % 2 == 0 ? "even" : "odd")}\">")
             .Append($"<td><a href=\"/items/{n.Below(10_000)}\">{Word(n, 2)}</a></td>")
             .Append($"<td class=\"num\">{n.Below(1_000_000)}</td><td>{string.Join(' ', Enumerable.Range(0, 3 + n.Below(6)).Select(_ => Word(n, 1 + n.Below(3))))}</td></tr>\n");
        }, 2);
    }

    private static readonly string[] GermanWords =
    [
        "und", "die", "der", "nicht", "ich", "zu", "mich", "mir", "es", "ein", "wie", "Welt", "Geist", "Nacht", "Herz",
        "schön", "Mädchen", "größer", "Tür", "über", "Bücher", "müssen", "Wärme", "hören", "Glück", "Frühling", "heiß",
    ];

    private static byte[] Prose(int length) => Fill(length, (s, n) =>
    {
        var words = Enumerable.Range(0, 4 + n.Below(12)).Select(_ => n.Pick(GermanWords)).ToList();
        words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        s.Append(string.Join(' ', words)).Append(n.Below(5) == 0 ? "!\n" : ". ");
    }, 3);

    private static byte[] Bitmap()
    {
        const int side = 512;
        var header = new byte[54 + 1024];
        var total = header.Length + side * side;
        "BM"u8.CopyTo(header);
        BitConverter.TryWriteBytes(header.AsSpan(2), total);
        BitConverter.TryWriteBytes(header.AsSpan(10), header.Length);
        BitConverter.TryWriteBytes(header.AsSpan(14), 40);
        BitConverter.TryWriteBytes(header.AsSpan(18), side);
        BitConverter.TryWriteBytes(header.AsSpan(22), side);
        BitConverter.TryWriteBytes(header.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(header.AsSpan(28), (short)8);
        for (var i = 0; i < 256; i++) header[54 + i * 4] = header[55 + i * 4] = header[56 + i * 4] = (byte)i;
        var pixels = new byte[side * side];
        var n = new Numbers(4);
        for (var y = 0; y < side; y++)
        for (var x = 0; x < side; x++)
        {
            var shade = 128 + 60 * Math.Sin(x / 37.0) * Math.Cos(y / 23.0) + 40 * Math.Sin((x + y) / 71.0);
            pixels[y * side + x] = (byte)Math.Clamp(shade + n.Below(9) - 4, 0, 255);
        }
        return [.. header, .. pixels];
    }

    private static byte[] Incompressible(int length)
    {
        var bytes = new byte[length];
        var n = new Numbers(5);
        var at = 0;
        var obj = 1;
        while (at < length)
        {
            var head = Encoding.ASCII.GetBytes($"{obj++} 0 obj\n<< /Length 4096 /Filter /FlateDecode >>\nstream\n");
            var take = Math.Min(head.Length, length - at);
            head.AsSpan(0, take).CopyTo(bytes.AsSpan(at));
            at += take;
            for (var end = Math.Min(at + 4096, length); at < end; at++) bytes[at] = (byte)n.Next();
        }
        return bytes;
    }
}
