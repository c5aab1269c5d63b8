using System.Collections.Generic;

namespace Velithon;

/// <summary>One tracked connection of a <see cref="PresenceMember"/>.</summary>
public sealed class PresenceConnection
{
    /// <summary>Creates a tracked connection.</summary>
    /// <param name="connectionId">The connection's <see cref="WebSocket.ConnectionId"/>.</param>
    /// <param name="meta">The metadata it was tracked with.</param>
    public PresenceConnection(string connectionId, IReadOnlyDictionary<string, string> meta)
    {
        System.ArgumentNullException.ThrowIfNull(connectionId);
        System.ArgumentNullException.ThrowIfNull(meta);
        ConnectionId = connectionId;
        Meta = meta;
    }

    /// <summary>
    /// The connection's <see cref="WebSocket.ConnectionId"/>, <c>{server id}.{sequence}</c>; a message reaches it
    /// through <see cref="IWebSocketHub.Connection"/> on whichever server it lives.
    /// </summary>
    public string ConnectionId { get; }

    /// <summary>The metadata it was tracked with (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Meta { get; }
}
