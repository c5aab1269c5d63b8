using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Velithon.Binding;
using Velithon.Hosting;
using Velithon.Metrics;
using Velithon.Protocol;
using Velithon.Routing;

namespace Velithon.Connections;

/// <summary>
/// Runs one route's handler for each handshake: rejects requests that are not handshakes, enforces the
/// origin and connection limits, gives the handler its connection, and turns however the handler ends
/// into the right response or close code.
/// </summary>
internal sealed class WebSocketSession(VelithonRuntime runtime, string handlerName, Func<ServerWebSocket, Task> handler)
{
    private RouteValueDecoder? _routeValues;
    private RoutePolicy? _policy;
    private int _reportedMissingKeys;

    /// <summary>
    /// The route's request delegate. Velithon's WebSocket handling lives here, inside its own endpoints, and not in
    /// the application's pipeline: a raw ASP.NET Core WebSocket endpoint or a SignalR hub beside Velithon's routes
    /// sees exactly the pipeline the application built, its own <c>UseWebSockets(options)</c> included
    /// (<c>AllowedOrigins</c>, keep-alive). Velithon checks and completes the handshake itself
    /// (<see cref="WebSocketHandshake"/>), so nothing of the framework's WebSocket is involved.
    /// </summary>
    public RequestDelegate CreateRequestDelegate() => HandleRequestAsync;

    private Task HandleRequestAsync(HttpContext httpContext)
    {
        if (WebSocketHandshake.Check(httpContext) is { } refusal)
        {
            return RefuseHandshakeAsync(httpContext, refusal);
        }

        var policy = _policy ??= runtime.ResolvePolicy(httpContext.GetEndpoint());
        if (!policy.OriginPolicy.IsAllowed(httpContext.Request))
        {
            return RejectAsync(httpContext, StatusCodes.Status403Forbidden, RejectionReasons.Origin,
                "This origin may not open WebSocket connections to this server.",
                ReferenceEquals(policy, runtime.DefaultPolicy)
                    ? $"the origin {httpContext.Request.Headers[HeaderNames.Origin]} is not allowed (VelithonOptions.AllowedOrigins)"
                    : $"the origin {httpContext.Request.Headers[HeaderNames.Origin]} is not allowed (the route's [AllowedOrigins])");
        }

        // Every route value decoded once by one rule, before any handler code sees it (docs/routing-and-binding.md).
        var routeValues = _routeValues ??= RouteValueDecoder.For(httpContext.GetEndpoint());
        if (routeValues.HasParameters && routeValues.Decode(httpContext) is { } undecodable)
        {
            string message = HandshakeBinder.InvalidValue("route", undecodable.Name, undecodable.Raw, "valid percent-encoded UTF-8");
            return RejectAsync(httpContext, StatusCodes.Status400BadRequest, RejectionReasons.Binding, message, message);
        }

        // A route made resumable by metadata the generator did not see (a group's WithMetadata) has no keys for its
        // tokens unless the application registered Data Protection: every handshake is refused, none fails midway.
        if (policy.Resumable is not null && !runtime.Sessions.CanProtectTokens)
        {
            return RefuseWithoutSessionKeysAsync(httpContext);
        }

        // A resume takes no connection slot: the session it resumes holds one already.
        if (policy.Resumable is not null && Sessions.ResumeProtocol.FindOffer(WebSocketHandshake.RequestedSubProtocols(httpContext.Request)) is { } resume)
        {
            return runtime.Sessions.ResumeAsync(httpContext, policy, handlerName, resume);
        }

        if (!policy.TryAcquireConnection())
        {
            return RejectAsync(httpContext, StatusCodes.Status503ServiceUnavailable, RejectionReasons.TooManyConnections,
                "This endpoint holds as many WebSocket connections as it allows.",
                $"the route holds as many connections as its [MaxConnections({policy.MaxConnections})] allows");
        }

        if (runtime.ConnectionLimiter is { } limiter)
        {
            var address = httpContext.Connection.RemoteIpAddress;
            if (limiter.TryAcquire(address) is { } reason)
            {
                policy.ReleaseConnection();
                bool global = reason == RejectionReasons.TooManyConnections;
                return RejectAsync(httpContext,
                    global ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests,
                    reason,
                    global ? "The server holds as many WebSocket connections as it allows." : "This address holds as many WebSocket connections as the server allows.",
                    global
                        ? "the server holds as many connections as VelithonOptions.MaxConnections allows"
                        : $"{address} holds as many connections as VelithonOptions.MaxConnectionsPerIp allows");
            }
        }

        return policy.MaxConnections is null && runtime.ConnectionLimiter is null
            ? RunAsync(httpContext, policy)
            : RunLimitedAsync(httpContext, policy);
    }

    private async Task RunLimitedAsync(HttpContext httpContext, RoutePolicy policy)
    {
        try
        {
            await RunAsync(httpContext, policy).ConfigureAwait(false);
        }
        finally
        {
            runtime.ConnectionLimiter?.Release(httpContext.Connection.RemoteIpAddress);
            policy.ReleaseConnection();
        }
    }

