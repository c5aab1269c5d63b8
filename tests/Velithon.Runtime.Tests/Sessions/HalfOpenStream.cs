using System.Threading.Channels;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// The server's end of a connection the network keeps half open: what the server writes vanishes, what the client
/// sent still arrives when the test delivers it, and letting go of the stream (an abort) does not stop a read in
/// progress, as bytes already on their way still reach a read that was issued before the abort.
/// </summary>
public sealed class HalfOpenStream : Stream
{
    private readonly Channel<byte[]> _incoming = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _pending = [];
    private int _offset;

    /// <summary>Completes when the server first waits to read.</summary>
    public Task Reading => _reading.Task;

    /// <summary>Bytes the client sent that reach the server now.</summary>
    public void Deliver(byte[] bytes) => _incoming.Writer.TryWrite(bytes);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _pending.Length)
        {
            _reading.TrySetResult();
            _pending = await _incoming.Reader.ReadAsync(cancellationToken);
            _offset = 0;
        }

        int count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
    }
}
