using System.IO.Pipelines;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A connection's output pipe as the test controls it. A write can be held inside <see cref="GetMemory"/> (a send in
/// the middle of copying a frame into the pipe's memory) and flushes can be held (a peer that stopped reading) until
/// the connection is aborted or the test lets them go. From <see cref="End"/> on (the request ended: Kestrel would
/// return the pipe's memory to its pool) and from <see cref="Abort"/> on, every use of the pipe is recorded.
/// </summary>
public sealed class HeldPipeWriter : PipeWriter
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Lock _lock = new();
    private readonly List<string> _usedAfterEnd = [];
    private readonly List<string> _usedAfterAbort = [];
    private readonly ManualResetEventSlim _released = new(initialState: false);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _holdNextWrite;
    private bool _holdFlushes;
    private bool _copying;
    private TaskCompletionSource<FlushResult>? _heldFlush;
    private bool _ended;
    private bool _aborted;
    private long _written;

    /// <summary>Completes when a write is held inside <see cref="GetMemory"/>.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Whether a write was between taking memory and advancing past it, or a flush was waiting, when the request ended.</summary>
    public bool WriteInProgressAtEnd { get; private set; }

    /// <summary>What touched the pipe after the request ended.</summary>
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

    /// <summary>What touched the pipe after the connection was aborted.</summary>
    public IReadOnlyList<string> UsedAfterAbort
    {
        get
        {
            lock (_lock)
            {
                return [.. _usedAfterAbort];
            }
        }
    }

    /// <summary>Bytes advanced past, in all.</summary>
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

    /// <summary>Whether the connection was aborted.</summary>
    public bool Aborted
    {
        get
        {
            lock (_lock)
            {
                return _aborted;
            }
        }
    }

    /// <summary>The next write blocks inside <see cref="GetMemory"/> until <see cref="Release"/>.</summary>
    public void HoldNextWrite()
    {
        lock (_lock)
        {
            _holdNextWrite = true;
        }
    }

    /// <summary>Flushes wait until the connection is aborted or <see cref="Release"/>.</summary>
    public void HoldFlushes()
    {
        lock (_lock)
        {
            _holdFlushes = true;
        }
    }

    /// <summary>Lets the held write and the held flush go.</summary>
    public void Release()
    {
        TaskCompletionSource<FlushResult>? flush;
        lock (_lock)
        {
            _holdFlushes = false;
            flush = _heldFlush;
            _heldFlush = null;
        }

        _released.Set();
        flush?.TrySetResult(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <summary>The connection is aborted (Kestrel's <c>HttpContext.Abort()</c>): a flush waiting for the peer completes.</summary>
    public void Abort()
    {
        TaskCompletionSource<FlushResult>? flush;
        lock (_lock)
        {
            _aborted = true;
            flush = _heldFlush;
            _heldFlush = null;
        }

        flush?.TrySetResult(new FlushResult(isCanceled: false, isCompleted: true));
    }

    /// <summary>The request that carried the connection ended: from now on nothing may touch the pipe.</summary>
    public void End()
    {
        lock (_lock)
        {
            _ended = true;
            WriteInProgressAtEnd = _copying || _heldFlush is not null;
        }
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        bool hold;
        lock (_lock)
        {
            Use(nameof(GetMemory));
            _copying = true;
            hold = _holdNextWrite;
            _holdNextWrite = false;
        }

        if (hold)
        {
            _holding.TrySetResult();
            if (!_released.Wait(Timeout))
            {
                throw new TimeoutException("The test never let the held write go.");
            }
        }

        return new byte[Math.Max(sizeHint, 256)];
    }

    public override void Advance(int bytes)
    {
        lock (_lock)
        {
            Use(nameof(Advance));
            _copying = false;
            _written += bytes;
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Use(nameof(FlushAsync));
            if (_aborted)
            {
                return new(new FlushResult(isCanceled: false, isCompleted: true));
            }

            if (!_holdFlushes)
            {
                return new(new FlushResult(isCanceled: false, isCompleted: false));
            }

            _heldFlush = new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new(_heldFlush.Task);
        }
    }

    public override void CancelPendingFlush()
    {
        TaskCompletionSource<FlushResult>? flush;
        lock (_lock)
        {
            Use(nameof(CancelPendingFlush));
            flush = _heldFlush;
            _heldFlush = null;
        }

        flush?.TrySetResult(new FlushResult(isCanceled: true, isCompleted: false));
    }

    public override void Complete(Exception? exception = null)
    {
        lock (_lock)
        {
            Use(nameof(Complete));
        }
    }

    private void Use(string what)
    {
        if (_ended)
        {
            _usedAfterEnd.Add(what);
        }

        if (_aborted)
        {
            _usedAfterAbort.Add(what);
        }
    }
}
