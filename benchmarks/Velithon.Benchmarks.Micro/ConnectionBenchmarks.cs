using Microsoft.Extensions.DependencyInjection;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Velithon.Connections;
using Velithon.Hosting;
using Velithon.Protocol;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// The connection's per-message calls over an in-memory transport that always has the next client frame
/// ready and swallows what the server writes, so each call completes synchronously and only CPU work is
/// measured. The connections are accepted as on Kestrel, through the upgrade feature, so they run on
/// Velithon's own framing; the framework's WebSocket alone, as the hand-written baseline uses it, is the
/// reference row. Allocated bytes per operation should be the payload the caller asked for: nothing for
/// bytes, the string for text, the object for JSON.
/// </summary>
[MemoryDiagnoser]
public class ConnectionBenchmarks
{
    private static readonly byte[] Bytes32 = new byte[32];
    private static readonly string Text32 = new('v', 32);
    private static readonly byte[] Utf8Text32 = Encoding.UTF8.GetBytes(Text32);
    private static readonly Move Message = new(3, 4);
    private ServerWebSocket _binary = null!;
    private ServerWebSocket _text = null!;
    private ServerWebSocket _json = null!;
    private ServerWebSocket _relay = null!;
    private System.Net.WebSockets.WebSocket _raw = null!;
    private FrameWebSocket _frames = null!;
    private FrameWebSocket _pipeFrames = null!;
    private Pipe _pipeInput = null!;
    private Pipe _pipeOutput = null!;
    private byte[] _binaryFrame = null!;
    private readonly byte[] _rawBuffer = new byte[4096];

