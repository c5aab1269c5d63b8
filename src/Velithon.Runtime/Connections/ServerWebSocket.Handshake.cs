using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Claims;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Velithon.Limits;
using Velithon.Metrics;
using Velithon.Protocol;
using Velithon.Protocol.Compression;

namespace Velithon.Connections;

/// <summary>The opening handshake: accepting it (explicitly or with the first send or receive), and refusing it with an HTTP status.</summary>
internal sealed partial class ServerWebSocket
{
    /// <inheritdoc />
    public override Task AcceptAsync(string? subProtocol = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        KeyValuePair<string, string>[]? extraHeaders = headers is null ? null : [.. headers];

        // A contract route confirms its contract's subprotocol when the client offered it and the route named none
        // (docs/contracts.md, "The contract version").
        subProtocol ??= Contract?.OfferedContractSubprotocol();
        if (extraHeaders is not null)
        {
            ResponseHeaderRules.Validate(extraHeaders, nameof(headers));
        }

        lock (_stateLock)
        {
            if (_phase != ConnectionPhase.Connecting)
            {
                throw new InvalidOperationException(_acceptTask is not null
                    ? "The WebSocket connection has already been accepted."
                    : "The WebSocket handshake has already been rejected or closed; it cannot be accepted.");
            }

            if (subProtocol is not null && !IsRequestedSubProtocol(subProtocol))
            {
                // The client's handshake lacks what this handler needs: the client's problem, answered with a 4xx
                // (RFC 6455 section 4.2.2 lets the server refuse a handshake with "an appropriate error code").
                _closeCode = WebSocketCloseCode.PolicyViolation;
                _closeReason = $"The client did not offer the subprotocol '{subProtocol}'.";
                _phase = ConnectionPhase.Closed;
                return RefuseSubProtocolAsync(subProtocol);
            }

            _phase = ConnectionPhase.Accepting;
            _acceptTask = AcceptCoreAsync(subProtocol, extraHeaders);
            return _acceptTask;
        }
    }

    /// <summary>
    /// Refuses the handshake with <paramref name="statusCode"/> and <paramref name="message"/> as a plain-text
    /// body. Generated code reaches it through <see cref="Binding.HandshakeBinder.RejectAsync"/> when a parameter
    /// does not bind.
    /// </summary>
    internal Task RejectAsync(int statusCode, string message)
    {
        lock (_stateLock)
        {
            if (_phase != ConnectionPhase.Connecting)
            {
                throw new InvalidOperationException("A WebSocket handshake can be rejected only before it is accepted.");
            }

            _phase = ConnectionPhase.Closed;
        }

        return WriteRejectionAsync(statusCode, message,
            statusCode == StatusCodes.Status400BadRequest ? RejectionReasons.Binding : RejectionReasons.Application, message);
    }

