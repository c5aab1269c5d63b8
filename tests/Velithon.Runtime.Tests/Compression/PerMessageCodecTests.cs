using System.Buffers;
using System.IO.Compression;
using Velithon.Protocol.Compression;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>The deflater and inflater together (RFC 7692 section 7.2), the limit and corrupt data.</summary>
public class PerMessageCodecTests
{
    private const int Unlimited = int.MaxValue;

    public static TheoryData<int, bool> WindowsAndTakeover()
    {
        var data = new TheoryData<int, bool>();
        for (int bits = 9; bits <= 15; bits++)
        {
            data.Add(bits, false);
            data.Add(bits, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WindowsAndTakeover))]
    public void RoundTrip_EveryWindowAndTakeover_RestoresEachMessage(int windowBits, bool noContextTakeover)
    {
        using var deflater = new PerMessageDeflater(windowBits, noContextTakeover);
        using var inflater = new PerMessageInflater(windowBits, noContextTakeover);
        var writer = new ArrayBufferWriter<byte>();

        foreach (byte[] message in SampleMessages.Sequence)
        {
            writer.ResetWrittenCount();
            deflater.Compress(message, writer);

            Assert.Equal(message, InflateWhole(inflater, writer.WrittenSpan));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compress_RepeatedMessage_UsesContextOnlyWithTakeover(bool noContextTakeover)
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover);
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        deflater.Compress(SampleMessages.Json, first);
        deflater.Compress(SampleMessages.Json, second);

        Assert.True(first.WrittenCount < SampleMessages.Json.Length / 2);
        if (noContextTakeover)
        {
            // Reset per message (section 7.1.1.1): the second message is compressed alone, to the same bytes.
            Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
        }
        else
        {
            // The whole message is a back-reference into the previous one.
            Assert.True(second.WrittenCount < first.WrittenCount / 4, $"{second.WrittenCount} of {first.WrittenCount}");
        }
    }

    [Fact]
    public void Compress_Message_EndsWithoutTheFlushMarker()
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>();

        deflater.Compress(SampleMessages.Json, writer);

