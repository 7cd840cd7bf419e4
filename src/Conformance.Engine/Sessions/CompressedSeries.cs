using Conformance.Engine.Cases;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Sessions;

/// <summary>
/// The compressed forms of a round-trip series, made once per run and shared by the cases that send the same series
/// with the same agreed parameters for the suite's side (categories 12 and 13 send the same slices in up to eight cases). A series
/// is compressed in order with one deflater, so with context takeover too every case sends exactly the octets it
/// would have made itself. Series not used for a while are dropped once the cache holds more than its budget; a
/// series too large to share within it is compressed by its case as it goes, each message kept only until sent.
/// </summary>
internal sealed class CompressedSeries
{
    private const long BudgetBytes = 128L * 1024 * 1024;
    private const long LargestSharedSeries = BudgetBytes / 4;
    private static readonly Dictionary<(MessageSource, int Bits, bool NoTakeover), CompressedSeries> Cache = new();
    private static long _cachedBytes;
    private static long _clock;

    private readonly MessageSource _source;
    private readonly MessageDeflater _deflater;
    private readonly List<byte[]> _compressed = [];
    private readonly bool _shared;
    private int _made;
    private long _bytes;
    private long _lastUsed;

    private CompressedSeries(MessageSource source, int windowBits, bool noContextTakeover, bool shared)
    {
        _source = source;
        _deflater = new MessageDeflater(windowBits, !noContextTakeover, 1);
        _shared = shared;
    }

    /// <param name="sender">The side the suite plays, whose agreed window and context takeover the series is compressed with.</param>
    public static CompressedSeries For(MessageSource source, int count, DeflateParameters agreed, Wire.Role sender)
    {
        var (bits, noTakeover) = sender == Wire.Role.Client
            ? (agreed.ClientMaxWindowBits, agreed.ClientNoContextTakeover)
            : (agreed.ServerMaxWindowBits, agreed.ServerNoContextTakeover);
        if ((long)source.Length * count > LargestSharedSeries) return new CompressedSeries(source, bits, noTakeover, shared: false);
        lock (Cache)
        {
            var key = (source, bits, noTakeover);
            if (!Cache.TryGetValue(key, out var series)) Cache[key] = series = new CompressedSeries(source, bits, noTakeover, shared: true);
            series._lastUsed = ++_clock;
            return series;
        }
    }

    /// <summary>The index-th message of the series, compressed (of a series not shared, the messages in order).</summary>
    public byte[] At(int index)
    {
        if (!_shared)
        {
            if (index != _made) throw new InvalidOperationException($"message {index} of a series compressed as it goes, after {_made}");
            return _deflater.Compress(_source.At(_made++).Span);
        }
        long grown;
        byte[] result;
        lock (_compressed)
        {
            var before = _bytes;
            while (_compressed.Count <= index)
            {
                var message = _deflater.Compress(_source.At(_compressed.Count).Span);
                _compressed.Add(message);
                _bytes += message.Length;
            }
            grown = _bytes - before;
            result = _compressed[index];
        }
        if (grown > 0) Account(grown);
        return result;
    }

    private static void Account(long grown)
    {
        lock (Cache)
        {
            _cachedBytes += grown;
            while (_cachedBytes > BudgetBytes && Cache.Count > 1)
            {
                var oldest = Cache.MinBy(e => e.Value._lastUsed);
                Cache.Remove(oldest.Key);
                _cachedBytes -= oldest.Value._bytes;
            }
        }
    }
}
