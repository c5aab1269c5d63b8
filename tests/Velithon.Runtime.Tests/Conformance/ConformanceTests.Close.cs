using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

public abstract partial class ConformanceTests
{
    // 6. The close handshake (sections 5.5.1, 7.4).

    [Fact]
    public async Task Close_WithCodeAndReason_IsEchoedThenTcpCloses()
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(1000, "bye ✓");
        var close = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Close, close!.Opcode);

        // Section 5.5.1: the answer echoes the code; the peer's reason is the peer's, and browsers show the
        // answer's reason as the connection's, so it is not repeated back.
        Assert.Equal((1000, 2), (close.CloseCode, close.Payload.Length));
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    [Fact]
    public async Task Close_WithoutPayload_IsAnsweredWithANormalClose()
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(null);
        var close = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Close, close!.Opcode);

        // Autobahn 7.3.1: an empty close or 1000 are both a clean answer.
        Assert.True(close.Payload.Length == 0 || close.CloseCode == 1000, $"close payload of {close.Payload.Length} bytes, code {close.CloseCode}");
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    // RFC 6455 section 7.4 and the IANA registry: what a peer may send. Close frames are never compressed
    // (RFC 7692 section 6.1), so the frames are the same where permessage-deflate is agreed on.

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public async Task Close_ValidCode_IsEchoed(int code)
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(code, "reason");
        var close = await socket.ReadFrameAsync();
        Assert.Equal((Frame.Close, 0, code), (close!.Opcode, close.Rsv, close.CloseCode));
        Assert.True(await socket.WaitForTcpCloseAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1017)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task Close_InvalidCode_Closes1002(int code)
    {
        await using var socket = await ConnectAsync();
        await socket.SendCloseAsync(code);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_PayloadOfOneByte_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Close, new byte[] { 0x03 });
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task Close_ReasonWithInvalidUtf8_FailsTheConnection()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Close, new byte[] { 0x03, 0xE8, 0xC0, 0x80 });

        // Autobahn 7.5.1 accepts a protocol-error or invalid-payload close.
        await AssertClosesWithAsync(socket, 1002, 1007);
    }
}
