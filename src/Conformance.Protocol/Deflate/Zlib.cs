using System.Runtime.InteropServices;

namespace Conformance.Protocol.Deflate;

/// <summary>
/// The system zlib (libz.so.1), called directly because .NET's DeflateStream cannot choose the LZ77 window size
/// that permessage-deflate negotiates (RFC 7692 7.1.2). Raw DEFLATE only: negative window bits, no zlib header.
/// </summary>
internal static unsafe partial class Zlib
{
    private const string Library = "libz.so.1";

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int BufError = -5;
    public const int NoFlush = 0;
    public const int SyncFlush = 2;
    public const int Deflated = 8;
    public const int DefaultStrategy = 0;
    public const int HuffmanOnly = 2;

    /// <summary>z_stream of a 64-bit Unix zlib, where uLong is 64 bits wide.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Stream
    {
        public byte* NextIn;
        public uint AvailIn;
        public nuint TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public nuint TotalOut;
        public sbyte* Message;
        public nint State;
        public nint Alloc;
        public nint Free;
        public nint Opaque;
        public int DataType;
        public nuint Adler;
        public nuint Reserved;
    }

    [LibraryImport(Library, EntryPoint = "zlibVersion")]
    public static partial sbyte* Version();

    [LibraryImport(Library, EntryPoint = "deflateInit2_")]
    public static partial int DeflateInit(Stream* stream, int level, int method, int windowBits, int memLevel, int strategy, sbyte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "deflate")]
    public static partial int Deflate(Stream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "deflateReset")]
    public static partial int DeflateReset(Stream* stream);

    [LibraryImport(Library, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(Stream* stream);

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    public static partial int InflateInit(Stream* stream, int windowBits, sbyte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(Stream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    public static partial int InflateReset(Stream* stream);

    [LibraryImport(Library, EntryPoint = "inflateGetDictionary")]
    public static partial int InflateGetDictionary(Stream* stream, byte* dictionary, uint* length);

    [LibraryImport(Library, EntryPoint = "inflateSetDictionary")]
    public static partial int InflateSetDictionary(Stream* stream, byte* dictionary, uint length);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(Stream* stream);

    public static string MessageOf(Stream* stream, int code) =>
        stream->Message != null ? new string(stream->Message) : $"zlib error {code}";

    /// <summary>Null when the system zlib can be loaded; otherwise what is missing, in words.</summary>
    public static string? Unavailable()
    {
        try
        {
            _ = Version();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"permessage-deflate needs the system zlib ({Library}; on Debian the zlib1g package): {e.Message}";
        }
    }
}

/// <summary>A z_stream in native memory (zlib keeps pointers to it), ended when the owner is disposed or collected.</summary>
internal sealed unsafe class ZlibStreamHandle : SafeHandle
{
    private readonly bool _inflating;

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
        var code = Zlib.DeflateInit(z.Stream, level, Zlib.Deflated, -windowBits, 8, strategy, Zlib.Version(), sizeof(Zlib.Stream));
        if (code != Zlib.Ok) throw new InvalidOperationException($"zlib refused deflateInit2 with window bits {windowBits}: {Zlib.MessageOf(z.Stream, code)}");
        z._initialised = true;
        return z;
    }

    public static ZlibStreamHandle ForInflate(int windowBits)
    {
        var z = new ZlibStreamHandle(inflating: true);
        var code = Zlib.InflateInit(z.Stream, -windowBits, Zlib.Version(), sizeof(Zlib.Stream));
        if (code != Zlib.Ok) throw new InvalidOperationException($"zlib refused inflateInit2 with window bits {windowBits}: {Zlib.MessageOf(z.Stream, code)}");
        z._initialised = true;
        return z;
    }

    private bool _initialised;

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
