using System;

namespace Velithon;

/// <summary>
/// A request of a typed contract (<see cref="IWebSocketRequest{TReply}"/>) failed at the peer: the peer answered with
/// <c>{"type":"error","id":n,"error":"text"}</c>, whose text is <see cref="Exception.Message"/>, or its reply did not
/// deserialize as the reply type. The connection stays open.
/// </summary>
/// <remarks>
/// Thrown by a request handler on the server, it is the deliberate failure of that request: its message goes to the
/// client as the <c>error</c> text of the error envelope, and the connection stays open. Any other exception a request
/// handler throws ends the connection as other handler errors do.
/// </remarks>
public class WebSocketRequestException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public WebSocketRequestException()
        : base("The request failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, the error text the peer sent or is to receive.</summary>
    public WebSocketRequestException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public WebSocketRequestException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
