using System;
using System.Text;

namespace Velithon;

/// <summary>
/// A complete message received by <see cref="WebSocket.ReceiveAsync(System.Threading.CancellationToken)"/>,
/// reassembled from its fragments.
/// </summary>
/// <remarks>
/// <see cref="Data"/> points into a pooled buffer owned by the connection: it stays valid until the next
/// receive call on the same connection or the end of the handler, whichever comes first. Copy it
/// (<see cref="ReadOnlyMemory{T}.ToArray"/>) to keep it longer. This is what lets a handler process
/// messages without allocating.
/// </remarks>
public readonly struct WebSocketMessage
{
    /// <summary>Creates a message view.</summary>
    /// <param name="kind">Whether the message is text or binary.</param>
    /// <param name="data">The payload; for text, UTF-8 bytes that have already been validated.</param>
    public WebSocketMessage(WebSocketMessageKind kind, ReadOnlyMemory<byte> data)
    {
        Kind = kind;
        Data = data;
    }

    /// <summary>Whether the message is text or binary.</summary>
    public WebSocketMessageKind Kind { get; }

    /// <summary>The payload. For a text message, valid UTF-8.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>True for a text message.</summary>
    public bool IsText => Kind == WebSocketMessageKind.Text;

    /// <summary>Decodes the payload as UTF-8 into a new string.</summary>
    public string GetText() => Encoding.UTF8.GetString(Data.Span);
}
