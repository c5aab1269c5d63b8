namespace Velithon.Connections;

/// <summary>Where a connection is in its life (RFC 6455 section 4 to 7, seen from the server's handler).</summary>
internal enum ConnectionPhase
{
    /// <summary>The opening handshake has arrived; the handler has neither accepted nor refused it.</summary>
    Connecting,

    /// <summary>The handler accepted; the 101 response (or the HTTP/2 200) is on its way.</summary>
    Accepting,

    /// <summary>Messages flow both ways.</summary>
    Open,

    /// <summary>The connection is ending (<see cref="ServerWebSocket.EndAsync"/>): no more sends, the close handshake runs.</summary>
    Closing,

    /// <summary>The connection has ended, or its handshake was refused.</summary>
    Closed,
}
