using System;
using System.Text;

namespace Velithon;

/// <summary>
/// Throw it anywhere in handler code to end the connection with <see cref="Code"/> and <see cref="Reason"/>:
/// after accept the runtime sends that close frame (RFC 6455 section 7.1.2); before accept it refuses the
/// handshake with HTTP 403 and the reason as the body, as <see cref="WebSocket.CloseAsync"/> does. It is a
/// deliberate close, not a crash: the runtime logs it at Debug, and an endpoint's
/// <see cref="WebSocketEndpoint.OnErrorAsync"/> does not run for it.
/// </summary>
/// <remarks>
/// Named apart from <see cref="System.Net.WebSockets.WebSocketException"/>, which reports transport failures,
/// so that files importing both <c>System.Net.WebSockets</c> and <c>Velithon</c> still compile.
/// </remarks>
/// <example><code>
/// if (!rooms.Exists(roomId))
///     throw new WebSocketCloseException(4004, "No such room");
/// </code></example>
public class WebSocketCloseException : Exception
{
    // RFC 6455 section 5.5: a control frame carries at most 125 bytes, two of which are the close code.
    private const int MaxReasonBytes = 123;

    /// <summary>Creates the exception that closes the connection with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    /// <param name="code">A code from <see cref="WebSocketCloseCode"/> that may be sent (1000-1003, 1007-1014), or 3000-4999 for applications.</param>
    /// <param name="reason">A reason of at most 123 UTF-8 bytes, or <see langword="null"/> for none.</param>
    /// <param name="innerException">The exception that led to the close, if any.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not a code a close frame may carry (RFC 6455 section 7.4).</exception>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is longer than 123 UTF-8 bytes.</exception>
    public WebSocketCloseException(int code, string? reason = null, Exception? innerException = null)
        : base(FormatMessage(code, reason), innerException)
    {
        if (!WebSocketCloseCode.CanBeSent(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code,
                "A close code must be 1000-1003, 1007-1014, or 3000-4999 (RFC 6455 section 7.4).");
        }

        if (reason is not null && Encoding.UTF8.GetByteCount(reason) > MaxReasonBytes)
        {
            throw new ArgumentException($"A close reason must fit in {MaxReasonBytes} UTF-8 bytes (RFC 6455 section 5.5).", nameof(reason));
        }

        Code = code;
        Reason = reason ?? string.Empty;
    }

    /// <summary>The close code the connection ends with.</summary>
    public int Code { get; }

    /// <summary>The close reason sent with the code (the response body before accept); empty when none was given.</summary>
    public string Reason { get; }

    private static string FormatMessage(int code, string? reason) =>
        string.IsNullOrEmpty(reason)
            ? $"The handler closes the WebSocket connection with code {code}."
            : $"The handler closes the WebSocket connection with code {code}: {reason}";
}
