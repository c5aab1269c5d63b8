using System;

namespace Velithon.Testing;

/// <summary>The server refused the WebSocket handshake: it answered with an HTTP status instead of 101.</summary>
public sealed class WebSocketHandshakeRejectedException : Exception
{
    /// <summary>Creates the exception for a refusal with <paramref name="statusCode"/> and <paramref name="body"/>.</summary>
    public WebSocketHandshakeRejectedException(int statusCode, string body, Exception? innerException = null)
        : base($"The server refused the WebSocket handshake with {statusCode}{(body.Length > 0 ? ": " + body : ".")}", innerException)
    {
        StatusCode = statusCode;
        Body = body;
    }

    /// <summary>The HTTP status, for example 400 for a path value that does not parse or 403 for a handler that closed before accepting.</summary>
    public int StatusCode { get; }

    /// <summary>The response body, where Velithon says why it refused (empty when there was none).</summary>
    public string Body { get; }
}
