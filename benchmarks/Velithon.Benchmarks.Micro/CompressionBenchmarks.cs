using System.Buffers;
using System.IO.Compression;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Velithon.Protocol.Compression;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// One permessage-deflate message compressed and inflated again (window 15, context takeover), three ways:
/// Velithon's codec on the runtime's native zlib; the same work with <see cref="DeflateStream"/> (which on
/// .NET 10 cannot choose a window, so it could only serve window 15); and, as the baseline, the framework's
/// WebSocket sending to another over an in-memory loopback stream, which adds its framing to the same work.
/// </summary>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    private readonly ArrayBufferWriter<byte> _compressed = new(64 * 1024);
    private readonly byte[] _received = new byte[64 * 1024];
    private byte[] _message = null!;
    private PerMessageDeflater _deflater = null!;
    private PerMessageInflater _inflater = null!;
    private MessageCompression _serverSide = null!;
    private MessageCompression _clientSide = null!;
    private MemoryStream _streamCompressed = null!;
    private DeflateStream _streamDeflater = null!;
    private FeedStream _feed = null!;
    private DeflateStream _streamInflater = null!;
    private System.Net.WebSockets.WebSocket _sender = null!;
    private System.Net.WebSockets.WebSocket _receiver = null!;

    /// <summary>The message: JSON-like text of this many bytes.</summary>
    [Params(32, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var json = new StringBuilder("[");
        for (int i = 0; json.Length < Size; i++)
        {
            json.Append($"{{\"id\":{i},\"type\":\"move\",\"room\":\"lobby\",\"x\":{i * 3},\"y\":{i * 7}}},");
        }

        _message = Encoding.UTF8.GetBytes(json.ToString(0, Size));
        _deflater = new PerMessageDeflater(15, noContextTakeover: false);
        _inflater = new PerMessageInflater(15, noContextTakeover: false);
        var parameters = new PerMessageDeflateParameters(15, 15, ServerNoContextTakeover: false, ClientNoContextTakeover: false);
        _serverSide = new MessageCompression(parameters, isServer: true);
        _clientSide = new MessageCompression(parameters, isServer: false);
        _streamCompressed = new MemoryStream(64 * 1024);
        _streamDeflater = new DeflateStream(_streamCompressed, CompressionLevel.Optimal, leaveOpen: true);
        _feed = new FeedStream();
        _streamInflater = new DeflateStream(_feed, CompressionMode.Decompress);

        var loopback = new LoopbackStream();
        var deflate = new WebSocketDeflateOptions { ServerMaxWindowBits = 15, ClientMaxWindowBits = 15 };
        _sender = System.Net.WebSockets.WebSocket.CreateFromStream(loopback, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = deflate });
        _receiver = System.Net.WebSockets.WebSocket.CreateFromStream(loopback, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = deflate });

        // Each way must give the message back, or its figure means nothing.
        for (int i = 0; i < 3; i++)
        {
            Check(Velithon());
            Check(VelithonConnection());
            Check(SystemDeflateStream());
            Check(FrameworkWebSocket().AsTask().GetAwaiter().GetResult());
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _deflater.Dispose();
        _inflater.Dispose();
        _serverSide.Dispose();
        _clientSide.Dispose();
        _streamDeflater.Dispose();
        _streamInflater.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<int> FrameworkWebSocket()
    {
        await _sender.SendAsync(_message.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        int received = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _receiver.ReceiveAsync(_received.AsMemory(received), CancellationToken.None);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        return received;
    }

    [Benchmark]
    public int Velithon()
    {
        _compressed.ResetWrittenCount();
        _deflater.Compress(_message, _compressed);
        byte[]? output = null;
        int length = 0;
        _inflater.Inflate(_compressed.WrittenSpan, endOfMessage: true, ref output, ref length, int.MaxValue);
        output.AsSpan(0, length).CopyTo(_received);
        ArrayPool<byte>.Shared.Return(output!);
        return length;
    }

    /// <summary>
    /// What a connection does: the sender compresses straight into a frame's pooled array (after room for the
    /// header), the receiver inflates the frame's payload with the marker appended and takes the message.
    /// </summary>
    [Benchmark]
    public int VelithonConnection()
    {
        const int HeaderRoom = 14;
        byte[] frame = _serverSide.Deflate(_message, HeaderRoom, out int compressed);
        _clientSide.Inflate(frame.AsSpan(HeaderRoom, compressed), endOfMessage: true, int.MaxValue);
        ArrayPool<byte>.Shared.Return(frame);
        var (message, length) = _clientSide.TakeInflated();
        message.AsSpan(0, length).CopyTo(_received);
        ArrayPool<byte>.Shared.Return(message);
        return length;
    }

    [Benchmark]
    public int SystemDeflateStream()
    {
        _streamCompressed.SetLength(0);
        _streamDeflater.Write(_message);
        _streamDeflater.Flush();

        // Flush is zlib's sync flush: the message ends with 00 00 FF FF, which the receiver's flush gives back.
        _feed.Set(_streamCompressed.GetBuffer().AsMemory(0, (int)_streamCompressed.Length));
        int length = 0;
        int read;
        while ((read = _streamInflater.Read(_received.AsSpan(length))) > 0)
        {
            length += read;
        }

        return length;
    }

    private void Check(int length)
    {
        if (!_received.AsSpan(0, length).SequenceEqual(_message))
        {
            throw new InvalidOperationException("A codec did not give the message back.");
        }
    }

    /// <summary>Reads whatever was set last, then reports the end: one message's compressed bytes for a DeflateStream.</summary>
    private sealed class FeedStream : Stream
    {
        private ReadOnlyMemory<byte> _pending;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Set(ReadOnlyMemory<byte> bytes) => _pending = bytes;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, _pending.Length);
            _pending.Span[..count].CopyTo(buffer);
            _pending = _pending[count..];
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>What one side writes the other reads, synchronously: one in-memory connection for two framework WebSockets.</summary>
    private sealed class LoopbackStream : Stream
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(buffer);
            _start += count;
            if (_start == _end)
            {
                _start = _end = 0;
            }

            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_end + buffer.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + buffer.Length));
            }

            buffer.CopyTo(_buffer.AsSpan(_end));
            _end += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return default;
        }

        public override void Flush()
        {
        }

        // The base class would flush on the thread pool, which is not what a socket stream does.
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
