using System;
using System.Collections.Generic;
using System.Threading;

namespace Velithon.Presence;

/// <summary>
/// One group's presence on this server: the entries this server owns (its own connections), a copy of each other
/// server's, and how many connections each key has across all of them. Every change runs under the group's lock and
/// publishes and delivers its diff there too, so the other servers see this server's changes in sequence order and the
/// local members see the diffs in the order the changes happened.
/// </summary>
/// <remarks>
/// This is per-server ownership, as Phoenix.Tracker's CRDT reduces to when every entry has one owner: only the owner
/// changes an entry, so copies never conflict; a copy follows its owner's deltas by sequence number and is replaced by
/// a full state after a gap, after a new incarnation, or when this server first follows the group.
/// </remarks>
internal sealed class PresenceGroup(PresenceTracker tracker, string name, uint incarnation)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PresenceEntry> _local = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PresenceRemoteServer> _remotes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    private ulong _sequence;
    private bool _removed;

    public string Name { get; } = name;

    /// <summary>Every entry held, own and copied, as a snapshot: the memory test checks each is released when it goes.</summary>
    internal List<PresenceEntry> SnapshotEntries()
    {
        lock (_lock)
        {
            var entries = new List<PresenceEntry>(_local.Values);
            foreach (var (_, server) in _remotes)
            {
                entries.AddRange(server.Entries.Values);
            }

            return entries;
        }
    }

    /// <summary>Own entries, other servers followed, their entries, and keys: what the memory test checks is returned.</summary>
    internal (int Local, int Servers, int RemoteEntries, int Keys) Counts
    {
        get
        {
            lock (_lock)
            {
                int remoteEntries = 0;
                foreach (var (_, server) in _remotes)
                {
                    remoteEntries += server.Entries.Count;
                }

                return (_local.Count, _remotes.Count, remoteEntries, _keys.Count);
            }
        }
    }

    /// <summary>
    /// Tracks a connection of this server. Null when this object left the registry (take the registry's new one);
    /// false when the connection is tracked already.
    /// </summary>
    public bool? TryTrack(PresenceEntry entry, out bool first)
    {
        first = false;
        lock (_lock)
        {
            if (_removed)
            {
                return null;
            }

            if (!_local.TryAdd(entry.ConnectionId, entry))
            {
                return false;
            }

            first = _local.Count == 1;
            tracker.Metrics.PresenceEntriesChanged(local: true, 1);
            var batch = new PresenceBatch();
            Add(entry, batch);
            PublishDeltaLocked(PresenceCodec.Join, entry);
            tracker.DeliverDiff(Name, batch);
            return true;
        }
    }

    public bool Untrack(string connectionId)
    {
        lock (_lock)
        {
            if (!_local.Remove(connectionId, out var entry))
            {
                return false;
            }

            tracker.Metrics.PresenceEntriesChanged(local: true, -1);
            var batch = new PresenceBatch();
            Remove(entry, batch);
            TrimIfEmptyLocked();
            PublishDeltaLocked(PresenceCodec.Leave, entry);
            tracker.DeliverDiff(Name, batch);
            return true;
        }
    }

    /// <summary>Asks every server for its state; sent once this server follows the group's topic.</summary>
    public void RequestStates()
    {
        lock (_lock)
        {
            if (!_removed)
            {
                tracker.Publish(Name, PresenceOp.SyncRequest, incarnation, _sequence, target: "", entries: null, change: 0);
            }
        }
    }

    /// <summary>Applies a message from another server. False when this object left the registry.</summary>
    public bool Receive(in PresenceMessage message, long now)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return false;
            }

            if (message.Op == PresenceOp.SyncRequest)
            {
                if ((message.Target!.Length == 0 || message.Target == tracker.ServerId) && (_local.Count > 0 || _sequence > 0))
                {
                    PublishStateLocked();
                }

                return true;
            }

            var batch = new PresenceBatch();
            if (_remotes.TryGetValue(message.ServerId, out var server) && server.Incarnation != message.Incarnation)
            {
                // The sender dropped the group and came back: its old entries are gone with that life.
                ForgetLocked(message.ServerId, server, batch);
                server = null;
            }

            if (server is null)
            {
                server = new PresenceRemoteServer(message.Incarnation, now);
                _remotes.Add(message.ServerId, server);
            }

            server.LastHeard = now;
            switch (message.Op)
            {
                case PresenceOp.State:
                    foreach (var (_, entry) in server.Entries)
                    {
                        Remove(entry, batch);
                    }

                    tracker.Metrics.PresenceEntriesChanged(local: false, -server.Entries.Count);
                    server.Entries.Clear();
                    foreach (var (_, entry) in message.Changes!)
                    {
                        ApplyRemoteJoin(server, entry, batch);
                    }

                    server.Sequence = message.Sequence;
                    server.SyncRequestedAt = 0;
                    break;
                case PresenceOp.Delta when message.Sequence == server.Sequence + 1:
                    foreach (var (join, entry) in message.Changes!)
                    {
                        if (join)
                        {
                            ApplyRemoteJoin(server, entry, batch);
                        }
                        else if (server.Entries.Remove(entry.ConnectionId, out var removed))
                        {
                            tracker.Metrics.PresenceEntriesChanged(local: false, -1);
                            Remove(removed, batch);
                        }
                    }

                    server.Sequence = message.Sequence;
                    break;
                case PresenceOp.Delta when message.Sequence <= server.Sequence:
                    // Already applied (a state overtook it).
                    break;
                default:
                    // A delta after a gap, or a heartbeat at a number this copy has not reached (or has passed: the
                    // sender lost its count): only a full state brings the copy back in line.
                    if (message.Sequence != server.Sequence)
                    {
                        RequestStateLocked(message.ServerId, server, now);
                    }

                    break;
            }

            tracker.DeliverDiff(Name, batch);
            return true;
        }
    }

    /// <summary>
    /// The heartbeat and the sweep: says this server is alive when it has entries here, and forgets the servers
    /// unheard of for longer than the timeout, unless the broker is unreachable.
    /// </summary>
    public void Tick(long now, bool reachable)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return;
            }

            if (_local.Count > 0)
            {
                tracker.Publish(Name, PresenceOp.Heartbeat, incarnation, _sequence, target: null, entries: null, change: 0);
            }

            if (_remotes.Count == 0)
            {
                return;
            }

            PresenceBatch? batch = null;
            List<string>? silent = null;
            foreach (var (serverId, server) in _remotes)
            {
                if (!reachable)
                {
                    // Silence says nothing during an outage; the timeout counts from its end.
                    server.LastHeard = now;
                }
                else if (tracker.Time.GetElapsedTime(server.LastHeard, now) > tracker.Options.Timeout)
                {
                    (silent ??= []).Add(serverId);
                }
            }

            if (silent is null)
            {
                return;
            }

            batch = new PresenceBatch();
            foreach (var serverId in silent)
            {
                tracker.Metrics.PresenceServerExpired(_remotes[serverId].Entries.Count);
                ForgetLocked(serverId, _remotes[serverId], batch);
            }

            tracker.DeliverDiff(Name, batch);
        }
    }

    /// <summary>Leaves the registry when this server owns no entry here and has no member of the group left to tell.</summary>
    public bool TryRemoveIfUnused(Func<string, bool> hasMembers)
    {
        lock (_lock)
        {
            if (_removed || _local.Count > 0 || hasMembers(Name))
            {
                return false;
            }

            _removed = true;
            foreach (var (_, server) in _remotes)
            {
                tracker.Metrics.PresenceEntriesChanged(local: false, -server.Entries.Count);
            }

            _remotes.Clear();
            _keys.Clear();
            return true;
        }
    }

    public List<PresenceMember> List()
    {
        var byKey = new Dictionary<string, List<PresenceEntry>>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var (_, entry) in _local)
            {
                Collect(byKey, entry);
            }

            foreach (var (_, server) in _remotes)
            {
                foreach (var (_, entry) in server.Entries)
                {
                    Collect(byKey, entry);
                }
            }
        }

        var members = new List<PresenceMember>(byKey.Count);
        foreach (var (key, entries) in byKey)
        {
            entries.Sort(static (a, b) => string.CompareOrdinal(a.ConnectionId, b.ConnectionId));
            var connections = new PresenceConnection[entries.Count];
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i] = new PresenceConnection(entries[i].ConnectionId, entries[i].MetaDictionary());
            }

            members.Add(new PresenceMember(key, connections));
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return members;

        static void Collect(Dictionary<string, List<PresenceEntry>> byKey, PresenceEntry entry)
        {
            if (!byKey.TryGetValue(entry.Key, out var list))
            {
                byKey.Add(entry.Key, list = []);
            }

            list.Add(entry);
        }
    }

    private void ApplyRemoteJoin(PresenceRemoteServer server, PresenceEntry entry, PresenceBatch batch)
    {
        if (server.Entries.Remove(entry.ConnectionId, out var previous))
        {
            Remove(previous, batch);
        }
        else
        {
            tracker.Metrics.PresenceEntriesChanged(local: false, 1);
        }

        server.Entries.Add(entry.ConnectionId, entry);
        Add(entry, batch);
    }

    private void ForgetLocked(string serverId, PresenceRemoteServer server, PresenceBatch batch)
    {
        foreach (var (_, entry) in server.Entries)
        {
            Remove(entry, batch);
        }

        tracker.Metrics.PresenceEntriesChanged(local: false, -server.Entries.Count);
        _remotes.Remove(serverId);
        TrimIfEmptyLocked();
    }

    /// <summary>
    /// A dictionary keeps its capacity when emptied: a group that once held 10,000 members and now holds none would
    /// keep their buckets for as long as it lives.
    /// </summary>
    private void TrimIfEmptyLocked()
    {
        if (_local.Count == 0)
        {
            _local.TrimExcess();
        }

        if (_keys.Count == 0)
        {
            _keys.TrimExcess();
        }
    }

    private void RequestStateLocked(string serverId, PresenceRemoteServer server, long now)
    {
        // One request per heartbeat interval: the answer may be on its way.
        if (server.SyncRequestedAt != 0 && tracker.Time.GetElapsedTime(server.SyncRequestedAt, now) < tracker.Options.HeartbeatInterval)
        {
            return;
        }

        server.SyncRequestedAt = now;
        tracker.Publish(Name, PresenceOp.SyncRequest, incarnation, _sequence, target: serverId, entries: null, change: 0);
    }

    private void PublishDeltaLocked(byte change, PresenceEntry entry) =>
        tracker.Publish(Name, PresenceOp.Delta, incarnation, ++_sequence, target: null, entries: [entry], change);

    private void PublishStateLocked()
    {
        tracker.Metrics.PresenceStateSent();
        tracker.Publish(Name, PresenceOp.State, incarnation, _sequence, target: null, entries: _local.Values, change: 0);
    }

    private void Add(PresenceEntry entry, PresenceBatch batch)
    {
        _keys.TryGetValue(entry.Key, out int before);
        _keys[entry.Key] = before + 1;
        batch.Added(entry, before);
    }

    private void Remove(PresenceEntry entry, PresenceBatch batch)
    {
        if (!_keys.TryGetValue(entry.Key, out int before))
        {
            return;
        }

        if (before == 1)
        {
            _keys.Remove(entry.Key);
        }
        else
        {
            _keys[entry.Key] = before - 1;
        }

        batch.Removed(entry, before);
    }
}
