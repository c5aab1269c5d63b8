using System;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Velithon.Hosting;

namespace Velithon.Connections;

/// <summary>
/// Runs one route's handler for each handshake: rejects requests that are not handshakes, gives the
/// handler its connection, and turns however the handler ends into the right response or close code.
/// </summary>
internal sealed class WebSocketSession(VelithonRuntime runtime, string handlerName, Func<ServerWebSocket, Task> handler)
{
    public Task HandleRequestAsync(HttpContext httpContext)
    {
        if (!httpContext.WebSockets.IsWebSocketRequest)
        {
            return RejectPlainRequestAsync(httpContext);
        }

        return RunAsync(httpContext);
    }

    private async Task RunAsync(HttpContext httpContext)
    {
        var socket = new ServerWebSocket(httpContext, runtime);
        try
        {
            await handler(socket).ConfigureAwait(false);
        }
        catch (WebSocketDisconnectException)
        {
            // The connection ended (peer close, drop, or a limit); the handler had nothing left to do.
        }
        catch (OperationCanceledException) when (socket.HasEnded)
        {
            // The handler awaited the connection's Aborted token.
        }
        catch (JsonException exception) when (socket.ApplicationState == WebSocketState.Connected)
        {
            Log.InvalidJsonMessage(runtime.Logger, handlerName, exception);
            await socket.CloseAsync(WebSocketCloseCode.InvalidPayloadData, "The message is not valid JSON for the expected type.").ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.HandlerFailed(runtime.Logger, handlerName, exception);
            await socket.FailAsync().ConfigureAwait(false);
        }
        finally
        {
            await socket.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static Task RejectPlainRequestAsync(HttpContext httpContext)
    {
        // RFC 9110 section 15.5.22: 426 tells the client which protocol this resource needs.
        httpContext.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
        if (HttpProtocol.IsHttp11(httpContext.Request.Protocol))
        {
            // Connection-level headers exist only in HTTP/1.1 (RFC 9113 section 8.2.2 forbids them in HTTP/2).
            httpContext.Response.Headers[HeaderNames.Upgrade] = "websocket";
            httpContext.Response.Headers[HeaderNames.Connection] = "Upgrade";
        }

        httpContext.Response.ContentType = "text/plain; charset=utf-8";
        return httpContext.Response.WriteAsync("This endpoint accepts only WebSocket connections.", httpContext.RequestAborted);
    }
}
