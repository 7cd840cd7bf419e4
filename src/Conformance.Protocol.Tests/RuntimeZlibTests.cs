using System.IO.Compression;
using System.Runtime.InteropServices;
using Conformance.Protocol.Deflate;

namespace Conformance.Protocol.Tests;

/// <summary>
/// The codec over the zlib of the .NET runtime's own compression library, which is there on Linux, macOS and Windows
/// alike: every window from 8 to 15 bits, with context takeover and without, and compressed data that refers to nothing
/// outside the window it was compressed for.
/// </summary>
public unsafe class RuntimeZlibTests
{
    [Test]
    public void The_codec_calls_the_runtimes_compression_library()
    {
        Assert.That(DeflateParameters.ZlibMissing(), Is.Null);
        Assert.That(NativeLibrary.TryLoad(Zlib.Library, typeof(MessageDeflater).Assembly, null, out var library), Is.True);
        foreach (var name in Zlib.EntryPoints) Assert.That(NativeLibrary.TryGetExport(library, name, out _), Is.True, name);

        using (var deflater = new MessageDeflater()) deflater.Compress("loaded"u8);
        var file = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(),
            OperatingSystem.IsWindows() ? "System.IO.Compression.Native.dll"
            : OperatingSystem.IsMacOS() ? "libSystem.IO.Compression.Native.dylib" : "libSystem.IO.Compression.Native.so");
        Assert.That(File.Exists(file), Is.True, file);
        if (OperatingSystem.IsLinux())
            Assert.That(File.ReadAllText("/proc/self/maps"), Does.Contain(Path.GetFileName(file)), "the library is loaded");
    }

    [Test]
    public void Every_window_round_trips_within_its_window([Range(8, 15)] int bits, [Values] bool contextTakeover, [Values(1, 9)] int level)
    {
        var window = 1 << bits;
        var unrepeated = new byte[window + 100];
        new Random(bits).NextBytes(unrepeated);
        var phrase = Enumerable.Range(0, 3 * window).Select(i => (byte)"the quick brown fox "[i % 20]).ToArray();
        byte[][] messages = [[.. unrepeated, .. unrepeated], phrase, [], phrase, "a last short one"u8.ToArray()];

        using var deflater = new MessageDeflater(bits, contextTakeover, level);
        using var inflater = new MessageInflater(bits, contextTakeover);
        var compressed = new List<byte[]>();
        foreach (var message in messages)
        {
            compressed.Add(deflater.Compress(message));
            Assert.That(inflater.Decompress(compressed[^1], out var error), Is.EqualTo(message), error);
        }

        Assert.That(InflateWithinTheWindow(compressed, bits, contextTakeover), Is.EqualTo(messages),
            "an inflater that can look back only into its window reads every message");
        if (bits == 8)
            Assert.That(compressed[1], Has.Length.GreaterThan(phrase.Length / 4), "8 bits: Huffman codes only, no reference to earlier octets");
        else
            Assert.That(compressed[1], Has.Length.LessThan(phrase.Length / 10), "repeats are found within the window");
        if (!contextTakeover) Assert.That(compressed[3], Is.EqualTo(compressed[1]), "without context takeover a message refers to nothing before it");
        else if (bits > 8) Assert.That(compressed[3], Has.Length.LessThan(compressed[1].Length), "with context takeover the repeated message refers back");

        using var dotnet = new DeflateStream(new MemoryStream([.. compressed.SelectMany(c => c.Concat(MessageInflater.FlushTail.ToArray())), 0x03, 0x00]),
            CompressionMode.Decompress);
        var all = new MemoryStream();
        dotnet.CopyTo(all);
        Assert.That(all.ToArray(), Is.EqualTo(messages.SelectMany(m => m).ToArray()), ".NET's DeflateStream reads the messages as one stream");
    }

    /// <summary>
    /// Inflates one octet of output at a time, so that every back reference must be served from the window zlib keeps
    /// between calls (2^bits octets); a distance beyond it fails with "invalid distance too far back".
    /// </summary>
    private static List<byte[]> InflateWithinTheWindow(IEnumerable<byte[]> compressed, int bits, bool contextTakeover)
    {
        using var z = ZlibStreamHandle.ForInflate(bits);
        var stream = z.Stream;
        var messages = new List<byte[]>();
        var octet = stackalloc byte[1];
        foreach (var payload in compressed)
        {
            if (!contextTakeover) Zlib.InflateReset(stream, bits);
            byte[] input = [.. payload, .. MessageInflater.FlushTail];
            var message = new List<byte>();
            fixed (byte* i = input)
            {
                stream->NextIn = i;
                stream->AvailIn = (uint)input.Length;
                while (true)
                {
                    stream->NextOut = octet;
                    stream->AvailOut = 1;
                    var code = Zlib.Inflate(stream, Zlib.SyncFlush);
                    if (code < 0 && code != Zlib.BufError) Assert.Fail($"window {bits}: {Zlib.MessageOf(stream, code)}");
                    if (stream->AvailOut == 0) message.Add(octet[0]);
                    else if (stream->AvailIn == 0) break;
                }
            }
            messages.Add([.. message]);
        }
        return messages;
    }
}
