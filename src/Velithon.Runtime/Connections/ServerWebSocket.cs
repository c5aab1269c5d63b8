using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Velithon.Groups;
using Velithon.Hosting;
using Velithon.Limits;
using Velithon.Protocol;
using Velithon.Routing;

namespace Velithon.Connections;

/// <summary>
/// The runtime's <see cref="Velithon.WebSocket"/>: one server-side connection, from its opening handshake to its end.
/// </summary>
/// <remarks>
/// <para>
/// Its state is one value behind one lock (<see cref="ConnectionPhase"/>, with the close code and reason), and it
/// ends in one way, <see cref="EndAsync"/>, whatever ends it. The parts live in files by concern: the handshake
/// (<c>.Handshake</c>), receiving (<c>.Receiving</c>), sending (<c>.Sending</c>, <c>.Json</c>), the end
/// (<c>.Ending</c>) and groups (<c>.Membership</c>). The wire is <see cref="FrameWebSocket"/>'s.
/// </para>
/// <para>
/// Internal: handlers and generated code see it only as <see cref="Velithon.WebSocket"/>. The infrastructure
/// API that generated code calls (<see cref="Binding.HandshakeBinder.RejectAsync"/>,
/// <see cref="Endpoints.WebSocketEndpointRunner"/>) takes a <see cref="Velithon.WebSocket"/> and casts it back.
/// </para>
/// </remarks>
internal sealed partial class ServerWebSocket : Velithon.WebSocket
{
    /// <summary>Why the JSON calls without a <c>JsonTypeInfo</c> are not trim- and AOT-safe, for the runtime's own such calls.</summary>
    internal const string JsonWithoutTypeInfoMessage = JsonWithoutTypeInfo;

    private readonly HttpContext _httpContext;
    private readonly VelithonRuntime _runtime;
    private readonly Lock _stateLock = new();

    // The connection's state, changed under _stateLock: where it is, how it ended, and who ended it. The phase and
    // whether the peer closed are volatile so that the per-message checks read them without taking the lock.
    private volatile ConnectionPhase _phase;
    private int? _closeCode;
    private string? _closeReason;
    private volatile bool _peerClosed;
    private bool _closedByApplication;
    private bool _completing;
    private bool _completed;
    private Task? _acceptTask;
    private Task? _ending;

    // Set once, when the handshake completes; read without the lock afterwards.
    private FrameWebSocket? _socket;
    private string? _subProtocol;

    private CancellationTokenSource? _abortedSource;
    private CancellationTokenRegistration _abortRegistration;
    private Uri? _url;
    private string[]? _requestedSubProtocols;

    // ConnectionClock milliseconds of the last message received (or of the accept), for the idle timeout.
    private long _lastMessageTicks;

    // The connection's own tokens under its route's message rate limit; only its receive touches them.
    private MessageTokenBucket _messageTokens;

    // Given out on first use (most refused handshakes never need one), as a sequence number, which the hub's registry
    // keys the connection by; its string is written only if something reads it. The user id is read at accept.
    private long _connectionSequence;
    private string? _connectionId;
    private string? _userId;

    internal ServerWebSocket(HttpContext httpContext, VelithonRuntime runtime, string handlerName = "", RoutePolicy? policy = null)
    {
        _httpContext = httpContext;
        _runtime = runtime;
        HandlerName = handlerName;
        Policy = policy ?? runtime.DefaultPolicy;
    }

    /// <summary>The limits and deadlines of this connection's route.</summary>
    internal RoutePolicy Policy { get; }

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
    public override string ConnectionId =>
        Volatile.Read(ref _connectionId) ?? Interlocked.CompareExchange(ref _connectionId, _runtime.Hub.Ids.Format(ConnectionSequence), null) ?? _connectionId!;

