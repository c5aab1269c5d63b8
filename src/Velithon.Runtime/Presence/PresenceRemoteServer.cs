using System;
using System.Collections.Generic;

namespace Velithon.Presence;

/// <summary>What this server knows of another server's entries in one group, and how far it has followed its sequence.</summary>
internal sealed class PresenceRemoteServer(uint incarnation, long lastHeard)
{
    public uint Incarnation { get; } = incarnation;

    /// <summary>The number of the last delta or state applied; 0 before any.</summary>
    public ulong Sequence { get; set; }

    /// <summary>When its last message arrived, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long LastHeard { get; set; } = lastHeard;

    /// <summary>When this server last asked it for its state, or 0 when no answer is awaited.</summary>
    public long SyncRequestedAt { get; set; }

    public Dictionary<string, PresenceEntry> Entries { get; } = new(StringComparer.Ordinal);
}
