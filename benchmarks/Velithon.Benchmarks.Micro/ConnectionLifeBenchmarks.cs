using System.IO;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Velithon.Connections;
using Velithon.Groups;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// A connection's life outside its messages, in memory: a handshake through a route's request delegate, to a handler
/// whose client closes at once (RFC 6455 section 7.1.2), the way <c>benchmarks/native.sh callgrind --handshakes</c>
/// drives Kestrel; and its parts: the accept and the end (registry entry, user id, metrics), the exception a receive
/// loop ends with, and a connection id looked up in the hub's registry. Per connection, not per message.
/// </summary>
[MemoryDiagnoser]
public class ConnectionLifeBenchmarks
{
    // The client's close frame, code 1000, masked as a client's is.
    private static readonly byte[] CloseFrame = ConnectionBenchmarks.ClientFrame(0x8, [0x03, 0xE8]);

    private RequestDelegate _whileTrue = null!;
    private RequestDelegate _foreach = null!;
    private WebSocketHub _hub = null!;
    private string _connectionId = null!;

    [GlobalSetup]
    public void Setup()
    {
        var runtime = ConnectionBenchmarks.Runtime.Value;

        // The subject's /echo and /echo-foreach, as a user writes them.
        _whileTrue = new WebSocketSession(runtime, "Echo.Handle", static async ws =>
        {
            while (true)
            {
                var message = await ws.ReceiveAsync();
                await ws.SendAsync(message);
            }
        }).CreateRequestDelegate();
        _foreach = new WebSocketSession(runtime, "Echo.HandleAsLoop", static async ws =>
        {
            await foreach (var message in ws.ReceiveMessagesAsync())
            {
                await ws.SendAsync(message);
            }
        }).CreateRequestDelegate();

        _hub = runtime.Hub;
        var open = ConnectionBenchmarks.Connect(CloseFrame);
        _connectionId = open.ConnectionId;
    }

    // The handler's receive ends with WebSocketDisconnectException when the client closes: one throw.
    [Benchmark(Baseline = true)]
    public Task HandshakeReceiveLoopEndsWithException() => _whileTrue(Handshake());

    // The same echo as an await foreach loop: it ends without an exception.
    [Benchmark]
    public Task HandshakeReceiveLoopEndsWithoutException() => _foreach(Handshake());

    // Accept and end without a handler: the user id, the registry entry and the metrics, then the close handshake.
    [Benchmark]
    public Task AcceptAndComplete() => ConnectionBenchmarks.Connect(CloseFrame).CompleteAsync();

    // What every connection's end builds, read or not: the message is written only if it is read.
    [Benchmark]
    public Exception DisconnectException() => new WebSocketDisconnectException(WebSocketCloseCode.NormalClosure, string.Empty);

    [Benchmark]
    public string DisconnectExceptionMessage() => new WebSocketDisconnectException(WebSocketCloseCode.NormalClosure, string.Empty).Message;

    // A message to one connection by id (IWebSocketHub.Connection, the backplane's server topic): parsed, then looked up.
    [Benchmark]
    public bool LookUpConnectionById() => _hub.TryGetLocalConnection(_connectionId, out _);

    /// <summary>An HTTP/1.1 handshake request whose upgraded stream carries the client's close frame and nothing else.</summary>
    private static DefaultHttpContext Handshake()
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "GET";
        request.Headers.Upgrade = "websocket";
        request.Headers.Connection = "Upgrade";
        request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        request.Headers.SecWebSocketVersion = "13";
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeToStream(new MemoryStream(CloseFrame, writable: false)));
        return context;
    }

    /// <summary>An upgradable request whose upgraded stream is <paramref name="transport"/>; the server's writes go nowhere.</summary>
    private sealed class UpgradeToStream(MemoryStream transport) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult<Stream>(new ReadOnlyDuplex(transport));
    }

    /// <summary>Reads the client's bytes, then the end of the stream; accepts and discards the server's writes.</summary>
    private sealed class ReadOnlyDuplex(MemoryStream input) : Stream
    {
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

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(input.Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
