using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Velithon.Benchmarks.Tests;

/// <summary>
/// The idle-connection client's reading of the server (RFC 6455 frames split anywhere, long data frames, close frames)
/// and its record of why a connection ended, on a real socket pair on 127.0.0.1: the test plays the server.
/// </summary>
public sealed class IdleConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private Socket _client = null!;
    private Socket _server = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await _client.ConnectAsync(listener.LocalEndPoint!);
        _server = await accept.WaitAsync(Generous);
        _server.NoDelay = true;
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Process_PingSplitAtEveryByte_AnswersEachPingOnceWhenWhole()
    {
        var connection = new IdleConnection(_client, 7);
        byte[] ping = ServerFrame(RawWebSocket.OpPing, "keep-alive"u8);
        for (int split = 1; split < ping.Length; split++)
        {
            Assert.Null(connection.Process(ping.AsSpan(0, split)));
            Assert.Null(connection.Process(ping.AsSpan(split)));
            var (opcode, payload) = await ReadClientFrameAsync();
            Assert.Equal(RawWebSocket.OpPong, opcode);
            Assert.Equal("keep-alive", Encoding.ASCII.GetString(payload));
        }

        // One pong per ping: the next frame from the client answers the next ping, not a repeat of an earlier one.
        Assert.Null(connection.Process(ServerFrame(RawWebSocket.OpPing, "last"u8)));
        Assert.Equal("last", Encoding.ASCII.GetString((await ReadClientFrameAsync()).Payload));
    }

    [Fact]
    public void Process_OwnPongInThreePieces_AnsweredOnlyOnceWhole()
    {
        var connection = new IdleConnection(_client, 0x01020304);
        byte[] pong = ServerFrame(RawWebSocket.OpPong, [1, 2, 3, 4]);

        Assert.Null(connection.Process(pong.AsSpan(0, 1)));
        Assert.Null(connection.Process(pong.AsSpan(1, 3)));
        Assert.False(connection.Answered);
        Assert.Null(connection.Process(pong.AsSpan(4)));
        Assert.True(connection.Answered);
    }

    [Fact]
    public void Process_PongWithAnotherIndex_NotAnswered()
    {
        var connection = new IdleConnection(_client, 5);

        Assert.Null(connection.Process(ServerFrame(RawWebSocket.OpPong, [0, 0, 0, 6])));
        Assert.False(connection.Answered);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(70_000)]
    public void Process_DataFrameLongerThanAReadInPieces_SkippedAndTheFramesAfterItRead(int length)
    {
        var connection = new IdleConnection(_client, 9);
        byte[] stream = [.. ServerFrame(RawWebSocket.OpBinary, new byte[length]), .. ServerFrame(RawWebSocket.OpPong, [0, 0, 0, 9])];

        for (int at = 0; at < stream.Length; at += 200)
        {
            Assert.Null(connection.Process(stream.AsSpan(at, Math.Min(200, stream.Length - at))));
        }

        Assert.True(connection.Answered);
    }

    [Fact]
    public async Task Process_CloseFrameWithReasonSplit_RecordsCodeAndReasonAndSendsTheCodeBack()
    {
        var connection = new IdleConnection(_client, 1);
        byte[] close = ServerFrame(RawWebSocket.OpClose, [0x03, 0xE9, .. "Idle timeout"u8]);

        Assert.Null(connection.Process(close.AsSpan(0, 5)));
        var end = connection.Process(close.AsSpan(5));

        Assert.NotNull(end);
        Assert.Equal(ConnectionEndKind.Close, end.Kind);
        Assert.Equal("1001 Idle timeout", end.Detail);
        Assert.False(end.AfterPong);
        var (opcode, payload) = await ReadClientFrameAsync();
        Assert.Equal(RawWebSocket.OpClose, opcode);
        Assert.Equal([0x03, 0xE9], payload);
    }

    [Fact]
    public void Process_PongThenCloseWithoutBodyInOneRead_EndedAfterPongWith1005()
    {
        var connection = new IdleConnection(_client, 2);

        var end = connection.Process([.. ServerFrame(RawWebSocket.OpPong, [0, 0, 0, 2]), .. ServerFrame(RawWebSocket.OpClose, [])]);

        Assert.NotNull(end);
        Assert.Equal(ConnectionEndKind.Close, end.Kind);
        Assert.Equal("1005", end.Detail);
        Assert.True(end.AfterPong);
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x80, 1, 2, 3, 4 }, "masked frame")]
    [InlineData(new byte[] { 0x09, 0x00 }, "fragmented or long control frame")]
    [InlineData(new byte[] { 0x89, 126, 0, 126 }, "fragmented or long control frame")]
    [InlineData(new byte[] { 0x8B, 0x00 }, "reserved opcode B")]
    [InlineData(new byte[] { 0x88, 0x01, 0x03 }, "close frame of 1 byte")]
    public void Process_FrameNoServerMaySend_ProtocolError(byte[] frame, string detail)
    {
        var connection = new IdleConnection(_client, 3);

        var end = connection.Process(frame);

        Assert.NotNull(end);
        Assert.Equal(ConnectionEndKind.ProtocolError, end.Kind);
        Assert.Equal(detail, end.Detail);
    }

    [Fact]
    public async Task ListenAsync_ServerEndsTcpWithoutCloseFrame_EndOfStreamRecordedAndSocketClosed()
    {
        var connection = new IdleConnection(_client, 4);
        var listening = connection.ListenAsync();

        _server.Shutdown(SocketShutdown.Send);
        await listening.WaitAsync(Generous);

        Assert.Equal(ConnectionEndKind.EndOfStream, connection.End?.Kind);
        Assert.False(connection.End!.AfterPong);
        Assert.Equal(0, await _server.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Generous));
    }

    [Fact]
    public async Task ListenAsync_ServerResetsTheConnection_ResetRecordedWithTheSocketError()
    {
        var connection = new IdleConnection(_client, 4);
        var listening = connection.ListenAsync();

        // A close with a zero linger time sends RST (as a close with unread data in the receive buffer does).
        _server.LingerState = new LingerOption(true, 0);
        _server.Close();
        await listening.WaitAsync(Generous);

        Assert.Equal(ConnectionEndKind.Reset, connection.End?.Kind);
        Assert.Equal(nameof(SocketError.ConnectionReset), connection.End!.Detail);
    }

    [Fact]
    public async Task ListenAsync_PingsAndOwnPongThenCloseFrame_AnswersThenRecordsTheCloseAfterThePong()
    {
        var connection = new IdleConnection(_client, 11);
        var listening = connection.ListenAsync();

        await _server.SendAsync(ServerFrame(RawWebSocket.OpPing, "a"u8));
        Assert.Equal("a", Encoding.ASCII.GetString((await ReadClientFrameAsync()).Payload));
        connection.SendPing();
        var (opcode, payload) = await ReadClientFrameAsync();
        Assert.Equal(RawWebSocket.OpPing, opcode);
        byte[] pongThenClose = [.. ServerFrame(RawWebSocket.OpPong, payload), .. ServerFrame(RawWebSocket.OpClose, [0x03, 0xF3, .. "Internal"u8])];
        await _server.SendAsync(pongThenClose);
        await listening.WaitAsync(Generous);

        Assert.True(connection.Answered);
        Assert.Equal(new ConnectionEnd(ConnectionEndKind.Close, "1011 Internal", connection.End!.AtUnixMilliseconds, AfterPong: true), connection.End);
    }

    [Fact]
    public async Task ListenAsync_ClientClosesTheConnection_NoEndRecorded()
    {
        var connection = new IdleConnection(_client, 12);
        var listening = connection.ListenAsync();

        connection.Close();
        await listening.WaitAsync(Generous);

        Assert.Null(connection.End);
    }

    /// <summary>An unmasked, final server frame (RFC 6455 section 5.2), its length in 7, 16 or 64 bits.</summary>
    private static byte[] ServerFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        int header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        byte[] frame = new byte[header + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (header == 2)
        {
            frame[1] = (byte)payload.Length;
        }
        else if (header == 4)
        {
            frame[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }

        payload.CopyTo(frame.AsSpan(header));
        return frame;
    }

    /// <summary>Reads one short masked frame the client sent and returns its opcode and unmasked payload.</summary>
    private async Task<(byte Opcode, byte[] Payload)> ReadClientFrameAsync()
    {
        byte[] head = await ReadExactlyAsync(6);
        Assert.Equal(0x80, head[1] & 0x80);
        byte[] payload = await ReadExactlyAsync(head[1] & 0x7F);
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] ^= head[2 + (i & 3)];
        }

        return ((byte)(head[0] & 0x0F), payload);
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        byte[] bytes = new byte[count];
        for (int read = 0; read < count;)
        {
            int got = await _server.ReceiveAsync(bytes.AsMemory(read)).AsTask().WaitAsync(Generous);
            Assert.NotEqual(0, got);
            read += got;
        }

        return bytes;
    }
}