    private async Task RunAsync(HttpContext httpContext, RoutePolicy policy)
    {
        var socket = new ServerWebSocket(httpContext, runtime, handlerName, policy);
        try
        {
            // Most connections end with WebSocketDisconnectException from the handler's receive. The handler's
            // task is looked at rather than awaited with a rethrow: on Native AOT every throw walks the stack,
            // tens of thousands of instructions, more than the rest of a connection's end.
            var running = StartHandler(socket);
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            // The connection ended (peer close, drop, or a limit) and the handler had nothing left to do: the usual
            // end of a receive loop, settled here without starting the failure path.
            if (!running.IsCompletedSuccessfully && HandlerException(running) is not WebSocketDisconnectException and var failure)
            {
                await EndFailedHandlerAsync(socket, failure).ConfigureAwait(false);
            }

            await socket.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // No failure may reach the server's unhandled-exception handler, which would log it a second time and
            // answer the request again: it is logged once here, and the connection ends without a close handshake.
            Log.TeardownFailed(runtime.Logger, handlerName, exception);
            socket.AbortForDeadline();
            await socket.CompleteAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Task StartHandler(ServerWebSocket socket)
    {
        try
        {
            return handler(socket);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    /// <summary>The exception an await of the faulted or canceled <paramref name="running"/> task would throw.</summary>
    private static Exception HandlerException(Task running)
    {
        if (running.Exception?.InnerException is { } exception)
        {
            return exception;
        }

        try
        {
            running.GetAwaiter().GetResult();
            throw new InvalidOperationException("The handler's task was expected to have faulted or been canceled.");
        }
        catch (OperationCanceledException cancellation)
        {
            return cancellation;
        }
    }

    private async Task EndFailedHandlerAsync(ServerWebSocket socket, Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException when socket.HasEnded:
                // The handler awaited the connection's Aborted token.
                return;
            case WebSocketCloseException close:
                // A deliberate close (Starlette's WebSocketException): exactly its code and reason, no error.
                await socket.CloseForAsync(handlerName, close).ConfigureAwait(false);
                return;
            default:
                await socket.FailAsync(handlerName, exception).ConfigureAwait(false);
                return;
        }
    }

    private Task RefuseWithoutSessionKeysAsync(HttpContext httpContext)
    {
        string problem = Sessions.SessionRegistry.MissingKeysMessage($"The route {httpContext.Request.Path.Value} ({handlerName})");
        // Handshakes run concurrently: the exchange lets exactly one of them log.
        if (Interlocked.Exchange(ref _reportedMissingKeys, 1) == 0)
        {
            Log.SessionKeysMissing(runtime.Logger, handlerName, problem);
        }

        return RejectAsync(httpContext, StatusCodes.Status500InternalServerError, RejectionReasons.Error,
            "This endpoint's resumable sessions are not configured.", problem);
    }

    private Task RejectAsync(HttpContext httpContext, int statusCode, string reason, string message, string logReason)
    {
        runtime.Metrics.HandshakeRejected(reason);
        runtime.RefusalLog.Refused(reason, statusCode, httpContext.Request.Path.Value ?? "/", logReason);
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = "text/plain; charset=utf-8";
        return WriteBodyAsync(httpContext, message);
    }

    /// <summary>Writes a refusal's body; a client that left before reading it is no failure of the server's.</summary>
    private static async Task WriteBodyAsync(HttpContext httpContext, string message)
    {
        try
        {
            await httpContext.Response.WriteAsync(message, httpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is System.IO.IOException or OperationCanceledException)
        {
            // The client went away; nothing is left to answer.
        }
    }

    private Task RefuseHandshakeAsync(HttpContext httpContext, HandshakeRefusal refusal)
    {
        runtime.Metrics.HandshakeRejected(refusal.Reason);
        runtime.RefusalLog.Refused(refusal.Reason, refusal.StatusCode, httpContext.Request.Path.Value ?? "/", refusal.LogReason);
        httpContext.Response.StatusCode = refusal.StatusCode;
        if (refusal.NamesVersion)
        {
            // RFC 9110 section 15.5.22: 426 tells the client which protocol this resource needs; RFC 6455 sections 4.2.2
            // and 4.4: a refusal names the versions the server speaks, so a client can retry with one.
            httpContext.Response.Headers.SecWebSocketVersion = WebSocketHandshake.SupportedVersion;
            if (HttpProtocol.IsHttp11(httpContext.Request.Protocol))
            {
                // Connection-level headers exist only in HTTP/1.1 (RFC 9113 section 8.2.2 forbids them in HTTP/2).
                httpContext.Response.Headers[HeaderNames.Upgrade] = "websocket";
                httpContext.Response.Headers[HeaderNames.Connection] = "Upgrade";
            }
        }

        httpContext.Response.ContentType = "text/plain; charset=utf-8";

        // RFC 9110 section 9.3.2: HEAD gets the status and headers a GET would, without the body.
        return HttpMethods.IsHead(httpContext.Request.Method)
            ? Task.CompletedTask
            : WriteBodyAsync(httpContext, refusal.Message);
    }
}
