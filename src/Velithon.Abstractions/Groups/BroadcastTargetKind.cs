namespace Velithon;

/// <summary>Whom a <see cref="BroadcastTarget"/> addresses.</summary>
public enum BroadcastTargetKind
{
    /// <summary>Every connection of the application (<see cref="IWebSocketHub.All"/>).</summary>
    All,

    /// <summary>The members of one group (<see cref="IWebSocketHub.Group"/>).</summary>
    Group,

    /// <summary>Every connection of one user (<see cref="IWebSocketHub.User"/>), the user id being <see cref="WebSocket.UserId"/>.</summary>
    User,

    /// <summary>One connection, by its <see cref="WebSocket.ConnectionId"/> (<see cref="IWebSocketHub.Connection"/>).</summary>
    Connection,
}
