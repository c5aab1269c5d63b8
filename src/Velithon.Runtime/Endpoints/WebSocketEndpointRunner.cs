using System;
using System.ComponentModel;
using System.Threading.Tasks;
using Velithon.Connections;

namespace Velithon.Endpoints;

/// <summary>
/// Runs a <see cref="WebSocketEndpoint"/> through the Python original's lifecycle: connect, accept,
/// connect-complete, receive, disconnect, with error in between. Infrastructure: it exists for the code
/// Velithon's generator writes, which calls it with the endpoint instance and the message dispatch it wrote for
/// that endpoint; it is hidden from IntelliSense, and applications do not call it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WebSocketEndpointRunner
{
    /// <summary>Runs <paramref name="endpoint"/> on <paramref name="socket"/> until the connection ends.</summary>
    /// <param name="socket">The connection the generated handler was given, not yet accepted.</param>
    /// <param name="endpoint">The endpoint instance for this connection.</param>
    /// <param name="dispatch">Hands one received message to the endpoint's receive method.</param>
    /// <returns>A task that completes once the connection has ended and the endpoint is disposed.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="socket"/> is not a connection of Velithon's runtime.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task RunAsync<TEndpoint>(
        WebSocket socket,
        TEndpoint endpoint,
        Func<TEndpoint, WebSocket, WebSocketMessage, ValueTask> dispatch)
        where TEndpoint : WebSocketEndpoint
    {
        var connection = RuntimeConnection.Require(socket, "WebSocketEndpointRunner.RunAsync");
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(dispatch);
        return RunCoreAsync(connection, endpoint, dispatch, contract: null);
    }

    /// <summary>
    /// Runs <paramref name="endpoint"/>, whose <see cref="OnMessageAttribute"/> methods take a typed contract's socket,
    /// through the same lifecycle, its receive loop being <see cref="ContractSocket.DispatchMessagesAsync"/>: the
    /// messages are dispatched by the contract's generated dispatch, which the socket was created with.
    /// </summary>
    /// <param name="contract">The connection's typed socket, created by the generated route, not yet accepted.</param>
    /// <param name="endpoint">The endpoint instance for this connection.</param>
    /// <returns>A task that completes once the connection has ended and the endpoint is disposed.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static Task RunAsync<TEndpoint>(ContractSocket contract, TEndpoint endpoint)
        where TEndpoint : WebSocketEndpoint
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(endpoint);
        return RunCoreAsync(contract.Connection, endpoint, dispatch: null, contract);
    }

    /// <summary>The lifecycle of both forms: the receive loop is the contract's when there is one, else the dispatch's.</summary>
    private static async Task RunCoreAsync<TEndpoint>(
        ServerWebSocket socket,
        TEndpoint endpoint,
        Func<TEndpoint, WebSocket, WebSocketMessage, ValueTask>? dispatch,
        ContractSocket? contract)
        where TEndpoint : WebSocketEndpoint
    {
        var logger = socket.Runtime.Logger;
        string endpointName = typeof(TEndpoint).FullName ?? typeof(TEndpoint).Name;
        try
        {
            try
            {
                await endpoint.OnConnectAsync(socket).ConfigureAwait(false);
                if (socket.ApplicationState == WebSocketState.Disconnected)
                {
                    return;
                }

                if (!socket.WasAccepted)
                {
                    await socket.AcceptAsync().ConfigureAwait(false);
                }

                await endpoint.OnConnectCompleteAsync(socket).ConfigureAwait(false);
                if (contract is not null)
                {
                    await contract.DispatchMessagesAsync().ConfigureAwait(false);
                }
                else
                {
                    while (await socket.ReceiveOrDisconnectAsync().ConfigureAwait(false) is { Kind: not 0 } message)
                    {
                        await dispatch!(endpoint, socket, message).ConfigureAwait(false);
                    }
                }
            }
            catch (WebSocketDisconnectException)
            {
                // The connection ended during a lifecycle method or a send (or a refused subprotocol ended the
                // handshake); OnDisconnectAsync below reports it.
                // (The receive loop above ends without an exception.)
            }
            catch (OperationCanceledException) when (socket.HasEnded)
            {
                // A lifecycle method awaited the connection's Aborted token.
            }
            catch (WebSocketCloseException close)
            {
                // A deliberate close, not an error: OnErrorAsync does not run.
                await socket.CloseForAsync(endpointName, close).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await HandleErrorAsync(socket, endpoint, endpointName, exception).ConfigureAwait(false);
            }

            if (socket.WasAccepted)
            {
                // The connection must be over before OnDisconnectAsync, so it can read the close code.
                await socket.CompleteAsync().ConfigureAwait(false);
                try
                {
                    await endpoint.OnDisconnectAsync(socket).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not (OperationCanceledException or WebSocketDisconnectException or WebSocketCloseException))
                {
                    // The connection is over; a send from here fails with WebSocketDisconnectException, which is no error.
                    Log.EndpointFailed(logger, endpointName + ".OnDisconnectAsync", exception);
                }
                catch (WebSocketDisconnectException)
                {
                }
                catch (WebSocketCloseException)
                {
                    // Nothing is left to close.
                }
            }
        }
        finally
        {
            if (endpoint is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (endpoint is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    /// <summary>
    /// Gives <paramref name="exception"/> to <see cref="WebSocketEndpoint.OnErrorAsync"/> first. If it ends the
    /// connection itself (<see cref="WebSocket.CloseAsync"/>, or throwing <see cref="WebSocketCloseException"/>),
    /// the error is handled: the connection ends as it chose and the exception is logged at Debug. Otherwise the
    /// error is unhandled: logged at Error, and the connection closes with 1011 (HTTP 500 before accept).
    /// </summary>
    private static async Task HandleErrorAsync<TEndpoint>(ServerWebSocket socket, TEndpoint endpoint, string endpointName, Exception exception)
        where TEndpoint : WebSocketEndpoint
    {
        var logger = socket.Runtime.Logger;
        bool closedBefore = socket.ClosedByApplication;
        try
        {
            await endpoint.OnErrorAsync(socket, exception).ConfigureAwait(false);
        }
        catch (WebSocketCloseException close)
        {
            await socket.CloseAsync(close.Code, close.Reason).ConfigureAwait(false);
        }
        catch (WebSocketDisconnectException)
        {
            // OnErrorAsync tried to send on a connection that has ended; the unhandled error is logged below.
        }
        catch (Exception onErrorException)
        {
            Log.EndpointFailed(logger, endpointName + ".OnErrorAsync", onErrorException);
        }

        if (!closedBefore && socket.ClosedByApplication)
        {
            Log.ErrorHandled(logger, endpointName, socket.DescribeEnding(), exception);
            return;
        }

        await socket.FailAsync(endpointName, exception).ConfigureAwait(false);
    }

    /// <summary>
    /// The reaction to a binary message for an endpoint that does not override
    /// <see cref="WebSocketEndpoint.OnReceiveBytesAsync"/>: close with 1003 (RFC 6455 section 7.4.1).
    /// </summary>
    /// <param name="socket">The connection the binary message arrived on.</param>
    /// <returns>A task that completes once the close handshake has ended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static async ValueTask RejectBinaryAsync(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        await socket.CloseAsync(WebSocketCloseCode.UnsupportedData, "This endpoint accepts only text messages.").ConfigureAwait(false);
    }
}