    /// <summary>The sequence number of <see cref="ConnectionId"/>, given out on first use; the hub's registry key.</summary>
    internal long ConnectionSequence
    {
        get
        {
            long sequence = Volatile.Read(ref _connectionSequence);
            if (sequence != 0)
            {
                return sequence;
            }

            sequence = _runtime.Hub.Ids.NextSequence();
            long assigned = Interlocked.CompareExchange(ref _connectionSequence, sequence, 0);
            return assigned != 0 ? assigned : sequence;
        }
    }

    /// <summary>The sequence number of the connection id if one was given out (else 0), without giving one out.</summary>
    internal long ConnectionSequenceIfAssigned => Volatile.Read(ref _connectionSequence);

    /// <summary>The connection id if its string was written (someone read <see cref="ConnectionId"/>), without writing it.</summary>
    internal string? ConnectionIdIfAssigned => Volatile.Read(ref _connectionId);

    /// <inheritdoc />
    public override string? UserId => Volatile.Read(ref _userId);

    /// <inheritdoc />
    public override IReadOnlyList<string> RequestedSubProtocols =>
        _requestedSubProtocols ??= WebSocketHandshake.RequestedSubProtocols(_httpContext.Request);

    /// <inheritdoc />
    public override string? SubProtocol => _subProtocol;

    /// <inheritdoc />
    public override WebSocketState ClientState => _phase switch
    {
        ConnectionPhase.Connecting or ConnectionPhase.Accepting => WebSocketState.Connecting,
        ConnectionPhase.Open => WebSocketState.Connected,
        ConnectionPhase.Closing when !_peerClosed => WebSocketState.Connected,
        _ => WebSocketState.Disconnected,
    };

    /// <inheritdoc />
    public override WebSocketState ApplicationState => _phase switch
    {
        ConnectionPhase.Connecting or ConnectionPhase.Accepting => WebSocketState.Connecting,
        ConnectionPhase.Open => WebSocketState.Connected,
        _ => WebSocketState.Disconnected,
    };

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
            CancellationToken token;
            lock (_stateLock)
            {
                if (_completed)
                {
                    return new CancellationToken(canceled: true);
                }

                // Created on first use: most connections never ask, and an idle connection should stay small. A
                // resumable session outlives its first request's TCP connection, so its token follows the session alone.
                source = _abortedSource ??= Policy.Resumable is null
                    ? CancellationTokenSource.CreateLinkedTokenSource(_httpContext.RequestAborted)
                    : new CancellationTokenSource();
                token = source.Token;
                if (_phase != ConnectionPhase.Closed)
                {
                    return token;
                }
            }

            // Outside the lock: cancellation runs the token's callbacks, which may read this connection.
            CancelAborted(source);
            return token;
        }
    }

    /// <summary>True once the connection has ended (or its handshake was refused).</summary>
    internal bool HasEnded => _phase == ConnectionPhase.Closed;

    /// <summary>True once the handshake has been accepted (even if the connection has ended since).</summary>
    internal bool WasAccepted => _socket is not null;

    internal VelithonRuntime Runtime => _runtime;

    /// <summary>The socket, once accepted; for the <see cref="ConnectionMonitor"/>.</summary>
    internal FrameWebSocket? Socket => _socket;

    /// <summary>Whether the handler is waiting in a receive, so that a pong would be read.</summary>
    internal bool IsReceiving => _socket?.IsReading ?? false;

    /// <summary>How long ago the last message arrived (or the connection was accepted), in milliseconds.</summary>
    internal long MillisecondsSinceLastMessage(long now) => now - Volatile.Read(ref _lastMessageTicks);

    private bool TryTakeMessageToken(MessageRateLimit rateLimit) => _messageTokens.TryTake(rateLimit, _runtime.Clock.NowMilliseconds);

    internal WebSocketDisconnectException CreateDisconnectException(Exception? innerException)
    {
        lock (_stateLock)
        {
            return new WebSocketDisconnectException(_closeCode ?? WebSocketCloseCode.AbnormalClosure, _closeReason, innerException);
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
