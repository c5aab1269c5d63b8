using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using System.Threading.RateLimiting;
using Velithon.Buffers;
using Velithon.Groups;
using Velithon.Hosting;
using Velithon.Json;
using Velithon.Metrics;
using TransportWebSocket = System.Net.WebSockets.WebSocket;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Connections;

/// <summary>
/// The runtime's <see cref="Velithon.WebSocket"/>: one server-side connection over ASP.NET Core's
/// WebSocket support, with message reassembly, size limits, close-code mapping and serialized sends.
/// </summary>
/// <remarks>
/// Internal: handlers and generated code see it only as <see cref="Velithon.WebSocket"/>. The infrastructure
/// API that generated code calls (<see cref="Binding.HandshakeBinder.RejectAsync"/>,
/// <see cref="Endpoints.WebSocketEndpointRunner"/>) takes a <see cref="Velithon.WebSocket"/> and casts it back.
/// </remarks>
internal sealed partial class ServerWebSocket : Velithon.WebSocket
{
    /// <summary>Why the JSON calls without a <c>JsonTypeInfo</c> are not trim- and AOT-safe, for the runtime's own such calls.</summary>
    internal const string JsonWithoutTypeInfoMessage = JsonWithoutTypeInfo;

    private const int InitialReceiveBufferSize = 4096;

    // RFC 6455 section 5.5: a control frame carries at most 125 bytes, two of which are the close code.
    private const int MaxCloseReasonBytes = 123;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly HttpContext _httpContext;
    private readonly VelithonRuntime _runtime;
    private readonly SendGate _sendGate = new();
    private readonly Lock _stateLock = new();

    private TransportWebSocket? _socket;
    private TransportStream? _transportStream;
    private DeferredAbortLifetimeFeature? _lifetime;
    private Task? _acceptTask;
    private CancellationTokenSource? _abortedSource;
    private byte[]? _messageBuffer;
    private MessageReceiver? _receiver;
    private PooledBufferWriter? _jsonBuffer;
    private Utf8JsonWriter? _jsonWriter;
    private Uri? _url;
    private string[]? _requestedSubProtocols;
    private string? _subProtocol;
    private volatile WebSocketState _clientState;
    private volatile WebSocketState _applicationState;
    private int? _closeCode;
    private string? _closeReason;
    private volatile bool _ended;
    private bool _completing;
    private bool _completed;
    private bool _closedByApplication;

    // Group membership, guarded by _stateLock; allocated on the first join.
    private List<string>? _groups;
    private bool _membershipClosed;
    private BroadcastQueue? _broadcastQueue;
    private int _slowConsumer;

    // Environment.TickCount64 of the last message received (or of the accept), for the idle timeout.
    private long _lastMessageTicks;

    // True while a receive waits for the peer, for the keep-alive timeout.
    private volatile bool _receiving;

    internal ServerWebSocket(HttpContext httpContext, VelithonRuntime runtime, string handlerName = "")
    {
        _httpContext = httpContext;
        _runtime = runtime;
        HandlerName = handlerName;
    }

    /// <summary>The handler serving this connection, for logs.</summary>
    internal string HandlerName { get; }

    /// <summary>True once the application closed the connection or refused its handshake itself (<see cref="CloseAsync"/>).</summary>
    internal bool ClosedByApplication
    {
        get
        {
            lock (_stateLock)
            {
                return _closedByApplication;
            }
        }
    }

    /// <inheritdoc />
    public override HttpContext HttpContext => _httpContext;

    /// <inheritdoc />
    public override Uri Url => _url ??= BuildUrl(_httpContext.Request);

