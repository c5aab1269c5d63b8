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

    /// <summary>
    /// The peer broke the protocol (RFC 6455 sections 5 and 8.1, RFC 7692 section 6): the caller fails the connection
    /// with the socket's <c>ViolationCode</c> (1002, or 1007 for data that is not what its frame says) and
    /// <c>ViolationReason</c>. Nothing more is read.
    /// </summary>
    ProtocolError,
}

/// <summary>
/// One received message. The payload lies either in the socket's read buffer (<see cref="RentedBuffer"/> is null)
/// or in an array rented from the shared pool that the receiver now owns and returns; either way it stays valid
/// until the next receive, whatever else happens on the connection meanwhile (a close reads the peer's close
/// frame into a read buffer of its own).
/// </summary>
internal readonly struct FrameMessage(FrameMessageKind kind, WebSocketMessageType type, Memory<byte> payload, byte[]? rentedBuffer)
{
    // Kept to these four fields: the receive path stores the struct in an awaiter per message, and a larger one is
    // copied through a slower helper (docs/benchmarks.md, "One connection core: before and after").
    public static FrameMessage PeerClosed => new(FrameMessageKind.Close, WebSocketMessageType.Close, Memory<byte>.Empty, null);

    public static FrameMessage TooBig => new(FrameMessageKind.TooBig, WebSocketMessageType.Binary, Memory<byte>.Empty, null);

    public static FrameMessage Violation => new(FrameMessageKind.ProtocolError, WebSocketMessageType.Close, Memory<byte>.Empty, null);

    public FrameMessageKind Kind { get; } = kind;

    public WebSocketMessageType Type { get; } = type;

    public Memory<byte> Payload { get; } = payload;

    public byte[]? RentedBuffer { get; } = rentedBuffer;
}
