using System;
using Microsoft.Extensions.Logging;

namespace Velithon.Connections;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "The WebSocket handler {Handler} threw an exception; its connection is closed with 1011 (or rejected with 500 before accept).", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string handler, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "The WebSocket handler {Handler} received a message that is not valid JSON; the connection is closed with 1007.", EventName = "InvalidJsonMessage")]
    public static partial void InvalidJsonMessage(ILogger logger, string handler, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "A WebSocket message exceeded the limit of {MaxMessageSize} bytes; the connection is closed with 1009.", EventName = "MessageTooBig")]
    public static partial void MessageTooBig(ILogger logger, int maxMessageSize);

    [LoggerMessage(4, LogLevel.Debug, "A WebSocket close handshake did not complete within {Timeout}; the connection is aborted.", EventName = "CloseTimedOut")]
    public static partial void CloseTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(6, LogLevel.Error, "The WebSocket endpoint {Endpoint} threw an exception; its connection is closed with 1011 (or rejected with 500 before accept).", EventName = "EndpointFailed")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "The WebSocket endpoint {Endpoint} could not dispatch a message: {Reason}", EventName = "InvalidMessage")]
    public static partial void InvalidMessage(ILogger logger, string endpoint, string reason);

    [LoggerMessage(5, LogLevel.Debug, "The WebSocket connection failed: {Reason}.", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "A WebSocket handshake from the origin {Origin} was refused with 403: the origin is not allowed.", EventName = "OriginRefused")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(9, LogLevel.Debug, "A WebSocket handshake was refused: {Reason}.", EventName = "ConnectionLimitReached")]
    public static partial void ConnectionLimitReached(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Debug, "A WebSocket connection received no message for {IdleTimeout}; it is closed with 1001.", EventName = "IdleTimeout")]
    public static partial void IdleTimeout(ILogger logger, TimeSpan idleTimeout);

    [LoggerMessage(11, LogLevel.Debug, "A WebSocket peer left a keep-alive ping unanswered for {KeepAliveTimeout}; the connection is aborted (1006).", EventName = "KeepAliveTimedOut")]
    public static partial void KeepAliveTimedOut(ILogger logger, TimeSpan keepAliveTimeout);
}
