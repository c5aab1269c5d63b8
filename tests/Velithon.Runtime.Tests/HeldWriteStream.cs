using System.Threading.Channels;

namespace Velithon.Runtime.Tests;

/// <summary>
/// The server's end of a connection whose reads the test delivers and whose writes the test can hold: once
/// <see cref="HoldWrites"/> is called, the next write waits until <see cref="Release"/>, as a write waits for a
/// transport that is slow to take it.
/// </summary>
public sealed class HeldWriteStream : Stream
{
    private readonly Channel<byte[]> _incoming = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _writeHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _pending = [];
    private int _offset;
    private volatile bool _hold;
    private long _written;

    /// <summary>Completes when a write starts waiting for <see cref="Release"/>.</summary>
    public Task WriteHeld => _writeHeld.Task;

    /// <summary>The bytes written so far (held writes not included).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Bytes the peer sent that reach the server now.</summary>
    public void Deliver(byte[] bytes) => _incoming.Writer.TryWrite(bytes);

    /// <summary>Makes the writes from now on wait until <see cref="Release"/>.</summary>
    public void HoldWrites() => _hold = true;

    /// <summary>Lets the held writes complete.</summary>
    public void Release() => _released.TrySetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _pending.Length)
        {
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

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_hold)
        {
            Interlocked.Add(ref _written, buffer.Length);
            return default;
        }

        _writeHeld.TrySetResult();
        return new ValueTask(_released.Task.WaitAsync(cancellationToken));
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");
}
