namespace Velithon.Connections;

/// <summary>How <see cref="ServerWebSocket.EndAsync"/> ends a connection; each kind has its deadline.</summary>
internal enum EndingKind
{
    /// <summary>
    /// The closing handshake (RFC 6455 section 7.1.2): our close frame, then the peer's, within
    /// <see cref="VelithonOptions.CloseTimeout"/>; past it, the transport is aborted.
    /// </summary>
    Close,

    /// <summary>
    /// _Fail the WebSocket Connection_ (section 7.1.7): our close frame within the close timeout, and nothing more is
    /// read; the peer broke the protocol, so its close frame is not waited for.
    /// </summary>
    Fail,

    /// <summary>At once, without a close frame: the transport is aborted and the close code is 1006 (section 7.1.5).</summary>
    Abort,
}
