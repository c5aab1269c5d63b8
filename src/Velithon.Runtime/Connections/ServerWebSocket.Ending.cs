using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Json;
using Velithon.Metrics;

namespace Velithon.Connections;

/// <summary>How the handler's end becomes the connection's end: a crash (1011 or 500), data the client sent that a receive call could not read (1007), a <see cref="WebSocketCloseException"/>, or a return.</summary>
internal sealed partial class ServerWebSocket
{
    /// <summary>
    /// Ends the connection after <paramref name="handler"/> threw <paramref name="exception"/>: 1011 once accepted,
    /// HTTP 500 before. The one Error line says which of the two happened (or that the connection had already ended).
    /// </summary>
    internal async Task FailAsync(string handler, Exception exception)
    {
        if (exception is InvalidClientJsonException && ApplicationState == WebSocketState.Connected)
        {
            // The client's fault, found by a receive call: 1007, not a crash of the handler's.
            Log.InvalidJsonMessage(_runtime.Logger, handler, exception);
            await CloseAsync(WebSocketCloseCode.InvalidPayloadData, "The message is not valid JSON for the expected type.").ConfigureAwait(false);
            return;
        }

        Task? acceptTask;
        bool ended;
        lock (_stateLock)
        {
            ended = _applicationState == WebSocketState.Disconnected;
            acceptTask = _acceptTask;
            if (!ended && acceptTask is null)
            {
                BeginRejectLocked();
            }
        }

        if (ended)
        {
            Log.HandlerFailedAfterClose(_runtime.Logger, handler, CloseCode ?? WebSocketCloseCode.AbnormalClosure, exception);
            return;
        }

        if (acceptTask is null)
        {
            Log.HandlerFailedBeforeAccept(_runtime.Logger, handler, exception);
            await WriteRejectionAsync(StatusCodes.Status500InternalServerError, null, RejectionReasons.Error, logReason: null).ConfigureAwait(false);
            return;
        }

        Log.HandlerFailedAfterAccept(_runtime.Logger, handler, exception);
        await CloseAcceptedAsync(acceptTask, WebSocketCloseCode.InternalError, "Internal server error").ConfigureAwait(false);
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
    /// Ends the connection after the handler returned: a handshake never accepted is refused with 403, an
    /// open connection is closed with 1000; then the connection's buffers go back to the pool.
    /// </summary>
    internal async Task CompleteAsync()
    {
        Task? acceptTask;
        bool reject = false;
        lock (_stateLock)
        {
            if (_completing)
            {
                return;
            }

            _completing = true;
            acceptTask = _acceptTask;
            if (acceptTask is null && _applicationState == WebSocketState.Connecting)
            {
                BeginRejectLocked();
                reject = true;
            }
        }

        if (reject)
        {
            await WriteRejectionAsync(StatusCodes.Status403Forbidden, null, RejectionReasons.Application,
                "the handler returned without accepting it").ConfigureAwait(false);
        }
        else if (acceptTask is not null && ApplicationState == WebSocketState.Connected)
        {
            await CloseAcceptedAsync(acceptTask, WebSocketCloseCode.NormalClosure, null).ConfigureAwait(false);
        }

        MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
        lock (_stateLock)
        {
            _completed = true;
            _abortedSource?.Dispose();
            _abortedSource = null;
        }

        _runtime.Hub.Remove(this);
        _broadcastQueue?.Close();
        if (_socket is not null)
        {
            int closeCode = CloseCode ?? WebSocketCloseCode.AbnormalClosure;
            _runtime.Metrics.ConnectionClosed(closeCode);
            if (_runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                Log.ConnectionClosed(_runtime.Logger, _httpContext.TraceIdentifier, _httpContext.Request.Path.Value ?? "/", closeCode, CloseReason ?? "");
            }
        }

        ReturnMessageBuffer();
        _jsonBuffer?.Reset();
        _jsonWriter?.Dispose();
        _socket?.Dispose();

        // A close frame went out: let Kestrel end the connection gracefully so the peer reads it.
        // None did: the abort was about a dead transport, so carry it out.
        if (_lifetime is { AbortRequested: true } && (_transportStream?.SentCloseCode ?? 0) == 0)
        {
            _lifetime.AbortNow();
        }
    }
}
