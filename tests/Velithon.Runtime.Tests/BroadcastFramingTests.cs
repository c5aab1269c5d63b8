using System.Text;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A broadcast's frame is built once and written as it is to every member without permessage-deflate; a member
/// that negotiated it gets the message compressed with its own context (RFC 7692 section 7.1.1). Read with the raw
/// client, which shows each frame's header bits as they came off the wire.
/// </summary>
public sealed class BroadcastFramingTests
{
    // Header lengths 2, 4 and 10 (RFC 6455 section 5.2: 7-bit, 16-bit and 64-bit payload lengths), each sent twice so
    // the compressed member's second copy refers back into its window.
    public static TheoryData<int> Sizes => new() { 0, 5, 125, 126, 300, 65_535, 65_536, 70_000 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Broadcast_ToPlainAndCompressedMembers_EachGetsAFrameItCanRead(int size)
    {
        await using var server = await TestServer.StartAsync();
        await using var plain = await RawWebSocket.ConnectAsync(server.Http1Base, "/rooms/framing");
        Assert.Equal("joined", Encoding.UTF8.GetString((await plain.ReadFrameAsync())!.Payload));
        await using var compressed = await RawWebSocket.ConnectAsync(server.Http1Base, "/compressed/echo", 1, "Sec-WebSocket-Extensions: permessage-deflate");
        Assert.True(compressed.DeflateNegotiated, compressed.HandshakeResponse);
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 2);

        string text = string.Concat(Enumerable.Repeat("broadcast ", size / 10 + 1))[..size];
        byte[] bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        for (int round = 0; round < 2; round++)
        {
            Assert.Equal(2, await server.Hub.All.SendTextAsync(text));
            Assert.Equal(2, await server.Hub.All.SendBytesAsync(bytes));
            foreach (var (opcode, payload) in new[] { (Frame.Text, Encoding.UTF8.GetBytes(text)), (Frame.Binary, bytes) })
            {
                var shared = (await plain.ReadFrameAsync())!;
                Assert.Equal((true, 0, opcode, false), (shared.Fin, shared.Rsv, shared.Opcode, shared.Inflated));
                Assert.Equal(payload, shared.Payload);

                var own = (await compressed.ReadFrameAsync())!;
                Assert.Equal((true, 0, opcode, true), (own.Fin, own.Rsv, own.Opcode, own.Inflated));
                Assert.Equal(payload, own.Payload);
            }
        }
    }
}
