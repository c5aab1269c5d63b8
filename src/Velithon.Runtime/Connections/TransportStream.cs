using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http.Features;

namespace Velithon.Connections;

/// <summary>
/// The transport stream under an accepted WebSocket, Velithon's own (<see cref="Protocol.FrameWebSocket"/>) or,
/// with compression, the framework's. It does three things for the runtime, whichever WebSocket writes:
/// <list type="bullet">
/// <item>It notes whether the server has sent a close frame, and with which code. On a protocol error (invalid
/// UTF-8, a malformed frame) the WebSocket sends its own close frame (1007 or 1002) and then fails the receive;
/// the framework's says not which code it sent, so this is how the runtime knows, and so can report the right
/// code to the handler and end the connection gracefully instead of resetting it under the close frame.</item>
/// <item>It counts reads, so the <see cref="KeepAliveMonitor"/> can tell that the peer sent something (a pong
/// included: the WebSocket reads again after handling one) without a clock read per message.</item>
/// <item>It writes the keep-alive pings, between the WebSocket's own frames: each write claims the stream, so
/// a ping never lands inside a frame.</item>
/// </list>
/// </summary>
internal sealed class TransportStream(Stream inner) : Stream
{
    // An unmasked ping with no payload (RFC 6455 section 5.5.2): a server's frames are never masked.
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private long _payloadRemaining;
    private bool _lostTrack;
    private int _sentCloseCode;

    // 1 while a write (one of the WebSocket's frames, or a ping) is on its way to the transport.
    private int _writing;
    private Task? _pendingPing;
    private int _reads;
    private KeepAliveState _keepAlive;

    /// <summary>The code of the close frame the server sent: 0 when none, 1005 when it had no code.</summary>
    public int SentCloseCode => Volatile.Read(ref _sentCloseCode);

    /// <summary>How many reads the WebSocket has issued; it changes whenever the peer's data has been consumed.</summary>
    public int ReadCount => Volatile.Read(ref _reads);

    /// <summary>Keep-alive bookkeeping, touched only at accept and by the <see cref="KeepAliveMonitor"/>'s sweep.</summary>
    public ref KeepAliveState KeepAlive => ref _keepAlive;

    /// <summary>
    /// The request's lifetime, aborted for real when the WebSocket disposes this stream without having sent a
    /// close frame: it aborted (a keep-alive timeout, a close timeout), and disposing the upgraded stream alone
    /// does not end a read or write that waits on the peer.
    /// </summary>
    public DeferredAbortLifetimeFeature? Lifetime { get; set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    // The WebSocket reads one at a time (its receive lock), so a plain increment is enough; the monitor only
    // compares the count with the one it saw last.
    public override int Read(byte[] buffer, int offset, int count)
    {
        _reads++;
        return inner.Read(buffer, offset, count);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _reads++;
        return inner.ReadAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _reads++;
        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var spinner = default(SpinWait);
        while (!TryClaimWrite())
        {
            spinner.SpinOnce();
        }

        try
        {
            Observe(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }
        finally
        {
            ReleaseWrite();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!TryClaimWrite())
        {
            return WriteAfterPingAsync(buffer, cancellationToken);
        }

        ValueTask write;
        try
        {
            Observe(buffer.Span);
            write = inner.WriteAsync(buffer, cancellationToken);
        }
        catch
        {
            ReleaseWrite();
            throw;
        }

        if (write.IsCompleted)
        {
            ReleaseWrite();
            return write;
        }

        return ReleaseAfterAsync(write);
    }

    /// <summary>
    /// Writes a ping unless a frame is on its way (the next sweep tries again) or a close frame has gone out.
    /// A failed write is left to the WebSocket's own reads and writes to discover.
    /// </summary>
    public bool TryWritePing()
    {
        if (!TryClaimWrite())
        {
            return false;
        }

        try
        {
            // Between whole frames only, and never after a close frame (RFC 6455 section 5.5.1).
            if (SentCloseCode != 0 || _payloadRemaining != 0 || _lostTrack)
            {
                ReleaseWrite();
                return false;
            }

            var write = inner.WriteAsync(PingFrame);
            if (write.IsCompletedSuccessfully)
            {
                write.GetAwaiter().GetResult();
                var flush = inner.FlushAsync();
                if (flush.IsCompletedSuccessfully)
                {
                    ReleaseWrite();
                    return true;
                }

                Volatile.Write(ref _pendingPing, ReleaseAfterPingAsync(new ValueTask(flush)));
                return true;
            }

            Volatile.Write(ref _pendingPing, ReleaseAfterPingAsync(write));
            return true;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Kestrel reports a write to an aborted connection as ConnectionAbortedException, an OperationCanceledException.
            ReleaseWrite();
            return false;
        }
    }

    private bool TryClaimWrite() => Interlocked.CompareExchange(ref _writing, 1, 0) == 0;

    private void ReleaseWrite() => Volatile.Write(ref _writing, 0);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            ReleaseWrite();
        }
    }