    /// <inheritdoc />
    public override IPEndPoint? Client =>
        _httpContext.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, _httpContext.Connection.RemotePort) : null;

    /// <inheritdoc />
    public override IReadOnlyList<string> RequestedSubProtocols =>
        _requestedSubProtocols ??= [.. _httpContext.WebSockets.WebSocketRequestedProtocols];

    /// <inheritdoc />
    public override string? SubProtocol => _subProtocol;

    /// <inheritdoc />
    public override WebSocketState ClientState => _clientState;

    /// <inheritdoc />
    public override WebSocketState ApplicationState => _applicationState;

    /// <inheritdoc />
    public override int? CloseCode
    {
        get
        {
            lock (_stateLock)
            {
                return _closeCode;
            }
        }
    }

    /// <inheritdoc />
    public override string? CloseReason
    {
        get
        {
            lock (_stateLock)
            {
                return _closeReason;
            }
        }
    }

    /// <inheritdoc />
    public override CancellationToken Aborted
    {
        get
        {
            CancellationTokenSource source;
            bool ended;
            lock (_stateLock)
            {
                if (_completed)
                {
                    return new CancellationToken(canceled: true);
                }

                // Created on first use: most connections never ask, and an idle connection should stay small.
                source = _abortedSource ??= CancellationTokenSource.CreateLinkedTokenSource(_httpContext.RequestAborted);
                ended = _ended;
            }

            // Outside the lock: cancellation runs the token's callbacks, which may read this connection.
            if (ended)
            {
                source.Cancel();
            }

            return source.Token;
        }
    }

    internal bool HasEnded => _ended;

    /// <summary>True once the handshake has been accepted (even if the connection has ended since).</summary>
    internal bool WasAccepted => _socket is not null;

    internal VelithonRuntime Runtime => _runtime;

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

        Task? acceptTask;
        lock (_stateLock)
        {
            if (_applicationState == WebSocketState.Disconnected)
            {
                return Task.CompletedTask;
            }

            _closedByApplication = true;
            acceptTask = _acceptTask;
            if (acceptTask is null)
            {
                _closeCode = code;
                _closeReason = reason;
                BeginRejectLocked();
            }
        }

        // Closing before accept refuses the handshake (the Python original's query-token example).
        return acceptTask is null
            ? WriteRejectionAsync(StatusCodes.Status403Forbidden, reason, RejectionReasons.Application,
                string.IsNullOrEmpty(reason) ? $"the handler closed it with {code} before accepting it" : $"the handler closed it with {code} before accepting it: {reason}")
            : CloseAcceptedAsync(acceptTask, code, reason);
    }

    /// <inheritdoc />
    public override ValueTask SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        ValueTask send;
        try
        {
            int length = Encoding.UTF8.GetBytes(text, buffer);
            send = SendCoreAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            ArrayPool<byte>.Shared.Return(buffer);
            return default;
        }

        return ReturnAfterSendAsync(send, buffer);
    }

    /// <inheritdoc />
    public override ValueTask SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        SendCoreAsync(data, WebSocketMessageType.Binary, cancellationToken);

    /// <summary>Returns true the first time only, so a slow consumer is closed once however many broadcasts overflow.</summary>
    internal bool TryMarkSlowConsumer() => Interlocked.Exchange(ref _slowConsumer, 1) == 0;

    /// <summary>How long ago the last message arrived (or the connection was accepted), in milliseconds.</summary>
    internal long MillisecondsSinceLastMessage(long nowTicks) => nowTicks - Volatile.Read(ref _lastMessageTicks);

    /// <summary>The transport stream the runtime watches; null when the server does not expose it (an in-memory test server).</summary>
    internal TransportStream? Transport => _transportStream;

    /// <summary>Whether the handler is waiting in a receive, so that a pong would be read.</summary>
    internal bool IsReceiving => _receiving;

    /// <summary>Ends a connection whose peer left a keep-alive ping unanswered: 1006, and the disconnect logic runs.</summary>
    internal void AbortUnresponsivePeer(TimeSpan keepAliveTimeout)
    {
        if (_socket is { } socket)
        {
            Log.KeepAliveTimedOut(_runtime.Logger, keepAliveTimeout);
            AbortTransport(socket);
            MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
        }
    }

    private bool TryAcquireMessagePermit(PartitionedRateLimiter<ServerWebSocket> rateLimiter)
    {
        using var lease = rateLimiter.AttemptAcquire(this);
        return lease.IsAcquired;
    }

    /// <summary>
    /// Sends one whole message. When the connection is open, no other send is in progress and the transport
    /// writes synchronously (the usual case: the socket's send buffer has room), this completes without an
    /// async state machine; anything else takes <see cref="SendSlowAsync"/> or <see cref="AwaitSendAsync"/>.
    /// </summary>
    private ValueTask SendCoreAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null || !_sendGate.TryEnter())
        {
            return SendSlowAsync(payload, messageType, cancellationToken);
        }

        ValueTask send;
        try
        {
            if (_applicationState != WebSocketState.Connected)
            {
                throw CreateDisconnectException(null);
            }

            send = socket.SendAsync(payload, messageType, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception)
        {
            _sendGate.Exit();
            if (IsTransportFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                throw OnTransportFailed(socket, exception);
            }

            throw;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            _sendGate.Exit();
            _runtime.Metrics.MessageSent(payload.Length);
            return default;
        }

        return AwaitSendAsync(socket, send, payload.Length, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSendAsync(TransportWebSocket socket, ValueTask send, int length, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
            _runtime.Metrics.MessageSent(length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Canceling a send aborts the transport: the connection is over.
            MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
            throw;
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            throw OnTransportFailed(socket, exception);
        }
        finally
        {
            _sendGate.Exit();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReturnAfterSendAsync(ValueTask send, byte[] buffer)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendSlowAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        var socket = _socket ?? await AcceptImplicitlyAsync().ConfigureAwait(false);
        await _sendGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendLockedAsync(socket, payload, messageType, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Exit();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendLockedAsync(TransportWebSocket socket, ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        if (ApplicationState != WebSocketState.Connected)
        {
            throw CreateDisconnectException(null);
        }

        try
        {
            await socket.SendAsync(payload, messageType, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            _runtime.Metrics.MessageSent(payload.Length);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Canceling a send aborts the transport: the connection is over.
            MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
            throw;
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            throw OnTransportFailed(socket, exception);
        }
    }

    private async Task CloseAcceptedAsync(Task acceptTask, int code, string? reason)
    {
        try
        {
            await acceptTask.ConfigureAwait(false);
        }
        catch (WebSocketDisconnectException)
        {
            return;
        }

        var socket = _socket!;
        lock (_stateLock)
        {
            if (_applicationState == WebSocketState.Disconnected)
            {
                return;
            }

            _applicationState = WebSocketState.Disconnected;
            _closeCode ??= code;
            _closeReason ??= reason;
        }

        var timeout = _runtime.Options.CloseTimeout;
        using var timeoutSource = new CancellationTokenSource(timeout);
        bool locked = false;
        try
        {
            await _sendGate.EnterAsync(timeoutSource.Token).ConfigureAwait(false);
            locked = true;
            if (socket.State == TransportState.Open)
            {
                // RFC 6455 section 7.1.2: send our close frame, then wait for the peer's.
                await socket.CloseAsync((WebSocketCloseStatus)code, reason, timeoutSource.Token).ConfigureAwait(false);
            }
            else if (socket.State == TransportState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeoutSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Log.CloseTimedOut(_runtime.Logger, timeout);
            AbortTransport(socket);
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            // The peer went away while we were closing: the connection is over either way.
        }
        finally
        {
            if (locked)
            {
                _sendGate.Exit();
            }

            MarkEnded(code, reason);
        }
    }

    /// <summary>
    /// Ends a connection whose peer stopped cooperating. Aborting the framework's WebSocket only disposes the
    /// upgraded stream, which does not wake a send blocked on a peer that stopped reading; aborting the HTTP
    /// connection does.
    /// </summary>
    private void AbortTransport(TransportWebSocket socket)
    {
        socket.Abort();
        if (_lifetime is not null)
        {
            _lifetime.AbortNow();
        }
        else
        {
            _httpContext.Abort();
        }
    }

    private async ValueTask<WebSocketDisconnectException> OnPeerClosedAsync(TransportWebSocket socket)
    {
        int code = (int?)socket.CloseStatus ?? WebSocketCloseCode.NoStatusReceived;
        string reason = socket.CloseStatusDescription ?? string.Empty;
        lock (_stateLock)
        {
            _clientState = WebSocketState.Disconnected;
            _closeCode ??= code;
            _closeReason ??= reason;
        }

        // RFC 6455 section 5.5.1: answer a close frame with one, echoing its status code.
        // WebSocketCloseStatus.Empty (1005) sends a close frame with no body, as the peer's was.
        if (socket.State == TransportState.CloseReceived && !TryAnswerCloseAtOnce(socket, code))
        {
            using var timeoutSource = new CancellationTokenSource(_runtime.Options.CloseTimeout);
            bool locked = false;
            try
            {
                await _sendGate.EnterAsync(timeoutSource.Token).ConfigureAwait(false);
                locked = true;
                if (socket.State == TransportState.CloseReceived)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, null, timeoutSource.Token).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException || IsTransportFailure(exception))
            {
                AbortTransport(socket);
            }
            finally
            {
                if (locked)
                {
                    _sendGate.Exit();
                }
            }
        }

        MarkEnded(code, reason);
        return new WebSocketDisconnectException(code, reason);
    }

    /// <summary>
    /// Answers the peer's close frame when no send is in progress and the transport takes the frame at once,
    /// the usual case, without the timer a close timeout needs. Returns false when the answer must wait.
    /// </summary>
    private bool TryAnswerCloseAtOnce(TransportWebSocket socket, int code)
    {
        if (!_sendGate.TryEnter())
        {
            return false;
        }

        bool releaseGate = true;
        try
        {
            if (socket.State != TransportState.CloseReceived)
            {
                return true;
            }

            // Without a cancelable token the framework's WebSocket writes the frame on its fast path.
            var answer = socket.CloseOutputAsync((WebSocketCloseStatus)code, null, CancellationToken.None);
            if (!answer.IsCompleted)
            {
                // The transport is applying backpressure: wait for it under the close timeout, holding the gate.
                releaseGate = false;
                _ = AbortUnlessAnsweredAsync(socket, answer);
            }
            else if (answer.IsFaulted)
            {
                _ = answer.Exception;
                AbortTransport(socket);
            }

            return true;
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            AbortTransport(socket);
            return true;
        }
        finally
        {
            if (releaseGate)
            {
                _sendGate.Exit();
            }
        }
    }

    private async Task AbortUnlessAnsweredAsync(TransportWebSocket socket, Task answer)
    {
        try
        {
            await answer.WaitAsync(_runtime.Options.CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException || IsTransportFailure(exception))
        {
            AbortTransport(socket);
        }
        finally
        {
            _sendGate.Exit();
        }
    }

    /// <summary>Closes the connection because of what the peer sent, and returns the exception the receive call throws.</summary>
    private async ValueTask<WebSocketDisconnectException> CloseForPeerErrorAsync(int code, string reason)
    {
        Task? acceptTask;
        lock (_stateLock)
        {
            acceptTask = _acceptTask;
        }

        if (acceptTask is not null)
        {
            await CloseAcceptedAsync(acceptTask, code, reason).ConfigureAwait(false);
        }

        return new WebSocketDisconnectException(code, reason);
    }

    private WebSocketDisconnectException OnTransportFailed(TransportWebSocket socket, Exception exception)
    {
        // A protocol violation (RFC 6455 sections 5.2 and 8.1) makes the transport send its own close
        // frame, 1002 or 1007, before it throws; a dropped connection has no close code (1006).
        int sentCode = _transportStream?.SentCloseCode ?? 0;
        int code = exception is WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely }
            ? WebSocketCloseCode.AbnormalClosure
            : sentCode is > 0 and not WebSocketCloseCode.NoStatusReceived ? sentCode
            : (int?)socket.CloseStatus ?? WebSocketCloseCode.AbnormalClosure;
        Log.ConnectionFailed(_runtime.Logger, exception.Message, exception);
        MarkEnded(code, null);
        return CreateDisconnectException(exception);
    }

    private WebSocketDisconnectException CreateDisconnectException(Exception? innerException)
    {
        lock (_stateLock)
        {
            return new WebSocketDisconnectException(_closeCode ?? WebSocketCloseCode.AbnormalClosure, _closeReason, innerException);
        }
    }

    // Callers catch the cancellation of their own token first; any other cancellation here comes
    // from the transport (the request was aborted).
    private static bool IsTransportFailure(Exception exception) =>
        exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException;

    private void MarkEnded(int code, string? reason)
    {
        CancellationTokenSource? abortedSource;
        lock (_stateLock)
        {
            _closeCode ??= code;
            _closeReason ??= reason;
            _clientState = WebSocketState.Disconnected;
            _applicationState = WebSocketState.Disconnected;
            if (_ended)
            {
                return;
            }

            _ended = true;
            abortedSource = _abortedSource;
        }

        abortedSource?.Cancel();
    }

    private void ReturnMessageBuffer()
    {
        if (_messageBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_messageBuffer);
            _messageBuffer = null;
        }
    }

    /// <summary>
    /// The URL as the client sent it: the request target untouched (RFC 9112 section 3.2), after ws:// or wss:// and the
    /// host. Building it from the decoded path and re-escaping it would decode a second time (<c>%2541</c> became
    /// <c>A</c>). Without a raw target (an in-memory server), the path and query the request holds.
    /// </summary>
    private static Uri BuildUrl(HttpRequest request)
    {
        string scheme = request.IsHttps ? "wss" : "ws";
        string? rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            && Uri.TryCreate(string.Concat(scheme, "://", request.Host.ToUriComponent(), rawTarget), UriKind.Absolute, out var url))
        {
            return url;
        }

        return new Uri(UriHelper.BuildAbsolute(scheme, request.Host, request.PathBase, request.Path, request.QueryString));
    }
}
