using System.Collections.Generic;

namespace Velithon;

/// <summary>One key of a group's presence (for example a user) and its tracked connections on every server.</summary>
public sealed class PresenceMember
{
    /// <summary>Creates a member.</summary>
    /// <param name="key">The key the connections were tracked under.</param>
    /// <param name="connections">Its connections, at least one.</param>
    public PresenceMember(string key, IReadOnlyList<PresenceConnection> connections)
    {
        System.ArgumentNullException.ThrowIfNull(key);
        System.ArgumentNullException.ThrowIfNull(connections);
        Key = key;
        Connections = connections;
    }

    /// <summary>The key the connections were tracked under.</summary>
    public string Key { get; }

    /// <summary>Its connections, ordered by connection id.</summary>
    public IReadOnlyList<PresenceConnection> Connections { get; }
}
