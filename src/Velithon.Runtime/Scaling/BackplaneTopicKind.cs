namespace Velithon.Scaling;

/// <summary>What a <see cref="BackplaneTopic"/> carries, and so which servers subscribe to it.</summary>
public enum BackplaneTopicKind
{
    /// <summary>Messages to every connection; every server subscribes.</summary>
    All,

    /// <summary>Messages to one group; the servers where the group has members subscribe.</summary>
    Group,

    /// <summary>Messages to one user's connections; the servers where the user has connections subscribe.</summary>
    User,

    /// <summary>
    /// Messages to single connections of one server; that server alone subscribes. The topic's name is the server
    /// id, the part of a <see cref="WebSocket.ConnectionId"/> before the dot, and each message names its connection.
    /// </summary>
    Server,
}
