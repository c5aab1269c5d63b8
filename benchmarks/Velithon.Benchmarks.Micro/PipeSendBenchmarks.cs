using System.IO.Pipelines;
using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Velithon.Protocol;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// One server frame written straight into an output pipe on 4 KiB blocks, as on Kestrel's HTTP/1.1 upgrade, and drained:
/// binary copied and text encoded into the pipe's blocks. A frame larger than a block is written block by block, so the
/// pipe never turns to <c>ArrayPool.Shared</c>; allocated bytes per operation should be none, the text's string being
/// made once.
/// </summary>
[MemoryDiagnoser]
public class PipeSendBenchmarks
{
    private FrameWebSocket _socket = null!;
    private Pipe _output = null!;
    private byte[] _bytes = null!;
    private string _text = null!;

    /// <summary>The payload's length in bytes (text: ASCII, so as many characters).</summary>
    [Params(32, 4096, 16384)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var inline = new PipeOptions(new BlockMemoryPool(), PipeScheduler.Inline, PipeScheduler.Inline, useSynchronizationContext: false);
        _output = new Pipe(inline);
        var input = new Pipe(inline);
        _socket = new FrameWebSocket(
            Stream.Null, isServer: true, subProtocol: null, deflate: null, abortTransport: null, ConnectionBenchmarks.Runtime.Value.Clock, new DuplexPipe(input.Reader, _output.Writer));
        _bytes = new byte[Size];
        _text = new string('v', Size);
    }

    [Benchmark]
    public async ValueTask<long> SendBytes()
    {
        await _socket.SendAsync(_bytes, WebSocketMessageType.Binary, CancellationToken.None);
        return Drain();
    }

    [Benchmark]
    public async ValueTask<long> SendText()
    {
        await _socket.SendTextAsync(_text, CancellationToken.None, out _);
        return Drain();
    }

    private long Drain()
    {
        _output.Reader.TryRead(out var written);
        long length = written.Buffer.Length;
        _output.Reader.AdvanceTo(written.Buffer.End);
        return length;
    }
}
