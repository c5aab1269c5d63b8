using System;
using Microsoft.Extensions.Logging;

namespace Velithon.Connections;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "The WebSocket handler {Handler} threw an exception after accepting; its connection is closed with 1011 (internal error).", EventName = "HandlerFailed")]
    public static partial void HandlerFailedAfterAccept(ILogger logger, string handler, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "The WebSocket handler {Handler} threw an exception before accepting; the handshake is refused with HTTP 500.", EventName = "HandlerFailedBeforeAccept")]
    public static partial void HandlerFailedBeforeAccept(ILogger logger, string handler, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "The WebSocket handler {Handler} threw an exception after its connection had ended with {CloseCode}.", EventName = "HandlerFailedAfterClose")]
    public static partial void HandlerFailedAfterClose(ILogger logger, string handler, int closeCode, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "The WebSocket handler {Handler} received a message that is not valid JSON; the connection is closed with 1007.", EventName = "InvalidJsonMessage")]
    public static partial void InvalidJsonMessage(ILogger logger, string handler, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "A WebSocket message exceeded the limit of {MaxMessageSize} bytes; the connection is closed with 1009.", EventName = "MessageTooBig")]
    public static partial void MessageTooBig(ILogger logger, int maxMessageSize);

    [LoggerMessage(4, LogLevel.Debug, "A WebSocket close handshake did not complete within {Timeout}; the connection is aborted.", EventName = "CloseTimedOut")]
    public static partial void CloseTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(6, LogLevel.Error, "The WebSocket endpoint {Endpoint} threw an exception.", EventName = "EndpointFailed")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "The WebSocket endpoint {Endpoint} could not dispatch a message: {Reason}", EventName = "InvalidMessage")]
    public static partial void InvalidMessage(ILogger logger, string endpoint, string reason);

    [LoggerMessage(5, LogLevel.Debug, "The WebSocket connection failed: {Reason}.", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "A WebSocket connection received no message for {IdleTimeout}; it is closed with 1001.", EventName = "IdleTimeout")]
    public static partial void IdleTimeout(ILogger logger, TimeSpan idleTimeout);

    [LoggerMessage(11, LogLevel.Debug, "A WebSocket peer left a keep-alive ping unanswered for {KeepAliveTimeout}; the connection is aborted (1006).", EventName = "KeepAliveTimedOut")]
    public static partial void KeepAliveTimedOut(ILogger logger, TimeSpan keepAliveTimeout);

    [LoggerMessage(14, LogLevel.Information, "A WebSocket handshake for {Path} was refused with HTTP {StatusCode}: {Reason}", EventName = "HandshakeRefused")]
    public static partial void HandshakeRefused(ILogger logger, string path, int statusCode, string reason);

    [LoggerMessage(15, LogLevel.Information, "{Count} more WebSocket handshakes were refused with HTTP {StatusCode} ({Category}) in the last {Period} without a line each.", EventName = "HandshakeRefusalsSuppressed")]
    public static partial void HandshakeRefusalsSuppressed(ILogger logger, int count, int statusCode, string category, TimeSpan period);

    [LoggerMessage(16, LogLevel.Debug, "WebSocket connection {ConnectionId} for {Path} accepted by {Handler} (subprotocol: {SubProtocol}).", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, string path, string handler, string subProtocol);

    [LoggerMessage(17, LogLevel.Debug, "WebSocket connection {ConnectionId} for {Path} closed with {CloseCode} (reason: {CloseReason}).", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string path, int closeCode, string closeReason);

    [LoggerMessage(18, LogLevel.Debug, "The WebSocket handler {Handler} threw WebSocketCloseException: {Outcome}.", EventName = "ClosedByException")]
    public static partial void ClosedByException(ILogger logger, string handler, string outcome);

    [LoggerMessage(19, LogLevel.Debug, "The WebSocket endpoint {Endpoint} threw an exception that its OnErrorAsync handled by closing the connection: {Outcome}.", EventName = "ErrorHandled")]
    public static partial void ErrorHandled(ILogger logger, string endpoint, string outcome, Exception exception);

    [LoggerMessage(20, LogLevel.Information, "WebSocket route {Route} is served by {Handler}.", EventName = "RouteMapped")]
    public static partial void RouteMapped(ILogger logger, string route, string handler);

    [LoggerMessage(21, LogLevel.Warning, "AddVelithon() was called but no Velithon WebSocket route is mapped, so every WebSocket handshake gets 404. Call app.MapVelithon() after building the app.", EventName = "NoRoutesMapped")]
    public static partial void NoRoutesMapped(ILogger logger);

    [LoggerMessage(27, LogLevel.Error, "The WebSocket handler {Handler} refuses every handshake with HTTP 500: {Problem}", EventName = "SessionKeysMissing")]
    public static partial void SessionKeysMissing(ILogger logger, string handler, string problem);

    [LoggerMessage(22, LogLevel.Debug, "A WebSocket send waited {SendTimeout} for the peer to read; the connection is aborted (1006).", EventName = "SendTimedOut")]
    public static partial void SendTimedOut(ILogger logger, TimeSpan sendTimeout);

    [LoggerMessage(23, LogLevel.Debug, "A WebSocket peer broke the protocol; the connection fails with {CloseCode}: {Reason}", EventName = "ProtocolViolation")]
    public static partial void PeerViolatedProtocol(ILogger logger, int closeCode, string reason);

    [LoggerMessage(24, LogLevel.Error, "Ending the WebSocket connection of {Handler} failed; it is aborted.", EventName = "TeardownFailed")]
    public static partial void TeardownFailed(ILogger logger, string handler, Exception exception);

    [LoggerMessage(25, LogLevel.Error, "A broadcast could not be sent to a WebSocket connection; its queue goes on with the next message.", EventName = "BroadcastFailed")]
    public static partial void BroadcastFailed(ILogger logger, Exception exception);

    [LoggerMessage(26, LogLevel.Error, "A callback registered on the Aborted token of a WebSocket connection of {Handler} threw; the connection ends regardless.", EventName = "AbortedCallbackFailed")]
    public static partial void AbortedCallbackFailed(ILogger logger, string handler, Exception exception);
}
