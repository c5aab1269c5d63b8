using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

public abstract partial class ConformanceTests
{
    // 9. Compression (RFC 7692 section 6): RSV1 marks a compressed message where permessage-deflate was agreed on, and
    // nothing anywhere else. Without the extension every use of RSV1 fails the connection with 1002 (RFC 6455
    // section 5.2); with it, the cases below expect what RFC 7692 asks.

    [Fact]
    public async Task Compression_Rsv1OnACompressedText_IsEchoedOnlyWhereNegotiated()
    {
        await using var socket = await ConnectAsync();
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressed κόσμε ", 20)));
        await socket.SendFrameAsync(Frame.Text, text, compress: true);
        if (Deflate)
        {
            await AssertEchoedAsync(socket, Frame.Text, text);
        }
        else
        {
            await AssertClosesWithAsync(socket, 1002);
        }
    }

    /// <summary>Section 6: a sender may leave any message uncompressed, so uncompressed and compressed ones may alternate.</summary>
    [Fact]
    public async Task Compression_UncompressedMessagesBetweenMessagesOfTheVariant_AreEchoed()
    {
        await using var socket = await ConnectAsync();
        for (int i = 0; i < 6; i++)
        {
            byte[] payload = Encoding.UTF8.GetBytes($"message {i}: " + new string('m', 50 * i));
            await socket.SendFrameAsync(i % 2 == 0 ? Frame.Text : Frame.Binary, payload, compress: i % 3 == 1 ? false : null);
            await AssertEchoedAsync(socket, i % 2 == 0 ? Frame.Text : Frame.Binary, payload);
        }
    }

    /// <summary>Section 6.1: control frames are never compressed, so RSV1 on one is a protocol error.</summary>
    [Theory]
    [InlineData(Frame.Ping)]
    [InlineData(Frame.Pong)]
    [InlineData(Frame.Close)]
    public async Task Compression_Rsv1OnAControlFrame_Closes1002(int opcode)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(opcode, opcode == Frame.Close ? [0x03, 0xE8] : "ctl"u8, rsv: Frame.Rsv1);
        await AssertClosesWithAsync(socket, 1002);
    }

    /// <summary>Section 6.1: only a message's first frame carries RSV1; on a continuation frame it is a protocol error.</summary>
    [Fact]
    public async Task Compression_Rsv1OnAContinuationFrame_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "first half, "u8, fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "second half"u8, rsv: Frame.Rsv1);
        await AssertClosesWithAsync(socket, 1002);
    }

    /// <summary>
    /// Section 6.2: a compressed message that does not inflate fails the connection; 0xFF starts a block of the
    /// reserved type 3 (RFC 1951 section 3.2.3), so the data is not deflate whatever follows.
    /// </summary>
    [Theory]
    [InlineData(Frame.Text)]
    [InlineData(Frame.Binary)]
    public async Task Compression_Rsv1OnDataThatIsNotDeflate_Closes1007WhereNegotiated(int opcode)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(opcode, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, rsv: Frame.Rsv1, compress: false);
        await AssertClosesWithAsync(socket, Deflate ? 1007 : 1002);
    }

    /// <summary>Section 8.1 of RFC 6455 applies to the inflated text: invalid UTF-8 inside a compressed message is 1007.</summary>
    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0x41, 0xE2, 0x82 })]
    public async Task Compression_CompressedInvalidUtf8_Closes1007WhereNegotiated(byte[] payload)
    {
        await using var socket = await ConnectAsync(EchoTextPath);
        await socket.SendFrameAsync(Frame.Text, payload, compress: true);
        await AssertClosesWithAsync(socket, Deflate ? 1007 : 1002);
    }

    /// <summary>
    /// A compression bomb: 16 MiB of zeros compress to about 16 KiB, within the limit on the wire, and would inflate
    /// to 256 times the limit. The server must stop inflating at the limit and close with 1009 (RFC 6455 section
    /// 7.4.1), and end the connection, rather than inflate the rest.
    /// </summary>
    [Theory]
    [InlineData(Frame.Binary)]
    [InlineData(Frame.Text)]
    public async Task Compression_BombOverTheLimit_Closes1009WhereNegotiated(int opcode)
    {
        await using var socket = await ConnectAsync();
        byte[] zeros = new byte[16 * 1024 * 1024];
        if (opcode == Frame.Text)
        {
            zeros.AsSpan().Fill((byte)'z');
        }

        await socket.SendFrameAsync(opcode, zeros, compress: true);
        await AssertClosesWithAsync(socket, Deflate ? 1009 : 1002);
    }
}