    [GlobalSetup]
    public void Setup()
    {
        _binary = Connect(ClientFrame(0x2, Bytes32));
        _text = Connect(ClientFrame(0x1, Encoding.UTF8.GetBytes(Text32)));
        _json = Connect(ClientFrame(0x1, """{"x":3,"y":4}"""u8.ToArray()));
        _relay = Connect(ClientFrame(0x1, Encoding.UTF8.GetBytes(Text32)));
        _raw = System.Net.WebSockets.WebSocket.CreateFromStream(
            new LoopingStream(ClientFrame(0x2, Bytes32)), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _frames = new FrameWebSocket(new LoopingStream(ClientFrame(0x2, Bytes32)), isServer: true, subProtocol: null, deflate: null, abortTransport: null, Runtime.Value.Clock);

        // Kestrel's HTTP/1.1 upgrade: the socket reads and writes the connection's pipes (inline schedulers here, so
        // every call completes synchronously).
        var inline = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        _pipeInput = new Pipe(inline);
        _pipeOutput = new Pipe(inline);
        _binaryFrame = ClientFrame(0x2, Bytes32);
        _pipeFrames = new FrameWebSocket(
            Stream.Null, isServer: true, subProtocol: null, deflate: null, abortTransport: null, Runtime.Value.Clock, new DuplexPipe(_pipeInput.Reader, _pipeOutput.Writer));
    }

    // The framework's WebSocket alone, as the hand-written baseline uses it: the floor under the figures below.
    [Benchmark(Baseline = true)]
    public async ValueTask<int> RawReceiveBytes() => (await _raw.ReceiveAsync(_rawBuffer.AsMemory(), CancellationToken.None)).Count;

    // The same with a zero-byte read first, as Velithon does so an idle connection holds no buffer.
    [Benchmark]
    public async ValueTask<int> RawReceiveBytesAfterZeroByteRead()
    {
        await _raw.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
        return (await _raw.ReceiveAsync(_rawBuffer.AsMemory(), CancellationToken.None)).Count;
    }

    [Benchmark]
    public ValueTask RawSendBytes() => _raw.SendAsync(Bytes32.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    // Velithon's own framing alone, under the connection rows below.
    [Benchmark]
    public async ValueTask<int> FramesReceiveBytes() => (await _frames.ReceiveMessageAsync(int.MaxValue, callerDecodesText: false, CancellationToken.None)).Payload.Length;

    [Benchmark]
    public ValueTask FramesSendBytes() => _frames.SendAsync(Bytes32.AsMemory(), WebSocketMessageType.Binary, CancellationToken.None);

    // The same over the connection's pipes, as on Kestrel: the client's frame written to the input pipe, received, echoed
    // straight into the output pipe, and drained from it.
    [Benchmark]
    public async ValueTask<int> FramesEchoBytesOverPipes()
    {
        await _pipeInput.Writer.WriteAsync(_binaryFrame);
        var message = await _pipeFrames.ReceiveMessageAsync(int.MaxValue, callerDecodesText: false, CancellationToken.None);
        await _pipeFrames.SendAsync(message.Payload, WebSocketMessageType.Binary, CancellationToken.None);
        var written = await _pipeOutput.Reader.ReadAsync();
        _pipeOutput.Reader.AdvanceTo(written.Buffer.End);
        return message.Payload.Length;
    }

    [Benchmark]
    public async ValueTask<int> ReceiveBytes() => (await _binary.ReceiveAsync()).Data.Length;

    [Benchmark]
    public async ValueTask<int> ReceiveText() => (await _text.ReceiveTextAsync()).Length;

    [Benchmark]
    public async ValueTask<int> ReceiveJson() => (await _json.ReceiveJsonAsync(MicroJsonContext.Default.Move))!.X;

    [Benchmark]
    public ValueTask SendBytes() => _binary.SendBytesAsync(Bytes32);

    [Benchmark]
    public ValueTask SendText() => _text.SendTextAsync(Text32);

    [Benchmark]
    public ValueTask SendUtf8Text() => _text.SendTextAsync(Utf8Text32.AsMemory());

    [Benchmark]
    public ValueTask RelayText() => _text.SendAsync(new WebSocketMessage(WebSocketMessageKind.Text, Utf8Text32));

    // A relay as a user writes it: the received text message sent on as it came (its UTF-8 checked once, on receipt).
    [Benchmark]
    public async ValueTask EchoReceivedText()
    {
        var message = await _relay.ReceiveAsync();
        await _relay.SendAsync(message);
    }

    [Benchmark]
    public ValueTask SendJson() => _json.SendJsonAsync(Message, MicroJsonContext.Default.Move);

    // Without a JsonTypeInfo: the metadata comes from the app's HTTP JSON options (here reflection-based, as in an
    // app that is not trimmed), looked up in their cache per call; it should allocate what the rows above do.
    [Benchmark]
    public async ValueTask<int> ReceiveJsonWithAppOptions() => (await _json.ReceiveJsonAsync<Move>())!.X;

    [Benchmark]
    public ValueTask SendJsonWithAppOptions() => _json.SendJsonAsync(Message);

    // The runtime as AddVelithon registers it, with the hub, metrics and default options.
    internal static readonly Lazy<VelithonRuntime> Runtime = new(() => new ServiceCollection()
        .AddLogging()
        .AddSingleton<IHostApplicationLifetime, HostLifetime>()
        .AddVelithon().Services
        .BuildServiceProvider()
        .GetRequiredService<VelithonRuntime>());

    /// <summary>Accepts a connection whose client sends <paramref name="frame"/> forever, as the user <paramref name="userId"/> when given.</summary>
    internal static ServerWebSocket Connect(byte[] frame, string? userId = null)
    {
        var context = new DefaultHttpContext();
        if (userId is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "Benchmark"));
        }

        context.Request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        context.Features.Set<IHttpUpgradeFeature>(new InMemoryUpgradeFeature(new LoopingStream(frame)));
        var socket = new ServerWebSocket(context, Runtime.Value);
        socket.AcceptAsync().GetAwaiter().GetResult();
        return socket;
    }

    /// <summary>A masked client frame (RFC 6455 section 5.3) carrying <paramref name="payload"/>.</summary>
    internal static byte[] ClientFrame(int opcode, byte[] payload)
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

    /// <summary>An upgradable request whose upgraded stream is <paramref name="transport"/>, as Kestrel's would be.</summary>
    private sealed class InMemoryUpgradeFeature(Stream transport) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => Task.FromResult(transport);
    }

    /// <summary>Reads the same client frame forever; discards writes. Both complete synchronously.</summary>
    internal sealed class LoopingStream(byte[] frame) : Stream
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

        // The base class would flush on the thread pool, which is not what a socket stream does.
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, frame.Length - _position);
            frame.AsSpan(_position, count).CopyTo(buffer);
            _position = (_position + count) % frame.Length;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
