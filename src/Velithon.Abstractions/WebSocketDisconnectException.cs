using System;

namespace Velithon;

/// <summary>
/// Thrown by receive and send calls when the connection has ended: the peer sent a close frame
/// (its code and reason are carried here), the transport dropped (code 1006), or the server closed it.
/// </summary>
/// <remarks>
/// A handler does not need to catch it: when it escapes a handler, the runtime treats it as the
/// normal end of the connection and logs nothing.
/// </remarks>
public class WebSocketDisconnectException : Exception
{
    private string? _message;

    /// <summary>Creates the exception for a connection that ended with <paramref name="code"/>.</summary>
    public WebSocketDisconnectException(int code, string? reason = null, Exception? innerException = null)
        : base(null, innerException)
    {
        Code = code;
        Reason = reason ?? string.Empty;
    }

    /// <summary>The close code: the peer's, or 1006 when the connection dropped without a close frame.</summary>
    public int Code { get; }

    /// <summary>The close reason sent with the code; empty when none was given.</summary>
    public string Reason { get; }

    /// <summary>The close code and reason in words: "The WebSocket connection closed with code 1000." or "...: reason".</summary>
    /// <remarks>
    /// Written when first read, not when thrown: almost every connection ends with this exception, and almost none
    /// has its message read.
    /// </remarks>
    public override string Message => _message ??= FormatMessage(Code, Reason);

    private static string FormatMessage(int code, string reason) =>
        reason.Length == 0
            ? $"The WebSocket connection closed with code {code}."
            : $"The WebSocket connection closed with code {code}: {reason}";
}
