namespace Velithon;

/// <summary>
/// The state of one side of a WebSocket connection, as seen by the server.
/// See <see cref="WebSocket.ClientState"/> and <see cref="WebSocket.ApplicationState"/>.
/// </summary>
public enum WebSocketState
{
    /// <summary>The opening handshake is in progress: the connection has not been accepted yet.</summary>
    Connecting = 0,

    /// <summary>The connection is open in this direction.</summary>
    Connected = 1,

    /// <summary>This side has closed, dropped, or been rejected.</summary>
    Disconnected = 2,
}
