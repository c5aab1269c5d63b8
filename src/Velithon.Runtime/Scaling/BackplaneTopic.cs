using System;

namespace Velithon.Scaling;

/// <summary>
/// One stream of messages between servers, which a server subscribes to while it holds some of its connections:
/// every connection (<see cref="All"/>), a group, a user, or the connections of one server. A backplane maps each
/// topic to one channel of its broker.
/// </summary>
/// <param name="Kind">What the topic carries.</param>
/// <param name="Name">The group, the user id or the server id; <see langword="null"/> for <see cref="BackplaneTopicKind.All"/>.</param>
public readonly record struct BackplaneTopic(BackplaneTopicKind Kind, string? Name)
{
    /// <summary>The topic of messages to every connection.</summary>
    public static BackplaneTopic All => new(BackplaneTopicKind.All, null);

    /// <summary>The topic of messages to <paramref name="group"/>.</summary>
    public static BackplaneTopic ForGroup(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new BackplaneTopic(BackplaneTopicKind.Group, group);
    }

    /// <summary>The topic of messages to the connections of the user <paramref name="userId"/>.</summary>
    public static BackplaneTopic ForUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return new BackplaneTopic(BackplaneTopicKind.User, userId);
    }

    /// <summary>The topic of messages to single connections of the server <paramref name="serverId"/>.</summary>
    public static BackplaneTopic ForServer(string serverId)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        return new BackplaneTopic(BackplaneTopicKind.Server, serverId);
    }
}
