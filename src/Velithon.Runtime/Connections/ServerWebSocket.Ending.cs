using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Json;
using Velithon.Metrics;
using Velithon.Protocol;

namespace Velithon.Connections;

/// <summary>
/// How a connection ends: every ending (the handler's close, the peer's, a protocol error, a limit, the idle
/// timeout, the keep-alive, the send timeout, a slow consumer, shutdown, an abort, a crash) goes through
/// <see cref="EndAsync"/>, which takes the close code and reason and how to end (<see cref="EndingKind"/>, whose
/// deadline is the close timeout or none).
/// </summary>
internal sealed partial class ServerWebSocket
{
    // RFC 6455 section 5.5: a control frame carries at most 125 bytes, two of which are the close code.
    private const int MaxCloseReasonBytes = 123;

    /// <inheritdoc />
    public override Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null)
    {
        if (!WebSocketCloseCode.CanBeSent(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code,
                "A close code must be 1000-1003, 1007-1014, or 3000-4999 (RFC 6455 section 7.4).");
        }

        if (reason is not null && Encoding.UTF8.GetByteCount(reason) > MaxCloseReasonBytes)
        {
            throw new ArgumentException($"A close reason must fit in {MaxCloseReasonBytes} UTF-8 bytes (RFC 6455 section 5.5).", nameof(reason));
        }

        bool refuse = false;
        lock (_stateLock)
        {
            if (_phase == ConnectionPhase.Closed)
            {
                return Task.CompletedTask;
            }

            _closedByApplication = true;
            if (_phase == ConnectionPhase.Connecting)
            {
                _closeCode = code;
                _closeReason = reason;
                _phase = ConnectionPhase.Closed;
                refuse = true;
            }
        }

        // Closing before accept refuses the handshake (the Python original's query-token example).
        return refuse
            ? WriteRejectionAsync(StatusCodes.Status403Forbidden, reason, RejectionReasons.Application,
                string.IsNullOrEmpty(reason) ? $"the handler closed it with {code} before accepting it" : $"the handler closed it with {code} before accepting it: {reason}")
            : EndAsync(code, reason, EndingKind.Close);
    }

    /// <summary>
    /// Ends the accepted connection, once: the first ending sets the close code and reason, and later ones wait for
    /// it (an <see cref="EndingKind.Abort"/> cuts a close handshake in progress short). A connection still in its
    /// handshake is ended once the handshake completes. Never throws and never faults.
    /// </summary>
    internal Task EndAsync(int code, string? reason, EndingKind kind)
    {
        Task? acceptTask = null;
        Task? ending = null;
        TaskCompletionSource? started = null;
        lock (_stateLock)
        {
            switch (_phase)
            {
                case ConnectionPhase.Accepting:
                    acceptTask = _acceptTask;
                    break;
                case ConnectionPhase.Open:
                    _phase = ConnectionPhase.Closing;
                    _closeCode ??= code;
                    _closeReason ??= reason;
                    started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _ending = started.Task;
                    break;
                case ConnectionPhase.Closing:
                    ending = _ending;
                    break;
                default:
                    return Task.CompletedTask;
            }
        }

        if (acceptTask is not null)
        {
            return EndAfterAcceptAsync(acceptTask, code, reason, kind);
        }

        if (started is null)
        {
            if (kind == EndingKind.Abort)
            {
                // An ending in progress waits for the peer; this one does not (a dead transport, a send timeout).
                _socket?.Abort();
            }

            return ending ?? Task.CompletedTask;
        }

        // A resumable session stops taking resumes before the close frame goes out; RunEnding reads the transport
        // after this, so a resume that came first is the one closed.
        _session?.OnEnding();
        RunEnding(started, code, reason, kind);
        return started.Task;
    }

    private async Task EndAfterAcceptAsync(Task acceptTask, int code, string? reason, EndingKind kind)
    {
        await acceptTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await EndAsync(code, reason, kind).ConfigureAwait(false);
    }

    /// <summary>Carries out an ending: the close frame (and the peer's) within the close timeout, or an abort.</summary>
    private void RunEnding(TaskCompletionSource ending, int code, string? reason, EndingKind kind)
    {
        var socket = _socket!;
        bool finished = true;
        try
        {
            if (kind == EndingKind.Abort)
            {
                // Aborted fires before the transport goes: the handler's receive or send fails with the abort on
                // another thread at once, and a handler that looks at ws.Aborted there must find it fired.
                MarkClosed();
                socket.Abort();
            }
            else
            {
                // No timer for the usual close, which the transport takes at once: the deadline starts only when it waits.
                var close = kind == EndingKind.Fail
                    ? socket.CloseOutputAsync(code, reason, CancellationToken.None)
                    : socket.CloseAsync(code, reason, CancellationToken.None);
                if (!close.IsCompleted)
                {
                    finished = false;
                    _ = FinishEndingAsync(ending, socket, close.AsTask());
                    return;
                }

                close.GetAwaiter().GetResult();
            }
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            // The peer went away while we were closing: the connection is over either way.
            socket.Abort();
        }
        catch (Exception exception)
        {
            // Nothing of an ending may escape into a caller that only meant to end the connection.
            Log.TeardownFailed(_runtime.Logger, HandlerName, exception);
            socket.Abort();
        }
        finally
        {
            if (finished)
            {
                MarkClosed();
                ending.SetResult();
            }
        }
    }

    private async Task FinishEndingAsync(TaskCompletionSource ending, FrameWebSocket socket, Task close)
    {
        var timeout = _runtime.Options.CloseTimeout;
        try
        {
            // Task.WaitAsync takes at most about 49 days; a longer close timeout means none.
            await close.WaitAsync(timeout.TotalMilliseconds < uint.MaxValue - 1 ? timeout : Timeout.InfiniteTimeSpan, _runtime.Clock.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.CloseTimedOut(_runtime.Logger, timeout);
            socket.Abort();
            await close.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception exception)
        {
            if (!FrameWebSocket.IsTransportFailure(exception))
            {
                Log.TeardownFailed(_runtime.Logger, HandlerName, exception);
            }

            socket.Abort();
        }
        finally
        {
            MarkClosed();
            ending.SetResult();
        }
    }

    /// <summary>
    /// The peer's close frame arrived: it is answered with its own code (section 5.5.1), and the receive reports it with
    /// <paramref name="disconnect"/> once the returned ending is done (at once, usually: not an async method, whose
    /// result would be a task of its own per connection).
    /// </summary>
    /// <param name="reportAsException">False for a receive that ends with a default message instead: no exception is made.</param>
    /// <param name="disconnect">The exception the receive throws; null unless <paramref name="reportAsException"/>.</param>
    private Task OnPeerClosed(bool reportAsException, out WebSocketDisconnectException? disconnect)
    {
        var socket = _socket!;
        int code = socket.CloseStatus ?? WebSocketCloseCode.NoStatusReceived;
        string reason = socket.CloseStatusDescription ?? string.Empty;
        lock (_stateLock)
        {
            _peerClosed = true;
            if (_phase == ConnectionPhase.Open)
            {
                // The connection ends with the peer's code and reason; the answer echoes the code alone.
                _closeCode = code;
                _closeReason = reason;
            }
        }

        // 1005 (no code) answers with a close frame without a body, as the peer's was.
        disconnect = reportAsException ? new WebSocketDisconnectException(code, reason) : null;
        return EndAsync(code, null, EndingKind.Close);
    }

    /// <summary>Ends the connection because of what the peer sent, and returns the exception the receive call throws.</summary>
    private async Task<WebSocketDisconnectException> EndForPeerAsync(int code, string? reason, EndingKind kind)
    {
        await EndAsync(code, reason, kind).ConfigureAwait(false);
        return new WebSocketDisconnectException(code, reason);
    }

    /// <summary>The transport failed under a receive or a send: the connection ends (1006) and the call reports it.</summary>
    private WebSocketDisconnectException OnTransportFailed(Exception exception)
    {
        Log.ConnectionFailed(_runtime.Logger, exception.Message, exception);
        _ = EndAsync(WebSocketCloseCode.AbnormalClosure, null, EndingKind.Abort);
        return CreateDisconnectException(exception);
    }

    /// <summary>Ends a connection for a deadline the <see cref="ConnectionMonitor"/> found passed: at once, 1006.</summary>
    internal void AbortForDeadline() => _ = EndAsync(WebSocketCloseCode.AbnormalClosure, null, EndingKind.Abort);

    private void MarkClosed()
    {
        CancellationTokenSource? abortedSource;
        lock (_stateLock)
        {
            _closeCode ??= WebSocketCloseCode.AbnormalClosure;
            if (_phase == ConnectionPhase.Closed)
            {
                return;
            }

            _phase = ConnectionPhase.Closed;
            abortedSource = _completed ? null : _abortedSource;
        }

        CancelAborted(abortedSource);

        // The requests the server awaits from the client can no longer be answered.
        Contract?.OnConnectionEnded();

        // Nothing is left to replay, nor to resume.
        _session?.OnConnectionEnded();
    }

    /// <summary>
    /// Fires <see cref="Aborted"/>. Its callbacks are the application's: one that throws is logged, and the ending goes
    /// on (a throw here would leave the ending unfinished and whoever awaits it waiting forever).
    /// </summary>
    private void CancelAborted(CancellationTokenSource? abortedSource)
    {
        try
        {
            abortedSource?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection completed meanwhile, and its token was canceled then.
        }
        catch (AggregateException exception)
        {
            Log.AbortedCallbackFailed(_runtime.Logger, HandlerName, exception);
        }
    }

    /// <summary>
    /// Ends the connection after <paramref name="handler"/> threw <paramref name="exception"/>: 1011 once accepted,
    /// HTTP 500 before. The one Error line says which of the two happened (or that the connection had already ended).
    /// </summary>
    internal async Task FailAsync(string handler, Exception exception)
    {
        ConnectionPhase phase;
        lock (_stateLock)
        {
            phase = _phase;
        }

        if (phase == ConnectionPhase.Accepting)
        {
            await _acceptTask!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_stateLock)
            {
                phase = _phase;
            }
        }

        if (exception is InvalidClientJsonException && phase == ConnectionPhase.Open)
        {
            // The client's fault, found by a receive call: 1007, not a crash of the handler's.
            Log.InvalidJsonMessage(_runtime.Logger, handler, exception);
            await EndAsync(WebSocketCloseCode.InvalidPayloadData, "The message is not valid JSON for the expected type.", EndingKind.Close).ConfigureAwait(false);
            return;
        }

        switch (phase)
        {
            case ConnectionPhase.Open:
                Log.HandlerFailedAfterAccept(_runtime.Logger, handler, exception);
                await EndAsync(WebSocketCloseCode.InternalError, "Internal server error", EndingKind.Close).ConfigureAwait(false);
                return;
            case ConnectionPhase.Connecting:
                lock (_stateLock)
                {
                    _phase = ConnectionPhase.Closed;
                }

                goto default;
            case ConnectionPhase.Closing or ConnectionPhase.Closed when WasAccepted || ClosedByApplication:
                // Accepted and ended, or refused by the handler itself (its 403 went out): nothing is left to answer.
                Log.HandlerFailedAfterClose(_runtime.Logger, handler, CloseCode ?? WebSocketCloseCode.AbnormalClosure, exception);
                return;
            default:
                // Never accepted: refused before, or the accept itself failed (the response may have started).
                Log.HandlerFailedBeforeAccept(_runtime.Logger, handler, exception);
                await WriteRejectionAsync(StatusCodes.Status500InternalServerError, null, RejectionReasons.Error, logReason: null).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Ends the connection as a <see cref="WebSocketCloseException"/> thrown by <paramref name="handler"/> asks:
    /// its code and reason once accepted, HTTP 403 with the reason before. A deliberate close, logged at Debug.
    /// </summary>
    internal Task CloseForAsync(string handler, WebSocketCloseException exception)
    {
        if (_runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.ClosedByException(_runtime.Logger, handler, DescribeClose(exception.Code, exception.Reason));
        }

        return CloseAsync(exception.Code, exception.Reason);
    }

    /// <summary>What a close with <paramref name="code"/> and <paramref name="reason"/> will do to this connection, in words for a log line.</summary>
    private string DescribeClose(int code, string? reason)
    {
        string close = string.IsNullOrEmpty(reason) ? $"{code}" : $"{code} ({reason})";
        return ApplicationState == WebSocketState.Disconnected ? $"the connection had already ended, so {close} was not sent"
            : WasAccepted ? $"the connection is closed with {close}"
            : $"the handshake is refused with HTTP 403 for {close}";
    }

    /// <summary>How the connection ended, once it has, in words for a log line.</summary>
    internal string DescribeEnding()
    {
        string close = string.IsNullOrEmpty(CloseReason) ? $"{CloseCode}" : $"{CloseCode} ({CloseReason})";
        return WasAccepted ? $"closed with {close}" : $"handshake refused with HTTP 403 for {close}";
    }

    /// <summary>
    /// Ends the connection after the handler returned: a handshake never accepted is refused with 403, an open
    /// connection is closed with 1000; then it leaves its groups and its buffers go back to the pool.
    /// </summary>
    internal async Task CompleteAsync()
    {
        bool reject = false;
        lock (_stateLock)
        {
            if (_completing)
            {
                return;
            }

            _completing = true;
            if (_phase == ConnectionPhase.Connecting)
            {
                _phase = ConnectionPhase.Closed;
                reject = true;
            }
        }

        if (reject)
        {
            await WriteRejectionAsync(StatusCodes.Status403Forbidden, null, RejectionReasons.Application,
                "the handler returned without accepting it").ConfigureAwait(false);
        }
        else
        {
            await EndAsync(WebSocketCloseCode.NormalClosure, null, EndingKind.Close).ConfigureAwait(false);
        }

        MarkClosed();
        lock (_stateLock)
        {
            _completed = true;
            _abortedSource?.Dispose();
            _abortedSource = null;
        }

        // Outside the lock: disposing waits for a callback in progress, which takes the lock.
        _abortRegistration.Dispose();

        _runtime.Hub.Remove(this);
        _broadcastQueue?.Close();
        if (_socket is { } socket)
        {
            int closeCode = CloseCode ?? WebSocketCloseCode.AbnormalClosure;
            _runtime.Metrics.ConnectionClosed(closeCode);
            if (_runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                Log.ConnectionClosed(_runtime.Logger, _httpContext.TraceIdentifier, _httpContext.Request.Path.Value ?? "/", closeCode, CloseReason ?? "");
            }

            // A close frame went out: the transport ends gracefully so the peer reads it; none did: it is aborted.
            // Either way this request ends only once no frame is being written on it (FrameWebSocket.DisposeAsync).
            await socket.DisposeAsync().ConfigureAwait(false);

            // A resumed session runs on another request's transport by now; its first transport is this request's,
            // and a write on it may still be going on (a keep-alive ping when the resume replaced it).
            if (_session?.FirstTransport is { } first && !ReferenceEquals(first, socket))
            {
                await first.DisposeAsync().ConfigureAwait(false);
            }
        }

        // The request that brought a resumed session's transport has held it open for the close: it may end now.
        _session?.OnCompleted();

        _receiver?.ReleaseWhenIdle();
    }
}
