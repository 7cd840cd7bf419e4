using System.Runtime.InteropServices;

namespace Conformance.Protocol.Deflate;

/// <summary>
/// The zlib inside the .NET runtime's own native compression library (System.IO.Compression.Native, shipped beside the
/// runtime on Linux, macOS and Windows), called directly because DeflateStream cannot choose the LZ77 window that
/// permessage-deflate negotiates (RFC 7692 7.1.2). Raw DEFLATE only: negative window bits, no zlib header. The library
/// wraps each z_stream in a stream of its own whose layout (four pointers, two 32-bit counts) is the same on every
/// platform, unlike z_stream, whose counters are C longs.
/// </summary>
internal static unsafe partial class Zlib
{
    public const string Library = "System.IO.Compression.Native";

    /// <summary>The library's functions the codec calls.</summary>
    public static readonly string[] EntryPoints =
    [
        "CompressionNative_DeflateInit2_", "CompressionNative_Deflate", "CompressionNative_DeflateEnd",
        "CompressionNative_InflateInit2_", "CompressionNative_Inflate", "CompressionNative_InflateReset2_", "CompressionNative_InflateEnd",
    ];

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int BufError = -5;
    public const int NoFlush = 0;
    public const int SyncFlush = 2;
    public const int FullFlush = 3;
    public const int Deflated = 8;
    public const int DefaultStrategy = 0;
    public const int HuffmanOnly = 2;
    private const int MemoryLevel = 8;

    /// <summary>The library's PAL_ZStream.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Stream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Message;
        public nint InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    private static partial int DeflateInit2(Stream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    public static int DeflateInit(Stream* stream, int level, int rawWindowBits, int strategy) =>
        DeflateInit2(stream, level, Deflated, -rawWindowBits, MemoryLevel, strategy);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Deflate")]
    public static partial int Deflate(Stream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    public static partial int DeflateEnd(Stream* stream);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static partial int InflateInit2(Stream* stream, int windowBits);

    public static int InflateInit(Stream* stream, int rawWindowBits) => InflateInit2(stream, -rawWindowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static partial int Inflate(Stream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    private static partial int InflateReset2(Stream* stream, int windowBits);

    /// <summary>Empties the window and starts a new raw DEFLATE stream, keeping the allocated state.</summary>
    public static int InflateReset(Stream* stream, int rawWindowBits) => InflateReset2(stream, -rawWindowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static partial int InflateEnd(Stream* stream);

    public static string MessageOf(Stream* stream, int code) =>
        stream->Message != null ? new string(stream->Message) : $"zlib error {code}";

    /// <summary>Null when the library and every function the codec calls can be loaded; otherwise what is missing, in words.</summary>
    public static string? Unavailable()
    {
        if (!NativeLibrary.TryLoad(Library, typeof(Zlib).Assembly, null, out var handle))
            return $"the .NET runtime's native compression library ({Library}) could not be loaded";
        var missing = EntryPoints.Where(name => !NativeLibrary.TryGetExport(handle, name, out _)).ToList();
        return missing.Count == 0 ? null
            : $"the .NET runtime's native compression library ({Library}) lacks {string.Join(", ", missing)}";
    }
}

/// <summary>A stream of the compression library in native memory (zlib keeps pointers to it), ended when the owner is disposed or collected.</summary>
internal sealed unsafe class ZlibStreamHandle : SafeHandle
{
    private readonly bool _inflating;
    private bool _initialised;

    private ZlibStreamHandle(bool inflating) : base(IntPtr.Zero, ownsHandle: true)
    {
        _inflating = inflating;
        SetHandle((IntPtr)NativeMemory.AllocZeroed((nuint)sizeof(Zlib.Stream)));
    }

    public Zlib.Stream* Stream => (Zlib.Stream*)handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static ZlibStreamHandle ForDeflate(int level, int windowBits, int strategy)
    {
        var z = new ZlibStreamHandle(inflating: false);
        var code = Zlib.DeflateInit(z.Stream, level, windowBits, strategy);
        if (code != Zlib.Ok) throw new InvalidOperationException($"zlib refused deflateInit2 with window bits {windowBits}: {Zlib.MessageOf(z.Stream, code)}");
        z._initialised = true;
        return z;
    }

    public static ZlibStreamHandle ForInflate(int windowBits)
    {
        var z = new ZlibStreamHandle(inflating: true);
        var code = Zlib.InflateInit(z.Stream, windowBits);
        if (code != Zlib.Ok) throw new InvalidOperationException($"zlib refused inflateInit2 with window bits {windowBits}: {Zlib.MessageOf(z.Stream, code)}");
        z._initialised = true;
        return z;
    }

    protected override bool ReleaseHandle()
    {
        if (_initialised)
        {
            if (_inflating) Zlib.InflateEnd(Stream); else Zlib.DeflateEnd(Stream);
        }
        NativeMemory.Free((void*)handle);
        return true;
    }
}