    private async Task ReleaseAfterPingAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The transport failed under the ping; the WebSocket's next read or write reports it.
        }
        finally
        {
            ReleaseWrite();
        }
    }

    /// <summary>A frame of the WebSocket's met a ping still being written (the transport applied backpressure): it waits for it.</summary>
    private async ValueTask WriteAfterPingAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!TryClaimWrite())
        {
            if (Volatile.Read(ref _pendingPing) is { } pendingPing)
            {
                await pendingPing.ConfigureAwait(false);
            }
            else
            {
                await Task.Yield();
            }
        }

        try
        {
            Observe(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReleaseWrite();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            AbortIfAbandoned();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        AbortIfAbandoned();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void AbortIfAbandoned()
    {
        if (SentCloseCode == 0)
        {
            Lifetime?.AbortNow();
        }
    }

    /// <summary>Follows frame boundaries (RFC 6455 section 5.2) through the bytes written, and records a close frame.</summary>
    private void Observe(ReadOnlySpan<byte> data)
    {
        // Writes are claimed (see TryClaimWrite), so this runs on one thread at a time.
        // The usual write: one whole frame of fewer than 126 bytes (a server's frames are never masked).
        if (_payloadRemaining == 0 && !_lostTrack && data.Length >= 2 && data[1] < 126 && data.Length == 2 + data[1])
        {
            if ((data[0] & 0x0F) == 0x8 && SentCloseCode == 0)
            {
                Volatile.Write(ref _sentCloseCode, data.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2)) : WebSocketCloseCode.NoStatusReceived);
            }

            return;
        }

        while (!data.IsEmpty && !_lostTrack)
        {
            if (_payloadRemaining > 0)
            {
                int skipped = (int)Math.Min(_payloadRemaining, data.Length);
                _payloadRemaining -= skipped;
                data = data.Slice(skipped);
                continue;
            }

            if (!TryReadHeader(data, out int opcode, out int headerLength, out long payloadLength))
            {
                // A header split across writes; the framework never does this, so stop rather than guess.
                _lostTrack = true;
                return;
            }

            if (opcode == 0x8 && SentCloseCode == 0)
            {
                int code = payloadLength >= 2 && data.Length >= headerLength + 2
                    ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(headerLength))
                    : WebSocketCloseCode.NoStatusReceived;
                Volatile.Write(ref _sentCloseCode, code);
            }

            data = data.Slice(headerLength);
            _payloadRemaining = payloadLength;
        }
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> data, out int opcode, out int headerLength, out long payloadLength)
    {
        opcode = 0;
        headerLength = 2;
        payloadLength = 0;
        if (data.Length < 2)
        {
            return false;
        }

        opcode = data[0] & 0x0F;
        payloadLength = data[1] & 0x7F;
        if (payloadLength == 126)
        {
            headerLength = 4;
            if (data.Length < headerLength)
            {
                return false;
            }

            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2));
        }
        else if (payloadLength == 127)
        {
            headerLength = 10;
            if (data.Length < headerLength)
            {
                return false;
            }

            payloadLength = (long)BinaryPrimitives.ReadUInt64BigEndian(data.Slice(2));
        }

        if ((data[1] & 0x80) != 0)
        {
            headerLength += 4;
        }

        return data.Length >= headerLength;
    }
}

/// <summary>Hands out the upgraded HTTP/1.1 stream wrapped in a <see cref="TransportStream"/>.</summary>
internal sealed class ObservedUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public TransportStream? Stream { get; private set; }

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => Stream = new TransportStream(await inner.UpgradeAsync().ConfigureAwait(false));
}

/// <summary>Hands out the HTTP/2 extended CONNECT stream (RFC 8441) wrapped in a <see cref="TransportStream"/>.</summary>
internal sealed class ObservedExtendedConnectFeature(IHttpExtendedConnectFeature inner) : IHttpExtendedConnectFeature
{
    public TransportStream? Stream { get; private set; }

    public bool IsExtendedConnect => inner.IsExtendedConnect;

    public string? Protocol => inner.Protocol;

    public async ValueTask<Stream> AcceptAsync() => Stream = new TransportStream(await inner.AcceptAsync().ConfigureAwait(false));
}

/// <summary>
/// Holds back <c>HttpContext.Abort()</c> while a Velithon handler runs. The framework's WebSocket aborts
/// the request right after sending a protocol-error close frame, which resets the TCP connection and can
/// destroy that frame in flight; the runtime instead finishes the request gracefully when a close frame
/// went out, and aborts for real when none did.
/// </summary>
internal sealed class DeferredAbortLifetimeFeature(IHttpRequestLifetimeFeature inner) : IHttpRequestLifetimeFeature
{
    private int _abortRequested;

    public bool AbortRequested => Volatile.Read(ref _abortRequested) != 0;

    public CancellationToken RequestAborted
    {
        get => inner.RequestAborted;
        set => inner.RequestAborted = value;
    }

    public void Abort() => Interlocked.Exchange(ref _abortRequested, 1);

    public void AbortNow() => inner.Abort();
}
