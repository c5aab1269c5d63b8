using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// A connection's end against a frame still being written. The request that carries a transport ends when the
/// connection's completion returns (the handler's request delegate returns right after it); from then on Kestrel may
/// give the connection pipe's memory to another connection, and an HTTP/2 or in-memory stream ends. So the completion
/// returns only once no frame is being written, on the connection's own pipe (an HTTP/1.1 upgrade on Kestrel) and on
/// a stream, and no writer that comes later touches the transport or the deflater. Each transport is the test's own:
/// a write is held inside the pipe's GetMemory (a send in the middle of copying a frame), or a flush or a stream write
/// is held until the transport is aborted or the test lets it go.
/// </summary>
public sealed class WritesAtTheEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PipePath_PeerResetWhileASendCopiesIntoThePipe_TheRequestEndsOnlyAfterTheSend_AndNothingTouchesThePipeAfter()
    {
        using var runtime = new BareRuntime();
        var transport = new HeldTransport();
        var lifetime = new RequestLifetime();
        var connection = await runtime.AcceptAsync(ControlledRequest.OverPipe(transport, lifetime));

        // A large send takes the write gate and stops in the middle of writing into the pipe's memory.
        transport.Output.HoldNextWrite();
        var send = Task.Run(() => connection.SendBytesAsync(new byte[256 * 1024]).AsTask());
        await transport.Output.Holding.WaitAsync(Timeout);
        try
        {
            // The peer resets the connection: Kestrel fires RequestAborted, the connection ends with 1006 (no close
            // frame), and the handler returns.
            lifetime.Abort();
            var completion = connection.CompleteAsync();
            _ = completion.ContinueWith(_ => transport.Output.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Assert.False(completion.IsCompleted, "The connection's end waits for the frame being copied into the pipe.");

            transport.Output.Release();
            await completion.WaitAsync(Timeout);
        }
        finally
        {
            transport.Output.Release();
        }

        await send.WaitAsync(Timeout);
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, connection.CloseCode);
        Assert.False(transport.Output.WriteInProgressAtEnd);
        Assert.Empty(transport.Output.UsedAfterEnd);
        Assert.Empty(runtime.Logs.Messages(LogLevel.Error));
    }

    [Fact]
    public async Task PipePath_SendTimeoutWhileAFlushWaitsForThePeer_TheEndDoesNotHang_AndASendQueuedBehindItWritesNothing()
    {
        var clock = new FakeTimeProvider();
        using var runtime = new BareRuntime(clock, options => options.SendTimeout = TimeSpan.FromSeconds(10));
        var transport = new HeldTransport();
        var lifetime = new RequestLifetime();
        var connection = await runtime.AcceptAsync(ControlledRequest.OverPipe(transport, lifetime));

        // The peer stopped reading: the first send's flush waits with the write gate held, the second waits for the gate.
        transport.Output.HoldFlushes();
        var first = connection.SendBytesAsync(new byte[64 * 1024]).AsTask();
        var second = connection.SendBytesAsync(new byte[100]).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        // The sweep finds the send waiting past its timeout and aborts the connection, which completes the flush
        // (Kestrel's abort does); the handler returns.
        clock.Advance(TimeSpan.FromSeconds(10));
        runtime.Monitor.Run();
        Assert.True(transport.Output.Aborted);
        var completion = connection.CompleteAsync();
        _ = completion.ContinueWith(_ => transport.Output.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await completion.WaitAsync(Timeout);

        await first.WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<WebSocketDisconnectException>(() => second.WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, refused.Code);
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, connection.CloseCode);
        Assert.Empty(transport.Output.UsedAfterAbort);
        Assert.Empty(transport.Output.UsedAfterEnd);
        Assert.Empty(runtime.Logs.Messages(LogLevel.Error));
    }

    [Fact]
    public async Task StreamPathWithDeflate_AbortWhileACompressedSendIsWritten_TheRequestEndsOnlyAfterIt_AndTheQueuedSendsNeverReachTheDisposedDeflater()
    {
        using var runtime = new BareRuntime(configure: options => options.Compression.Enabled = true);
        var stream = new HeldWriteStream();
        var lifetime = new RequestLifetime();
        var connection = await runtime.AcceptAsync(ControlledRequest.OverStream(stream, lifetime, extensions: "permessage-deflate"));
        Assert.NotNull(connection.Socket!.Compression);

        // A compressed message's write is held with the write gate taken; two more wait for the gate, each to be
        // compressed once it has it (RFC 7692: the deflater's context sees messages in the order they go out).
        var text = string.Concat(Enumerable.Repeat("the same words again and again, ", 2048));
        stream.HoldNextWrite();
        var first = connection.SendBytesAsync(Encoding.UTF8.GetBytes(text)).AsTask();
        await stream.Holding.WaitAsync(Timeout);
        Task[] queued = [connection.SendBytesAsync(Encoding.UTF8.GetBytes(text)).AsTask(), connection.SendTextAsync(text).AsTask()];
        try
        {
            // The connection is aborted (a reset, a deadline) and the handler returns; the held write goes on, as on a
            // stream that does not notice at once that it was disposed.
            lifetime.Abort();
            var completion = connection.CompleteAsync();
            _ = completion.ContinueWith(_ => stream.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Assert.False(completion.IsCompleted, "The connection's end waits for the write in progress on the stream.");

            stream.Release();
            await completion.WaitAsync(Timeout);
        }
        finally
        {
            stream.Release();
        }

        await first.WaitAsync(Timeout);
        foreach (var send in queued)
        {
            // Refused as on any ended connection: not a failure of the deflater the end disposed.
            var refused = await Assert.ThrowsAsync<WebSocketDisconnectException>(() => send.WaitAsync(Timeout));
            Assert.Equal(WebSocketCloseCode.AbnormalClosure, refused.Code);
            Assert.False(Disposed(refused), refused.ToString());
        }

        Assert.False(stream.WriteInProgressAtEnd);
        Assert.Empty(stream.UsedAfterEnd);
        Assert.DoesNotContain(runtime.Logs.Entries, entry => entry.Level >= LogLevel.Error || Disposed(entry.Exception));
    }

    [Fact]
    public async Task StreamPath_SendTimeoutWhileAWriteWaitsForThePeer_TheResetEndsTheWrite_AndTheEndDoesNotHang()
    {
        var clock = new FakeTimeProvider();
        using var runtime = new BareRuntime(clock, options => options.SendTimeout = TimeSpan.FromSeconds(10));
        var stream = new HeldWriteStream();
        var lifetime = new RequestLifetime { AbortTransport = stream.Reset };
        var connection = await runtime.AcceptAsync(ControlledRequest.OverStream(stream, lifetime));

        stream.HoldNextWrite();
        var send = connection.SendBytesAsync(new byte[64 * 1024]).AsTask();
        await stream.Holding.WaitAsync(Timeout);

        // The sweep aborts the connection, which resets the stream (HttpContext.Abort on HTTP/2): the write fails.
        clock.Advance(TimeSpan.FromSeconds(10));
        runtime.Monitor.Run();
        var completion = connection.CompleteAsync();
        _ = completion.ContinueWith(_ => stream.End(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await completion.WaitAsync(Timeout);

        var failed = await Assert.ThrowsAsync<WebSocketDisconnectException>(() => send.WaitAsync(Timeout));
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, failed.Code);
        Assert.False(stream.WriteInProgressAtEnd);
        Assert.Empty(stream.UsedAfterEnd);
        Assert.Empty(runtime.Logs.Messages(LogLevel.Error));
    }

    /// <summary>Whether <paramref name="exception"/> or one it wraps says something was used after it was disposed.</summary>
    private static bool Disposed(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is ObjectDisposedException)
            {
                return true;
            }
        }

        return false;
    }
}
