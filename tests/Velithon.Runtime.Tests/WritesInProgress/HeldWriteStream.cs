namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A connection's duplex stream (an HTTP/2 stream, an in-memory transport, a middleware's wrapper) as the test
/// controls it: a write can be held until the test lets it go, or until the transport is reset
/// (<see cref="Reset"/>, what <c>HttpContext.Abort()</c> does to an HTTP/2 stream). Disposing the stream does not end
/// a held write, as a wrapper that does not notice may not. From <see cref="End"/> on (the request ended), every use
/// is recorded. Reads wait until the stream is reset or disposed, then see its end.
/// </summary>
public sealed class HeldWriteStream : Stream
{
    private readonly Lock _lock = new();
    private readonly List<string> _usedAfterEnd = [];
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _readEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _holdNextWrite;
    private TaskCompletionSource? _heldWrite;
    private bool _ended;
    private long _written;

    /// <summary>Completes when a write is held.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Whether a held write was still going on when the request ended.</summary>
    public bool WriteInProgressAtEnd { get; private set; }

    /// <summary>What touched the stream after the request ended.</summary>
    public IReadOnlyList<string> UsedAfterEnd
    {
        get
        {
            lock (_lock)
            {
                return [.. _usedAfterEnd];
            }
        }
    }

    /// <summary>Bytes written, in all.</summary>
    public long Written
    {
        get
        {
            lock (_lock)
            {
                return _written;
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The next write waits until <see cref="Release"/> or <see cref="Reset"/>.</summary>
    public void HoldNextWrite()
    {
        lock (_lock)
        {
            _holdNextWrite = true;
        }
    }

    /// <summary>The held write completes.</summary>
    public void Release()
    {
        TaskCompletionSource? held;
        lock (_lock)
        {
            held = _heldWrite;
        }

        held?.TrySetResult();
    }

    /// <summary>The transport is reset: the held write fails, and reads see the end of the stream.</summary>
    public void Reset()
    {
        TaskCompletionSource? held;
        lock (_lock)
        {
            held = _heldWrite;
        }

        held?.TrySetException(new IOException("The stream was reset."));
        _readEnd.TrySetResult(0);
    }

    /// <summary>The request that carried the connection ended: from now on nothing may touch the stream.</summary>
    public void End()
    {
        lock (_lock)
        {
            _ended = true;
            WriteInProgressAtEnd = _heldWrite is { Task.IsCompleted: false };
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Use(nameof(WriteAsync));
            _written += buffer.Length;
            if (!_holdNextWrite)
            {
                return default;
            }

            _holdNextWrite = false;
            _heldWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holding.TrySetResult();
            return new ValueTask(_heldWrite.Task);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Use(nameof(ReadAsync));
        }

        return await _readEnd.Task.WaitAsync(cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                Use(nameof(Dispose));
            }

            _readEnd.TrySetResult(0);
        }

        base.Dispose(disposing);
    }

    private void Use(string what)
    {
        if (_ended)
        {
            _usedAfterEnd.Add(what);
        }
    }
}
