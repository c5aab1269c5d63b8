using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

public abstract partial class ConformanceTests
{
    // 7. Limits: a message over VelithonOptions.MaxMessageSize closes with 1009 (section 7.4.1).

    [Fact]
    public async Task Limits_OneFrameOverTheLimit_Closes1009()
    {
        await using var socket = await ConnectAsync();
        await socket.SendFrameAsync(Frame.Binary, new byte[TestServer.MaxMessageSize + 1]);
        await AssertClosesWithAsync(socket, 1009);
    }

    [Fact]
    public async Task Limits_FragmentsSummingOverTheLimit_Close1009()
    {
        await using var socket = await ConnectAsync();
        int half = TestServer.MaxMessageSize / 2;
        await socket.SendFrameAsync(Frame.Text, new byte[half].Select(_ => (byte)'a').ToArray(), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, new byte[half].Select(_ => (byte)'b').ToArray(), fin: false);
        await socket.SendFrameAsync(Frame.Continuation, "c"u8, fin: true);
        await AssertClosesWithAsync(socket, 1009);
    }

    [Theory]
    [InlineData(Frame.Binary)]
    [InlineData(Frame.Continuation)]
    public async Task Limits_FrameClaimingATerabyte_Closes1009WithoutWaitingForIt(int opcode)
    {
        await using var socket = await ConnectAsync();
        if (opcode == Frame.Continuation)
        {
            await socket.SendFrameAsync(Frame.Binary, new byte[] { 1, 2, 3 }, fin: false);
        }

        // A header announcing 2^40 bytes (64-bit length, masked), then nothing more.
        byte[] header = [(byte)(0x80 | opcode), 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        await socket.SendRawAsync(header);
        await AssertClosesWithAsync(socket, 1009);
    }

    // 8. How frames arrive: a frame split across TCP segments, several frames in one segment.

    [Theory]
    [InlineData(40)]
    [InlineData(250)]
    [InlineData(251)]
    [InlineData(300)]
    [InlineData(TestServer.MaxMessageSize)]
    public async Task Transport_FrameArrivingInSmallPieces_IsEchoed(int length)
    {
        await using var socket = await ConnectAsync();
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] frame = socket.EncodeFrame(Frame.Binary, payload);

        // One byte at a time for the header and small payloads; larger pieces past that, to stay quick.
        int offset = 0;
        while (offset < frame.Length)
        {
            int piece = offset < 16 || length < 1000 ? 1 : 4093;
            int count = Math.Min(piece, frame.Length - offset);
            await socket.SendRawAsync(frame.AsSpan(offset, count).ToArray());
            offset += count;
        }

        var echoed = await socket.ReadFrameAsync();
        Assert.Equal(Frame.Binary, echoed!.Opcode);
        Assert.Equal(payload, echoed.Payload);
    }

    [Fact]
    public async Task Transport_SeveralFramesInOneSegment_AreHandledInOrder()
    {
        await using var socket = await ConnectAsync();
        string longText = new('x', 300);
        byte[] bytes =
        [
            .. socket.EncodeFrame(Frame.Text, "first"u8),
            .. socket.EncodeFrame(Frame.Ping, "p"u8),
            .. socket.EncodeFrame(Frame.Binary, new byte[] { 1, 2, 3 }),
            .. socket.EncodeFrame(Frame.Text, Encoding.UTF8.GetBytes(longText)),
            .. socket.EncodeFrame(Frame.Text, "sp"u8, fin: false),
            .. socket.EncodeFrame(Frame.Continuation, "lit"u8),
            .. socket.EncodeFrame(Frame.Text, "last"u8),
        ];
        await socket.SendRawAsync(bytes);

        var frames = new List<(int Opcode, string Payload)>();
        for (int i = 0; i < 6; i++)
        {
            var frame = await socket.ReadFrameAsync();
            frames.Add((frame!.Opcode, Encoding.UTF8.GetString(frame.Payload)));
        }

        Assert.Equal(
            [(Frame.Text, "first"), (Frame.Pong, "p"), (Frame.Binary, "\u0001\u0002\u0003"), (Frame.Text, longText), (Frame.Text, "split"), (Frame.Text, "last")],
            frames);
    }
}
