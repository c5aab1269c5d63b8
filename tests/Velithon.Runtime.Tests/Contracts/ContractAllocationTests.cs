using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Velithon.Connections;
using Velithon.Hosting;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// The per-message cost of the contract's dispatch loop when handlers complete at once: nothing beyond the payload.
/// A connection over an in-memory transport that holds <c>n</c> client messages and then a close frame runs the whole
/// loop synchronously on the test's thread (receive, envelope, dispatch, deserialize, handler, the reply's send);
/// the bytes of 200 messages less those of 100 are the cost of 100 messages, compared with the connection's bare
/// receive loop plus the payloads and the handlers' own objects.
/// </summary>
public sealed class ContractAllocationTests
{
    private static readonly byte[] MoveJson = """{"type":"move-card","payload":{"cardId":4,"column":"done"}}"""u8.ToArray();

    private static readonly Lazy<VelithonRuntime> Runtime = new(() => new ServiceCollection()
        .AddLogging()
        .AddSingleton<IHostApplicationLifetime, HostLifetime>()
        .AddVelithon().Services
        .BuildServiceProvider()
        .GetRequiredService<VelithonRuntime>());

    [Fact]
    public void Dispatch_OfMessagesWhoseHandlersCompleteAtOnce_AllocatesOnlyThePayloads()
    {
        // Warm up: the JIT, the pools, the thread's JSON writer, the serializer's caches.
        for (int i = 0; i < 2; i++)
        {
            RunConnection(10, contractLoop: false);
            RunConnection(10, contractLoop: true);
        }

        // The connection's own receive, in a bare loop: the floor (nothing in Release; a Debug build's async
        // methods allocate their state machines).
        long receive = RunConnection(200, contractLoop: false) - RunConnection(100, contractLoop: false);
        long dispatch = RunConnection(200, contractLoop: true) - RunConnection(100, contractLoop: true);

        // What deserializing the payload allocates (the MoveCard and its string), and the handler's own CardMoved.
        var payload = MoveJson.AsSpan(MoveJson.AsSpan().IndexOf("{\"cardId"u8));
        payload = payload[..(payload.LastIndexOf((byte)'}'))];
        JsonSerializer.Deserialize(payload, BoardTestJson.Default.MoveCard);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            GC.KeepAlive(JsonSerializer.Deserialize(payload, BoardTestJson.Default.MoveCard));
            GC.KeepAlive(new CardMoved(4, "done"));
        }

        long payloadsAndHandlers = GC.GetAllocatedBytesForCurrentThread() - before;

        // Envelope, dispatch, the reply's envelope and its send add nothing.
        Assert.True(payloadsAndHandlers > 0);
        Assert.Equal(receive + payloadsAndHandlers, dispatch);
    }

    /// <summary>Runs one connection through <paramref name="messages"/> messages and the client's close; returns the bytes it allocated.</summary>
    private static long RunConnection(int messages, bool contractLoop)
    {
        var frame = ClientFrame(0x1, MoveJson);
        var script = new byte[(frame.Length * messages) + 8];
        for (int i = 0; i < messages; i++)
        {
            frame.CopyTo(script, i * frame.Length);
        }

        // A masked close frame with code 1000 (RFC 6455 section 5.5.1).
        ClientFrame(0x8, [0x03, 0xE8]).CopyTo(script, frame.Length * messages);
        var context = new DefaultHttpContext();
        context.Request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(new ScriptedStream(script)));
        var connection = new ServerWebSocket(context, Runtime.Value);
        connection.AcceptAsync().GetAwaiter().GetResult();
        var socket = new TestBoardSocket(connection, BoardRoute.DispatchDelegate);

        // The first receive and the close are each connection's, the same for every count: they cancel out.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var loop = contractLoop ? socket.DispatchMessagesAsync() : ReceiveAllAsync(connection);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(loop.IsCompletedSuccessfully, "The loop ran synchronously to the client's close.");
        Assert.Equal(WebSocketCloseCode.NormalClosure, connection.CloseCode);
        connection.CompleteAsync().GetAwaiter().GetResult();
        return allocated;
    }

    /// <summary>The connection's receive alone, until the close.</summary>
    private static async Task ReceiveAllAsync(ServerWebSocket connection)
    {
        while ((await connection.ReceiveOrDisconnectAsync()).Kind != 0)
        {
        }
    }

    /// <summary>A masked client frame (RFC 6455 section 5.3) carrying <paramref name="payload"/> (under 126 bytes).</summary>
    private static byte[] ClientFrame(int opcode, byte[] payload)
    {
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(2), 0x01020304);
        for (int i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ frame[2 + (i % 4)]);
        }

        return frame;
    }

    private sealed class HostLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    private sealed class UpgradeFeature(Stream transport) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult(transport);
    }

    /// <summary>Reads the script, then end of stream; discards writes. Both complete synchronously.</summary>
    private sealed class ScriptedStream(byte[] script) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, script.Length - _position);
            script.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
