using Conformance.Engine.Cases;
using Conformance.Protocol.Deflate;

namespace Conformance.Engine.Sessions;

/// <summary>
/// The compressed forms of a round-trip series, made once per run and shared by the cases that send the same series
/// with the same agreed client parameters (categories 12 and 13 send the same slices in up to eight cases). A series
/// is compressed in order with one deflater, so with context takeover too every case sends exactly the octets it
/// would have made itself. Series not used for a while are dropped once the cache holds more than its budget.
/// </summary>
internal sealed class CompressedSeries
{
    private const long BudgetBytes = 512L * 1024 * 1024;
    private static readonly Dictionary<(MessageSource, int Bits, bool NoTakeover), CompressedSeries> Cache = new();
    private static long _cachedBytes;
    private static long _clock;

    private readonly MessageSource _source;
    private readonly MessageDeflater _deflater;
    private readonly List<byte[]> _compressed = [];
    private long _bytes;
    private long _lastUsed;

    private CompressedSeries(MessageSource source, DeflateParameters agreed)
    {
        _source = source;
        _deflater = agreed.ClientDeflater();
    }

    public static CompressedSeries For(MessageSource source, DeflateParameters agreed)
    {
        lock (Cache)
        {
            var key = (source, agreed.ClientMaxWindowBits, agreed.ClientNoContextTakeover);
            if (!Cache.TryGetValue(key, out var series)) Cache[key] = series = new CompressedSeries(source, agreed);
            series._lastUsed = ++_clock;
            return series;
        }
    }

    /// <summary>The index-th message of the series, compressed.</summary>
    public byte[] At(int index)
    {
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
