using System.Buffers;
using System.Net.WebSockets;
using Velithon.Protocol.Compression;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>
/// The codec against the framework's permessage-deflate (ManagedWebSocket) with the same negotiated options:
/// what the server compresses, a framework client inflates, and what a framework client compresses, the
/// server inflates, frame by frame.
/// </summary>
public class FrameworkInteropTests
{
    [Theory]
    [MemberData(nameof(PerMessageCodecTests.WindowsAndTakeover), MemberType = typeof(PerMessageCodecTests))]
    public async Task ServerMessages_InflatedByFrameworkClient(int windowBits, bool noContextTakeover)
    {
        using var deflater = new PerMessageDeflater(windowBits, noContextTakeover);
        var wire = new MemoryStream();
        var writer = new ArrayBufferWriter<byte>();
        foreach (byte[] message in SampleMessages.Sequence)
        {
            writer.ResetWrittenCount();
            deflater.Compress(message, writer);
            WireFrame.WriteServerFrame(wire, fin: true, rsv1: true, opcode: 0x2, writer.WrittenSpan);
        }

        using var client = System.Net.WebSockets.WebSocket.CreateFromStream(new ScriptedStream(wire.ToArray()), new WebSocketCreationOptions
        {
            IsServer = false,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = new WebSocketDeflateOptions { ServerMaxWindowBits = windowBits, ServerContextTakeover = !noContextTakeover },
        });

        byte[] buffer = new byte[256 * 1024];
        foreach (byte[] message in SampleMessages.Sequence)
        {
            int received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await client.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            Assert.Equal(message, buffer.AsSpan(0, received).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(PerMessageCodecTests.WindowsAndTakeover), MemberType = typeof(PerMessageCodecTests))]
    public async Task FrameworkClientMessages_InflatedByServer(int windowBits, bool noContextTakeover)
    {
        var transport = new ScriptedStream([]);
        using (var client = System.Net.WebSockets.WebSocket.CreateFromStream(transport, new WebSocketCreationOptions
        {
            IsServer = false,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = new WebSocketDeflateOptions { ClientMaxWindowBits = windowBits, ClientContextTakeover = !noContextTakeover },
        }))
        {
            foreach (byte[] message in SampleMessages.Sequence)
            {
                await client.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }

            // One message in three frames: only the first carries RSV1 (RFC 7692 section 6.1).
            byte[] fragmented = [.. SampleMessages.Random64K, .. SampleMessages.Json];
            await client.SendAsync(fragmented.AsMemory(0, 30_000), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
            await client.SendAsync(fragmented.AsMemory(30_000, 30_000), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
            await client.SendAsync(fragmented.AsMemory(60_000), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }

        List<WireFrame> frames = WireFrame.ReadAll(transport.Written.ToArray());
        using var inflater = new PerMessageInflater(windowBits, noContextTakeover);
        var messages = new List<byte[]>();
        byte[]? output = null;
        int length = 0;
        foreach (WireFrame frame in frames)
        {
            Assert.Equal(frame.Opcode != 0x0, frame.Rsv1);
            Assert.Equal(InflateStatus.Ok, inflater.Inflate(frame.Payload, frame.Fin, ref output, ref length, int.MaxValue));
            if (frame.Fin)
            {
                messages.Add(output.AsSpan(0, length).ToArray());
                ArrayPool<byte>.Shared.Return(output!);
                output = null;
                length = 0;
            }
        }

        Assert.Equal([.. SampleMessages.Sequence, [.. SampleMessages.Random64K, .. SampleMessages.Json]], messages);
        Assert.Equal(SampleMessages.Sequence.Count + 3, frames.Count);
    }
}
