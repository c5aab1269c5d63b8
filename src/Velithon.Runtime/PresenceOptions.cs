using System;

namespace Velithon;

/// <summary>
/// Presence across servers (<see cref="IWebSocketPresence"/>): how often a server says it is alive, and how long the
/// others wait before they forget the members of a server that went silent. Both run on the application's
/// <see cref="TimeProvider"/>.
/// </summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// How often a server publishes a heartbeat for each group it tracks connections in, and how often every server
    /// looks for silent servers. Must be positive and shorter than <see cref="Timeout"/>. Default: 10 seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a server's entries outlive its last message (a heartbeat, a change or a full state). A server that
    /// died without a clean stop disappears from the others' lists, with a leave diff, between this and this plus
    /// one <see cref="HeartbeatInterval"/> after its last heartbeat. While the backplane reports the broker
    /// unreachable nobody is forgotten: silence then says nothing about the other servers, and the clock starts
    /// again when the broker returns. Default: 30 seconds (three heartbeats).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