        Assert.False(writer.WrittenSpan.EndsWith(PerMessageInflater.Trailer));
        Assert.Equal(SampleMessages.Json, InflateWithSystemDeflate([.. writer.WrittenSpan, .. PerMessageInflater.Trailer]));
    }

    [Fact]
    public void Compress_EmptyMessage_IsOneZeroByte()
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>();

        deflater.Compress([], writer);

        Assert.Equal([0x00], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Compress_IntoSmallSpans_CarriesTheTrailerAcross()
    {
        // The first span is 256 bytes: for some lengths the flush marker falls across its end.
        using var deflater = new PerMessageDeflater(15, noContextTakeover: true);
        using var inflater = new PerMessageInflater(15, noContextTakeover: true);
        for (int length = 200; length < 700; length++)
        {
            byte[] message = SampleMessages.Random64K[..length];
            var writer = new ChunkedBufferWriter(256);

            deflater.Compress(message, writer);

            Assert.Equal(message, InflateWhole(inflater, writer.Written));
        }
    }

    [Fact]
    public void Inflate_FrameByFrame_JoinsTheMessage()
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        byte[] message = [.. SampleMessages.Random64K, .. SampleMessages.Json];
        var writer = new ArrayBufferWriter<byte>();
        deflater.Compress(message, writer);
        byte[] compressed = writer.WrittenSpan.ToArray();

        byte[]? output = null;
        int length = 0;
        Assert.Equal(InflateStatus.Ok, inflater.Inflate(compressed.AsSpan(0, 1000), endOfMessage: false, ref output, ref length, Unlimited));
        Assert.Equal(InflateStatus.Ok, inflater.Inflate([], endOfMessage: false, ref output, ref length, Unlimited));
        Assert.Equal(InflateStatus.Ok, inflater.Inflate(compressed.AsSpan(1000), endOfMessage: true, ref output, ref length, Unlimited));

        Assert.Equal(message, output.AsSpan(0, length).ToArray());
        ArrayPool<byte>.Shared.Return(output!);
    }

    [Fact]
    public void Inflate_Bomb_StopsAtTheLimit()
    {
        // DEFLATE expands at most about 1032 to 1: a 1 GiB message of zeros takes about 1 MiB compressed.
        const int Limit = 1 << 20;
        byte[] bomb = CreateZeroBomb(1L << 30);
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        byte[]? output = null;
        int length = 0;

        InflateStatus status = inflater.Inflate(bomb, endOfMessage: true, ref output, ref length, Limit);

        Assert.Equal(InflateStatus.TooBig, status);
        Assert.Equal(Limit, length);
        Assert.True(output!.Length <= Limit, $"the output grew to {output.Length} bytes");
        ArrayPool<byte>.Shared.Return(output);
    }

    [Fact]
    public void Inflate_AcrossFrames_CountsTheWholeMessage()
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>();
        deflater.Compress(SampleMessages.Random64K, writer);
        byte[] compressed = writer.WrittenSpan.ToArray();
        byte[]? output = null;
        int length = 0;
        int half = compressed.Length / 2;

        Assert.Equal(InflateStatus.Ok, inflater.Inflate(compressed.AsSpan(0, half), false, ref output, ref length, 40_000));
        Assert.Equal(InflateStatus.TooBig, inflater.Inflate(compressed.AsSpan(half), true, ref output, ref length, 40_000));
        ArrayPool<byte>.Shared.Return(output!);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void Inflate_MessageOfExactlyTheLimit_IsAccepted(int slack, bool accepted)
    {
        byte[] message = SampleMessages.Json;
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>();
        deflater.Compress(message, writer);
        byte[]? output = null;
        int length = 0;

        InflateStatus status = inflater.Inflate(writer.WrittenSpan, true, ref output, ref length, message.Length + slack);

        Assert.Equal(accepted ? InflateStatus.Ok : InflateStatus.TooBig, status);
        ArrayPool<byte>.Shared.Return(output!);
    }

    [Fact]
    public void Inflate_EmptyMessageWithLimitZero_IsAccepted()
    {
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        byte[]? output = null;
        int length = 0;

        Assert.Equal(InflateStatus.Ok, inflater.Inflate([0x00], true, ref output, ref length, 0));
        Assert.Equal(0, length);
        if (output is not null)
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x06, 0x00 })] // A block of the reserved type 11 (RFC 1951 section 3.2.3).
    [InlineData(new byte[] { 0x00, 0x05, 0x00, 0x00, 0x00, 0x41 })] // A stored block whose NLEN is not the complement of LEN.
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Inflate_CorruptData_IsInvalid(byte[] corrupt)
    {
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        byte[]? output = null;
        int length = 0;

        Assert.Equal(InflateStatus.Invalid, inflater.Inflate(corrupt, true, ref output, ref length, Unlimited));
        if (output is not null)
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    [Fact]
    public void Inflate_FinalBlock_EndsTheMessageAndTheNextStartsAfresh()
    {
        // Section 7.2.3.4: a sender may end a message with a BFINAL block (what DeflateStream writes on Dispose).
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        foreach (byte[] message in new[] { SampleMessages.Json, SampleMessages.Random64K[..100] })
        {
            Assert.Equal(message, InflateWhole(inflater, DeflateWithSystemDeflate(message)));
        }
    }

    [Fact]
    public void Inflate_DataAfterTheFinalBlock_IsInvalid()
    {
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        byte[]? output = null;
        int length = 0;
        byte[] final = DeflateWithSystemDeflate(SampleMessages.Json);

        Assert.Equal(InflateStatus.Invalid, inflater.Inflate([.. final, 0x00, 0x00, 0x00, 0xFF, 0xFF], true, ref output, ref length, Unlimited));
        ArrayPool<byte>.Shared.Return(output!);
    }

    [Fact]
    public void CompressAndInflate_AfterWarmUp_AllocateNothing()
    {
        using var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        using var inflater = new PerMessageInflater(15, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>(4096);
        RoundTrip();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RoundTrip();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void RoundTrip()
        {
            writer.ResetWrittenCount();
            deflater.Compress(SampleMessages.Json, writer);
            byte[]? output = null;
            int length = 0;
            inflater.Inflate(writer.WrittenSpan, true, ref output, ref length, Unlimited);
            ArrayPool<byte>.Shared.Return(output!);
        }
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var deflater = new PerMessageDeflater(15, noContextTakeover: false);
        var inflater = new PerMessageInflater(15, noContextTakeover: false);
        deflater.Dispose();
        inflater.Dispose();
        deflater.Dispose();
        byte[]? output = null;
        int length = 0;

        Assert.Throws<ObjectDisposedException>(() => deflater.Compress(SampleMessages.Json, new ArrayBufferWriter<byte>()));
        Assert.Throws<ObjectDisposedException>(() => inflater.Inflate([0x00], true, ref output, ref length, Unlimited));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Deflater_WindowOutOfRange_Throws(int bits)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflater(bits, noContextTakeover: false));
    }

    [Fact]
    public void Inflater_WindowEight_InflatesWhatZlibCompressesForIt()
    {
        // zlib compresses raw DEFLATE with at least 9; a client that agreed to 8 sends what its zlib made with 9.
        using var deflater = new PerMessageDeflater(9, noContextTakeover: false);
        using var inflater = new PerMessageInflater(8, noContextTakeover: false);
        var writer = new ArrayBufferWriter<byte>();
        byte[] message = [.. SampleMessages.Random64K[..400], .. SampleMessages.Random64K[..400]];

        deflater.Compress(message, writer);

        Assert.Equal(message, InflateWhole(inflater, writer.WrittenSpan));
    }

    internal static byte[] InflateWhole(PerMessageInflater inflater, ReadOnlySpan<byte> compressed)
    {
        byte[]? output = null;
        int length = 0;
        InflateStatus status = inflater.Inflate(compressed, endOfMessage: true, ref output, ref length, Unlimited);
        byte[] message = output.AsSpan(0, length).ToArray();
        if (output is not null)
        {
            ArrayPool<byte>.Shared.Return(output);
        }

        Assert.Equal(InflateStatus.Ok, status);
        return message;
    }

    private static byte[] CreateZeroBomb(long inflatedLength)
    {
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < inflatedLength; written += zeros.Length)
            {
                deflate.Write(zeros);
            }

            deflate.Flush();
        }

        return compressed.ToArray();
    }

    private static byte[] DeflateWithSystemDeflate(byte[] message)
    {
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(message);
        }

        return compressed.ToArray();
    }

    private static byte[] InflateWithSystemDeflate(byte[] compressed)
    {
        using var inflate = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var message = new MemoryStream();
        inflate.CopyTo(message);
        return message.ToArray();
    }
}
