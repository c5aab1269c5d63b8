using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

public abstract partial class ConformanceTests
{
    // 1. Framing (RFC 6455 section 5.2): every payload length encoding, both data opcodes.

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Framing_TextOfEveryLengthEncoding_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        string text = new('*', length);
        await socket.SendTextAsync(text);
        await AssertEchoedAsync(socket, Frame.Text, Encoding.UTF8.GetBytes(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Framing_BinaryOfEveryLengthEncoding_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        await socket.SendFrameAsync(Frame.Binary, payload);
        await AssertEchoedAsync(socket, Frame.Binary, payload);
    }

    [Fact]
    public async Task Framing_UnmaskedClientFrame_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "unmasked"u8, mask: false);
        await AssertClosesWithAsync(socket, 1002);
    }

    // 2. Ping and pong (section 5.5.2, 5.5.3).

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    public async Task PingPong_PingIsAnsweredWithItsPayload(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        await socket.SendFrameAsync(Frame.Ping, payload);
        var pong = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Pong, pong!.Opcode);
        Assert.Equal(payload, pong.Payload);
    }

    [Fact]
    public async Task PingPong_PingOver125Bytes_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Ping, new byte[126]);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task PingPong_FragmentedPing_Closes1002()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Ping, "half"u8, fin: false);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Fact]
    public async Task PingPong_UnsolicitedPong_IsIgnored()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Pong, "unasked"u8);
        await socket.SendTextAsync("after pong");
        await AssertEchoedAsync(socket, Frame.Text, "after pong"u8.ToArray());
    }

    // 3. Reserved bits and opcodes (section 5.2): a bit or opcode no extension gave a meaning fails the connection.
    // permessage-deflate gives RSV1 one (RFC 7692 section 6), never RSV2 or RSV3: the RSV1 cases are in Compression.

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task Reserved_Rsv2OrRsv3Set_Closes1002(int rsv)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Text, "rsv"u8, rsv: rsv, compress: false);
        await AssertClosesWithAsync(socket, 1002);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(0xB)]
    [InlineData(0xC)]
    [InlineData(0xD)]
    [InlineData(0xE)]
    [InlineData(0xF)]
    public async Task Reserved_Opcode_Closes1002(int opcode)
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(opcode, "x"u8);
        await AssertClosesWithAsync(socket, 1002);
    }
}
