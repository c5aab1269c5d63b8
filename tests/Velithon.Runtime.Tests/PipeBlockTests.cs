using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Velithon.Connections;
using Velithon.Protocol;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A frame written straight into the transport's pipe asks the pipe for no more than one of Kestrel's 4 KiB blocks at a
/// time: a larger request is served from <c>ArrayPool.Shared</c>, which with hundreds of connections flushing at once
/// runs dry and allocates per message. Large frames still arrive whole and byte for byte.
/// </summary>
public sealed class PipeBlockTests
{
    // Kestrel's pinned block pool hands out 4 KiB blocks.
    private const int BlockSize = 4096;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(125)]
    [InlineData(4_080)]
    [InlineData(4_096)]
    [InlineData(10_000)]
    [InlineData(70_000)] // a 10-byte header (RFC 6455 section 5.2)
    public async Task Binary_LargerThanABlock_IsWrittenInBlocks(int size)
    {
        byte[] payload = Enumerable.Range(0, size).Select(i => (byte)(i * 13)).ToArray();

        var (opcode, received, largestHint) = await SendAndReadFrameAsync(socket => socket.SendAsync(payload, WebSocketMessageType.Binary, CancellationToken.None));

        Assert.Equal(FrameHeader.Binary, opcode);
        Assert.Equal(payload, received);
        Assert.InRange(largestHint, 0, BlockSize);
    }

    [Theory]
    [InlineData("a", 10_000)]
    [InlineData("é", 3_000)] // 2-byte sequences: 6,000 bytes
    [InlineData("€", 2_000)] // 3-byte sequences, which do not divide a block evenly
    [InlineData("x😀", 1_500)] // surrogate pairs, 4-byte sequences at every offset of a block
    [InlineData("ab\uD800c", 1_200)] // a lone surrogate, sent as U+FFFD
    [InlineData("\uDE00\uD83D", 1_500)] // a lone low surrogate first, pairs across the units, a lone high one last
    [InlineData("z", 126)] // the shortest text with a 4-byte header
    public async Task Text_LargerThanABlock_IsEncodedInBlocks(string unit, int repeat)
    {
        string text = string.Concat(Enumerable.Repeat(unit, repeat));
        int byteCount = 0;

        var (opcode, received, largestHint) = await SendAndReadFrameAsync(socket =>
        {
            var send = socket.SendTextAsync(text, CancellationToken.None, out int count);
            byteCount = count;
            return send;
        });

        Assert.Equal(FrameHeader.Text, opcode);
        Assert.Equal(Encoding.UTF8.GetBytes(text), received);
        Assert.Equal(received.Length, byteCount);
        Assert.InRange(largestHint, 0, BlockSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Frames_InTheLeastRoomAPipeMayGive_ArriveWhole(int largestSpan)
    {
        // A writer may hand out no more than it was asked for (one byte when asked for none): every write must still
        // make progress and split no UTF-8 sequence, and the header's length must be the bytes that follow it.
        byte[] payload = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var (opcode, received, _) = await SendAndReadFrameAsync(socket => socket.SendAsync(payload, WebSocketMessageType.Binary, CancellationToken.None), largestSpan);
        Assert.Equal(FrameHeader.Binary, opcode);
        Assert.Equal(payload, received);

        // 1-, 2-, 3- and 4-byte sequences and a lone surrogate, so a sequence meets the end of the room at every offset.
        string text = string.Concat(Enumerable.Repeat("a\u20ACx\uD83D\uDE00\uD800\u00E9", 500));
        int byteCount = 0;
        (opcode, received, _) = await SendAndReadFrameAsync(
            socket =>
            {
                var send = socket.SendTextAsync(text, CancellationToken.None, out int count);
                byteCount = count;
                return send;
            },
            largestSpan);
        Assert.Equal(FrameHeader.Text, opcode);
        Assert.Equal(Encoding.UTF8.GetBytes(text), received);
        Assert.Equal(received.Length, byteCount);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)] // binary takes any non-empty span, so only text meets a span too short for its next character
    public async Task AFrameCutShortInThePipe_AbortsTheConnection(bool text, bool shortSpans)
    {
        // Part of the frame is in the pipe when the transport fails (or, with short spans, a writer gives less than it
        // was asked for): the next frame would follow a partial one, so the connection must end, not go on.
        var toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var fromPeer = new Pipe();
        var output = new BreakingPipeWriter(toPeer.Writer, breakAfter: 100, shortSpans);
        await using var socket = new FrameWebSocket(Stream.Null, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System), new DuplexPipe(fromPeer.Reader, output));

        // 'x😀' puts a 4-byte sequence where the 3 bytes a short span gives cannot hold it.
        var failure = await Record.ExceptionAsync(() => Task.Run(() => text
            ? socket.SendTextAsync(string.Concat(Enumerable.Repeat("x😀", 2_000)), CancellationToken.None, out _).AsTask()
            : socket.SendAsync(new byte[10_000], WebSocketMessageType.Binary, CancellationToken.None).AsTask()).WaitAsync(Timeout));

        Assert.True(shortSpans ? failure is InvalidOperationException : failure is IOException, $"unexpected: {failure}");
        Assert.Equal(System.Net.WebSockets.WebSocketState.Aborted, socket.State);
        var next = await Assert.ThrowsAsync<WebSocketException>(() => socket.SendAsync(new byte[8], WebSocketMessageType.Binary, CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(WebSocketError.InvalidState, next.WebSocketErrorCode);
    }

    private static async Task<(int Opcode, byte[] Payload, int LargestSizeHint)> SendAndReadFrameAsync(Func<FrameWebSocket, ValueTask> send, int largestSpan = int.MaxValue)
    {
        // No back-pressure: the frame's whole flush completes before it is read back.
        var toPeer = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var fromPeer = new Pipe();
        var output = new SizeHintRecordingPipeWriter(toPeer.Writer, largestSpan);
        await using var socket = new FrameWebSocket(Stream.Null, isServer: true, subProtocol: null, deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System), new DuplexPipe(fromPeer.Reader, output));

        // On the thread pool: a write loop that stopped making progress would spin inside the call, and the timeout
        // turns that into a failure instead of a test run that never ends.
        await Task.Run(() => send(socket).AsTask()).WaitAsync(Timeout);

        Assert.True(toPeer.Reader.TryRead(out var read));
        var frame = read.Buffer.ToArray();
        toPeer.Reader.AdvanceTo(read.Buffer.End);
        return (frame[0] & 0x0F, Payload(frame), output.LargestSizeHint);
    }

    /// <summary>The payload of one whole unmasked frame, after checking FIN and the length the header gives.</summary>
    private static byte[] Payload(byte[] frame)
    {
        Assert.Equal(0x80, frame[0] & 0xF0);
        Assert.Equal(0, frame[1] & 0x80);
        int length = frame[1] & 0x7F;
        (long payloadLength, int headerLength) = length switch
        {
            126 => (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)), 4),
            127 => ((long)BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(2)), 10),
            _ => (length, 2),
        };
        Assert.Equal(frame.Length - headerLength, payloadLength);
        return frame[headerLength..];
    }
}