    private async Task AcceptCoreAsync(string? subProtocol, KeyValuePair<string, string>[]? headers)
    {
        FrameWebSocket? socket = null;
        Sessions.ResumableSession? session = null;
        try
        {
            // Before the 101: a user id provider that throws refuses the handshake as the handler's own exception would.
            Volatile.Write(ref _userId, ResolveUserId());

            if (headers is not null)
            {
                foreach (var (name, value) in headers)
                {
                    _httpContext.Response.Headers.Append(name, value);
                }
            }

            // A resumable route selects the resume subprotocol when the client offers it and the handler named none
            // (docs/resumable-sessions.md); a client that does not offer it gets a connection like any other route's.
            if (Policy.Resumable is not null && subProtocol is null && Sessions.ResumeProtocol.IsOffered(RequestedSubProtocols))
            {
                subProtocol = Sessions.ResumeProtocol.SubProtocol;
            }

            socket = await OpenTransportAsync(_httpContext, _runtime, subProtocol).ConfigureAwait(false);
            if (Policy.Resumable is { } resumable && subProtocol == Sessions.ResumeProtocol.SubProtocol)
            {
                // The token is the session's first message, before anything the handler sends.
                session = _runtime.Sessions.Create(this, resumable);
                await session.StartAsync(socket, _httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            lock (_stateLock)
            {
                _phase = ConnectionPhase.Closed;
                _closeCode ??= WebSocketCloseCode.AbnormalClosure;
            }

            // The session was never the connection's: it leaves the registry and gives back what it holds.
            session?.OnConnectionEnded();

            // Nor was the transport (its session's first message failed): it ends here, before its request does.
            if (socket is not null)
            {
                await socket.DisposeAsync().ConfigureAwait(false);
            }

            if (exception is IOException || (session is not null && FrameWebSocket.IsTransportFailure(exception)))
            {
                throw new WebSocketDisconnectException(WebSocketCloseCode.AbnormalClosure, "The client left during the handshake.", exception);
            }

            // The handler's: it fails its handler, which refuses the handshake with 500 where the response has not started.
            throw;
        }

        bool open;
        lock (_stateLock)
        {
            _socket = socket;
            _session = session;
            _subProtocol = subProtocol;
            open = _phase == ConnectionPhase.Accepting;
            if (open)
            {
                _phase = ConnectionPhase.Open;
            }
        }

        _lastMessageTicks = _runtime.Clock.NowMilliseconds;
        if (Policy.MessageRateLimit is { } rateLimit)
        {
            _messageTokens = new MessageTokenBucket(rateLimit, _lastMessageTicks);
        }

        _runtime.Metrics.HandshakeAccepted();
        _runtime.Metrics.ConnectionOpened();

        // HttpContext.Abort() ends the connection at once: pending receives and sends fail with 1006.
        // A resumable session watches each of its transports' requests itself: their loss detaches it rather than ending it.
        if (session is null)
        {
            _abortRegistration = _httpContext.RequestAborted.UnsafeRegister(static state => ((ServerWebSocket)state!).AbortForDeadline(), this);
        }

        if (_runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.ConnectionAccepted(_runtime.Logger, _httpContext.TraceIdentifier, _httpContext.Request.Path.Value ?? "/", HandlerName, subProtocol ?? "none");
        }

        // After the hub knows of it: a shutdown that began meanwhile closes it with 1001 like every other connection.
        // With a backplane, accept completes once messages to the connection's user from other servers reach it
        // (SignalR's Redis backplane waits the same way before OnConnectedAsync); without one, at once.
        var reachable = _runtime.Hub.Add(this);
        if (!reachable.IsCompleted)
        {
            await reachable.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes the opening handshake of <paramref name="httpContext"/> with <paramref name="subProtocol"/> and returns
    /// its socket: the connection's first transport, or the next one of a resumed session.
    /// </summary>
    internal static async Task<FrameWebSocket> OpenTransportAsync(HttpContext httpContext, Hosting.VelithonRuntime runtime, string? subProtocol)
    {
        // RFC 7692 section 7: permessage-deflate when the route allows it and the client offers something acceptable.
        PerMessageDeflateParameters? deflate = null;
        string? extensions = null;
        if (RouteCompression(httpContext, runtime, out var routeCompression))
        {
            var options = runtime.Options.Compression;
            deflate = PerMessageDeflateNegotiation.Negotiate(
                httpContext.Request.Headers.SecWebSocketExtensions,
                routeCompression is { ServerMaxWindowBits: > 0 } ? routeCompression.ServerMaxWindowBits : options.ServerMaxWindowBits,
                routeCompression?.DisableServerContextTakeover ?? options.DisableServerContextTakeover,
                out extensions);
        }

        var stream = await WebSocketHandshake.AcceptAsync(httpContext, subProtocol, extensions).ConfigureAwait(false);
        return new FrameWebSocket(stream, isServer: true, subProtocol, deflate, httpContext.Abort, runtime.Clock, UpgradedConnectionPipe(httpContext));
    }

    /// <summary>
    /// The connection's own pipes under an HTTP/1.1 upgrade on Kestrel, or null. After the upgrade the connection
    /// carries nothing but the WebSocket, and Kestrel's upgrade stream only passes bytes between its request and
    /// response layers and these pipes (a state machine, checks and a lock per read and write, docs/benchmarks.md
    /// "Where the instructions go"). Only when the upgrade feature is Kestrel's own (the object that also serves the
    /// request feature): a middleware that replaced it wants the frames to go through its stream.
    /// </summary>
    private static System.IO.Pipelines.IDuplexPipe? UpgradedConnectionPipe(HttpContext httpContext)
    {
        var features = httpContext.Features;
        return features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true }
            && features.Get<IHttpUpgradeFeature>() is { } upgrade
            && ReferenceEquals(upgrade, features.Get<IHttpRequestFeature>())
            ? features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionTransportFeature>()?.Transport
            : null;
    }

    /// <summary>The connection's user id: <c>VelithonOptions.UserIdProvider</c>'s, else the name identifier claim.</summary>
    /// <remarks>
    /// The user is read from the authentication feature, which is null when nothing authenticated the request:
    /// <c>HttpContext.User</c> would create that feature and an empty principal for every anonymous connection,
    /// and an empty principal has no claim to find.
    /// </remarks>
    internal string? ResolveUserId() => _runtime.Options.UserIdProvider is { } userIdProvider
        ? userIdProvider(this)
        : _httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature>()?.User?.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    /// <summary>Whether this route negotiates compression: its [WebSocketCompression] (endpoint metadata) overrides the options.</summary>
    private static bool RouteCompression(HttpContext httpContext, Hosting.VelithonRuntime runtime, out WebSocketCompressionAttribute? routeCompression)
    {
        routeCompression = httpContext.GetEndpoint()?.Metadata.GetMetadata<WebSocketCompressionAttribute>();
        return routeCompression?.Enabled ?? runtime.Options.Compression.Enabled;
    }

    private async ValueTask AcceptImplicitlyAsync()
    {
        Task acceptTask;
        lock (_stateLock)
        {
            if (_acceptTask is null)
            {
                if (_phase != ConnectionPhase.Connecting)
                {
                    throw CreateDisconnectException(null);
                }

                _phase = ConnectionPhase.Accepting;
                _acceptTask = AcceptCoreAsync(Contract?.OfferedContractSubprotocol(), null);
            }

            acceptTask = _acceptTask;
        }

        await acceptTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Answers the handshake with <paramref name="statusCode"/> and <paramref name="message"/> as the body, counts it
    /// under <paramref name="category"/>, and logs <paramref name="logReason"/> through the rate-limited refusal log
    /// (none for a 500, which the handler's failure already logged at Error).
    /// </summary>
    private async Task WriteRejectionAsync(int statusCode, string? message, string category, string? logReason)
    {
        lock (_stateLock)
        {
            _phase = ConnectionPhase.Closed;
            _closeCode ??= WebSocketCloseCode.PolicyViolation;
        }

        _runtime.Metrics.HandshakeRejected(category);
        if (logReason is not null)
        {
            _runtime.RefusalLog.Refused(category, statusCode, _httpContext.Request.Path.Value ?? "/", logReason);
        }

        var response = _httpContext.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = statusCode;
        if (!string.IsNullOrEmpty(message))
        {
            response.ContentType = "text/plain; charset=utf-8";
            try
            {
                await response.WriteAsync(message, _httpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException)
            {
                // The client left before reading the rejection.
            }
        }
    }

    private bool IsRequestedSubProtocol(string subProtocol)
    {
        foreach (var offered in RequestedSubProtocols)
        {
            if (string.Equals(offered, subProtocol, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string DescribeRequestedSubProtocols() =>
        RequestedSubProtocols.Count == 0 ? "none" : "'" + string.Join("', '", RequestedSubProtocols) + "'";

    /// <summary>Refuses the handshake with 400 because the client did not offer <paramref name="subProtocol"/>, then ends the handler.</summary>
    private async Task RefuseSubProtocolAsync(string subProtocol)
    {
        string message = $"This endpoint needs the WebSocket subprotocol '{subProtocol}' (Sec-WebSocket-Protocol); the client offered {DescribeRequestedSubProtocols()}.";
        await WriteRejectionAsync(StatusCodes.Status400BadRequest, message, RejectionReasons.SubProtocol, message).ConfigureAwait(false);

        // The handler cannot go on without a connection: the same exception a receive on an ended connection throws.
        throw CreateDisconnectException(null);
    }
}
