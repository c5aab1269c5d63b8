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
    /// with <see cref="FrameMessage.ErrorCode"/> (1002, or 1007 for data that is not what its frame says) and
    /// <see cref="FrameMessage.ErrorReason"/>. Nothing more is read.
    /// </summary>
    ProtocolError,
}

/// <summary>
/// One received message. The payload lies either in the socket's read buffer (<see cref="RentedBuffer"/> is null)
/// or in an array rented from the shared pool that the receiver now owns and returns; either way it stays valid
/// until the next receive, whatever else happens on the connection meanwhile (a close reads the peer's close
/// frame into a read buffer of its own).
/// </summary>
internal readonly struct FrameMessage
{
    public FrameMessage(FrameMessageKind kind, WebSocketMessageType type, Memory<byte> payload, byte[]? rentedBuffer)
    {
        Kind = kind;
        Type = type;
        Payload = payload;
        RentedBuffer = rentedBuffer;
    }

    private FrameMessage(int errorCode, string errorReason)
    {
        Kind = FrameMessageKind.ProtocolError;
        Type = WebSocketMessageType.Close;
        ErrorCode = errorCode;
        ErrorReason = errorReason;
    }

    public static FrameMessage PeerClosed => new(FrameMessageKind.Close, WebSocketMessageType.Close, Memory<byte>.Empty, null);

    public static FrameMessage TooBig => new(FrameMessageKind.TooBig, WebSocketMessageType.Binary, Memory<byte>.Empty, null);

    public FrameMessageKind Kind { get; }

    public WebSocketMessageType Type { get; }

    public Memory<byte> Payload { get; }

    public byte[]? RentedBuffer { get; }

    /// <summary>For <see cref="FrameMessageKind.ProtocolError"/>: the close code the connection fails with.</summary>
    public int ErrorCode { get; }

    /// <summary>For <see cref="FrameMessageKind.ProtocolError"/>: what the peer did wrong, for the close frame and the log.</summary>
    public string? ErrorReason { get; }

    public static FrameMessage ProtocolError(string reason) => new(WebSocketCloseCode.ProtocolError, reason);

    public static FrameMessage InvalidPayload(string reason) => new(WebSocketCloseCode.InvalidPayloadData, reason);
}
