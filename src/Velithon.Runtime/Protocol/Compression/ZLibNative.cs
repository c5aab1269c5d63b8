using System.Runtime.InteropServices;

namespace Velithon.Protocol.Compression;

/// <summary>
/// The zlib entry points of the runtime's own native compression library, the one
/// <c>System.Net.WebSockets</c> uses for permessage-deflate. Unlike <c>DeflateStream</c> (which on .NET 10
/// cannot choose a window size), they take zlib's window bits, which RFC 7692 section 7.1.2 negotiates.
/// Under Native AOT the library is linked into the executable, so the same name resolves there too.
/// </summary>
internal static unsafe partial class ZLibNative
{
    private const string Library = "libSystem.IO.Compression.Native";

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int StreamError = -2;
    public const int DataError = -3;
    public const int MemError = -4;
    public const int BufError = -5;

    public const int NoFlush = 0;
    public const int SyncFlush = 2;

    /// <summary>Like <see cref="SyncFlush"/>, and also forgets the window: what no context takeover asks (RFC 7692 section 7.1.1).</summary>
    public const int FullFlush = 3;

    public const int DefaultCompression = -1;
    public const int Deflated = 8;
    public const int DefaultMemLevel = 8;
    public const int DefaultStrategy = 0;

    /// <summary>Starts a compressor; a negative window size makes a raw DEFLATE stream (RFC 1951), without zlib's header and checksum.</summary>
    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    public static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    /// <summary>Starts a decompressor; a negative window size reads a raw DEFLATE stream (RFC 1951).</summary>
    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    public static partial int InflateInit2(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static partial int InflateEnd(ZStream* stream);

    /// <summary>Forgets the window and starts a new stream, keeping the memory (InflateEnd and InflateInit2 without the free).</summary>
    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    public static partial int InflateReset2(ZStream* stream, int windowBits);
}
