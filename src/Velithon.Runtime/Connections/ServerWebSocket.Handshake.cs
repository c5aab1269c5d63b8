using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Velithon.Metrics;
using Velithon.Protocol;
using TransportWebSocket = System.Net.WebSockets.WebSocket;

namespace Velithon.Connections;

/// <summary>The opening handshake: accepting it (explicitly or with the first send or receive), and refusing it with an HTTP status.</summary>
internal sealed partial class ServerWebSocket
{
    /// <inheritdoc />
    public override Task AcceptAsync(string? subProtocol = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        KeyValuePair<string, string>[]? extraHeaders = headers is null ? null : [.. headers];
        if (extraHeaders is not null)
        {
            ResponseHeaderRules.Validate(extraHeaders, nameof(headers));
        }

        lock (_stateLock)
        {
            if (_acceptTask is not null || _applicationState != WebSocketState.Connecting)
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
                BeginRejectLocked();
                return RefuseSubProtocolAsync(subProtocol);
            }

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
            if (_acceptTask is not null || _applicationState != WebSocketState.Connecting)
            {
                throw new InvalidOperationException("A WebSocket handshake can be rejected only before it is accepted.");
            }

            BeginRejectLocked();
        }

        return WriteRejectionAsync(statusCode, message,
            statusCode == StatusCodes.Status400BadRequest ? RejectionReasons.Binding : RejectionReasons.Application, message);
    }

    private async Task AcceptCoreAsync(string? subProtocol, KeyValuePair<string, string>[]? headers)
    {
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                _httpContext.Response.Headers.Append(name, value);
            }
        }

        // Hold back aborts from the transport until the handler is done; see DeferredAbortLifetimeFeature.
        if (_httpContext.Features.Get<IHttpRequestLifetimeFeature>() is { } lifetime)
        {
            _lifetime = new DeferredAbortLifetimeFeature(lifetime);
            _httpContext.Features.Set<IHttpRequestLifetimeFeature>(_lifetime);
        }

        TransportWebSocket socket;
        try
        {
            // Velithon's own framing where it can see the transport and no extension is negotiated; else the framework's.
            socket = WebSocketHandshake.CanServe(_httpContext, RouteCompression(out _))
                ? await WebSocketHandshake.AcceptAsync(_httpContext, subProtocol).ConfigureAwait(false)
                : await _httpContext.WebSockets.AcceptWebSocketAsync(CreateAcceptContext(subProtocol)).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
            throw new WebSocketDisconnectException(WebSocketCloseCode.AbnormalClosure, "The client left during the handshake.", exception);
        }

        _transportStream = (_httpContext.Features.Get<IHttpUpgradeFeature>() as ObservedUpgradeFeature)?.Stream
            ?? (_httpContext.Features.Get<IHttpExtendedConnectFeature>() as ObservedExtendedConnectFeature)?.Stream;
        if (_transportStream is not null)
        {
            _transportStream.Lifetime = _lifetime;
            _transportStream.KeepAlive.LastHeard = Environment.TickCount64;
        }

        lock (_stateLock)
        {
            _socket = socket;
            _subProtocol = subProtocol;
            if (!_ended)
            {
                _clientState = WebSocketState.Connected;
                _applicationState = WebSocketState.Connected;
            }
        }

        _lastMessageTicks = Environment.TickCount64;
        _runtime.Metrics.HandshakeAccepted();
        _runtime.Metrics.ConnectionOpened();
        _runtime.Hub.Add(this);
        if (_runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            Log.ConnectionAccepted(_runtime.Logger, _httpContext.TraceIdentifier, _httpContext.Request.Path.Value ?? "/", HandlerName, subProtocol ?? "none");
        }
    }

    private WebSocketAcceptContext CreateAcceptContext(string? subProtocol)
    {
        var options = _runtime.Options;
        var context = new WebSocketAcceptContext { SubProtocol = subProtocol };
        if (WebSocketHandshake.SeesTransport(_httpContext))
        {
            // The KeepAliveMonitor pings and times out; the framework WebSocket keeps neither timer nor state.
            context.KeepAliveInterval = TimeSpan.Zero;
        }
        else
        {
            context.KeepAliveInterval = options.KeepAliveInterval;
            context.KeepAliveTimeout = options.KeepAliveInterval > TimeSpan.Zero && options.KeepAliveTimeout > TimeSpan.Zero
                ? options.KeepAliveTimeout
                : System.Threading.Timeout.InfiniteTimeSpan;
        }

        if (RouteCompression(out var routeCompression))
        {
            // RFC 7692: negotiated only when the client offers permessage-deflate.
            context.DangerousEnableCompression = true;
            context.ServerMaxWindowBits = routeCompression is { ServerMaxWindowBits: > 0 } ? routeCompression.ServerMaxWindowBits : options.Compression.ServerMaxWindowBits;
            context.DisableServerContextTakeover = routeCompression?.DisableServerContextTakeover ?? options.Compression.DisableServerContextTakeover;
        }

        return context;
    }

    /// <summary>Whether this route negotiates compression: its [WebSocketCompression] (endpoint metadata) overrides the options.</summary>
    private bool RouteCompression(out WebSocketCompressionAttribute? routeCompression)
    {
        routeCompression = _httpContext.GetEndpoint()?.Metadata.GetMetadata<WebSocketCompressionAttribute>();
        return routeCompression?.Enabled ?? _runtime.Options.Compression.Enabled;
    }

    private async ValueTask<TransportWebSocket> AcceptImplicitlyAsync()
    {
        Task acceptTask;
        lock (_stateLock)
        {
            if (_acceptTask is null)
            {
                if (_applicationState != WebSocketState.Connecting)
                {
                    throw CreateDisconnectException(null);
                }

                _acceptTask = AcceptCoreAsync(null, null);
            }

            acceptTask = _acceptTask;
        }

        await acceptTask.ConfigureAwait(false);
        return _socket!;
    }

    private void BeginRejectLocked()
    {
        _clientState = WebSocketState.Disconnected;
        _applicationState = WebSocketState.Disconnected;
    }

    /// <summary>
    /// Answers the handshake with <paramref name="statusCode"/> and <paramref name="message"/> as the body, counts it
    /// under <paramref name="category"/>, and logs <paramref name="logReason"/> through the rate-limited refusal log
    /// (none for a 500, which the handler's failure already logged at Error).
    /// </summary>
    private async Task WriteRejectionAsync(int statusCode, string? message, string category, string? logReason)
    {
        MarkEnded(_closeCode ?? WebSocketCloseCode.PolicyViolation, _closeReason);
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
