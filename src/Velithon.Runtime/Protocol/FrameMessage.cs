using System;
using System.Net.WebSockets;

namespace Velithon.Protocol;

/// <summary>What <see cref="FrameWebSocket.ReceiveMessageAsync"/> produced.</summary>
internal enum FrameMessageKind
{
    /// <summary>A whole text or binary message.</summary>
    Data,

    /// <summary>The peer's close frame; its code and reason are the socket's <c>CloseStatus</c> and <c>CloseStatusDescription</c>.</summary>
    Close,

    /// <summary>A message longer than the limit the caller gave; nothing of it is kept, and the caller closes the connection (1009).</summary>
    TooBig,
}

/// <summary>
/// One received message. The payload lies either in the socket's read buffer (<see cref="RentedBuffer"/> is null)
/// or in an array rented from the shared pool that the receiver now owns and returns; either way it stays valid
/// until the next receive.
/// </summary>
internal readonly struct FrameMessage(FrameMessageKind kind, WebSocketMessageType type, Memory<byte> payload, byte[]? rentedBuffer)
{
    public static FrameMessage PeerClosed => new(FrameMessageKind.Close, WebSocketMessageType.Close, Memory<byte>.Empty, null);

    public static FrameMessage TooBig => new(FrameMessageKind.TooBig, WebSocketMessageType.Binary, Memory<byte>.Empty, null);

    public FrameMessageKind Kind { get; } = kind;

    public WebSocketMessageType Type { get; } = type;

    public Memory<byte> Payload { get; } = payload;

    public byte[]? RentedBuffer { get; } = rentedBuffer;
}
