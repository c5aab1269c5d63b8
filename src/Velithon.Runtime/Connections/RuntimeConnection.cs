using System;

namespace Velithon.Connections;

/// <summary>
/// Turns the <see cref="WebSocket"/> that the infrastructure API receives from generated code back into the
/// runtime's connection, the one <see cref="WebSocketSession"/> created for the handshake.
/// </summary>
internal static class RuntimeConnection
{
    /// <summary>The runtime's connection behind <paramref name="socket"/>.</summary>
    /// <param name="socket">The connection a generated handler was given.</param>
    /// <param name="caller">The infrastructure method, as <c>Type.Method</c>, for the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="socket"/> is another <see cref="WebSocket"/> implementation.</exception>
    public static ServerWebSocket Require(WebSocket socket, string caller)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket as ServerWebSocket ?? throw new InvalidOperationException(
            $"{caller} exists for Velithon's generated code and serves only the connections Velithon's runtime creates, " +
            $"not a {socket.GetType().FullName}. Call it with the WebSocket the generated handler was given.");
    }
}
