using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Velithon.Buffers;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Metrics;

namespace Velithon.Presence;

/// <summary>
/// The runtime's <see cref="IWebSocketPresence"/>: the groups whose presence this server follows, the heartbeat timer
/// on the application's <see cref="TimeProvider"/>, the presence messages to and from the backplane, and the
/// <c>presence_diff</c> messages to the local members of a group.
/// </summary>
/// <remarks>
/// A server follows a group's presence while it has members in the group (tracked or not), because that is when it is
/// subscribed to the group's topic, which carries the presence messages too: no server receives presence for a group it
/// has no member in, and no extra subscription is made.
/// </remarks>
internal sealed partial class PresenceTracker : IWebSocketPresence
{
    private readonly ConcurrentDictionary<string, PresenceGroup> _groups = new(StringComparer.Ordinal);
    private readonly WebSocketHub _hub;
    private readonly ILogger _logger;
    // Drawn from a version 4 GUID's first four bytes (random, RFC 9562 section 5.4), not RandomNumberGenerator, which
    // would load OpenSSL at start-up for it (docs/benchmarks.md, Native AOT); below int.MaxValue as before.
    private uint _incarnation = (uint)(BitConverter.ToUInt32(Guid.NewGuid().ToByteArray(), 0) % int.MaxValue);
    private readonly Func<string, bool> _hasGroupMembers;
    private ITimer? _timer;

    public PresenceTracker(WebSocketHub hub, TimeProvider time, PresenceOptions options, VelithonMetrics metrics, ILogger logger)
    {
        _hub = hub;
        Time = time;
        Options = options;
        Metrics = metrics;
        _logger = logger;
        _hasGroupMembers = group => hub.GetMemberCount(group) > 0;
    }

    public TimeProvider Time { get; }

    public PresenceOptions Options { get; }

    public VelithonMetrics Metrics { get; }

    public string ServerId => _hub.Ids.ServerId;

    /// <summary>The presence of <paramref name="group"/>, when this server follows it.</summary>
    internal bool TryGetGroup(string group, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PresenceGroup? presence) =>
        _groups.TryGetValue(group, out presence);

    /// <summary>The groups whose presence this server follows now.</summary>
    internal int GroupCount => _groups.Count;

    public async ValueTask<bool> TrackAsync(WebSocket socket, string group, string key, IReadOnlyDictionary<string, string>? meta = null, CancellationToken cancellationToken = default)
    {
        var connection = WebSocketHub.AsServerSocket(socket);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length > PresenceEntry.MaxKeyLength)
        {
            throw new ArgumentException($"A presence key is at most {PresenceEntry.MaxKeyLength} characters.", nameof(key));
        }

        PresenceEntry.CheckUtf16(key, "A presence key", nameof(key));

        var entry = new PresenceEntry(connection.ConnectionId, key, PresenceEntry.FlattenMeta(meta));
        _hub.JoinGroup(connection, group, out var subscribed);
        if (connection.IsMembershipClosed || !connection.IsInGroup(group))
        {
            // Ended, or its transport is gone and it no longer joins groups (it leaves the ones it has when its
            // handler returns): an entry now would never be forgotten.
            return false;
        }

        bool first;
        while (true)
        {
            var presence = GetOrAdd(group);
            if (presence.TryTrack(entry, out first) is not { } tracked)
            {
                continue;
            }

            if (!tracked)
            {
                return false;
            }

            break;
        }

        if (connection.IsMembershipClosed || !connection.IsInGroup(group))
        {
            // It ended, or left the group, while it was being tracked, and its leaving may have missed this entry.
            Forget(connection.ConnectionId, group);
            return false;
        }

        await subscribed.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first && _hub.Backplane is { SupportsPresence: true } && _groups.TryGetValue(group, out var followed))
        {
            // Now that the group's topic is held, ask for everyone's entries, which the deltas do not repeat.
            followed.RequestStates();
        }

        return true;
    }

    public bool Untrack(WebSocket socket, string group)
    {
        var connection = WebSocketHub.AsServerSocket(socket);
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group, out var presence) && presence.Untrack(connection.ConnectionId);
    }

    public IReadOnlyList<PresenceMember> List(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group, out var presence) ? presence.List() : [];
    }

    /// <summary>A connection left <paramref name="group"/> (or ended): its entry goes, and the group's presence once nobody here needs it.</summary>
    internal void Forget(string connectionId, string group)
    {
        if (_groups.TryGetValue(group, out var presence))
        {
            presence.Untrack(connectionId);
            TryRemove(presence);
        }
    }

    /// <summary>A presence message another server published on <paramref name="group"/>'s topic.</summary>
    internal void Receive(string group, ReadOnlySpan<byte> data)
    {
        if (!PresenceCodec.TryRead(data, out var message))
        {
            Log.UnreadableMessage(_logger, group);
            return;
        }

        if (message.ServerId == ServerId)
        {
            return;
        }

        Metrics.PresenceMessageReceived(message.Op);
        long now = Time.GetTimestamp();
        while (true)
        {
            if (!_groups.TryGetValue(group, out var presence))
            {
                if (_hub.GetMemberCount(group) == 0)
                {
                    // The last member here left while the message travelled.
                    return;
                }

                presence = GetOrAdd(group);
            }

            if (presence.Receive(message, now))
            {
                return;
            }
        }
    }

    internal void Publish(string group, PresenceOp op, uint incarnation, ulong sequence, string? target, IReadOnlyCollection<PresenceEntry>? entries, byte change)
    {
        if (_hub.Backplane is not { SupportsPresence: true } backplane)
        {
            return;
        }

        var writer = new PooledBufferWriter();
        try
        {
            PresenceCodec.WriteHeader(writer, op, ServerId, incarnation, sequence);
            if (target is not null)
            {
                PresenceCodec.WriteTarget(writer, target);
            }

            if (entries is not null)
            {
                PresenceCodec.WriteCount(writer, entries.Count);
                foreach (var entry in entries)
                {
                    if (op == PresenceOp.Delta)
                    {
                        PresenceCodec.WriteByte(writer, change);
                    }

                    PresenceCodec.WriteEntry(writer, entry);
                }
            }

            Metrics.PresenceMessagePublished(op);
            backplane.PublishPresence(group, writer.WrittenMemory.Span);
        }
        catch (Exception exception)
        {
            // Called under the group's lock by changes that already happened here; a backplane that throws must not
            // undo them. The others catch up from the next heartbeat's sequence number.
            Log.PublishFailed(_logger, group, exception);
        }
        finally
        {
            writer.Reset();
        }
    }

    /// <summary>
    /// Sends the group's local members the joins and leaves of <paramref name="batch"/> as one <c>presence_diff</c>
    /// text message, shaped as docs/presence.md says; nothing when no key joined or left.
    /// </summary>
    internal void DeliverDiff(string group, PresenceBatch batch)
    {
        if (batch.IsEmpty)
        {
            return;
        }

        var (joins, leaves) = batch.Result();
        var buffer = new PooledBufferWriter();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "presence_diff"u8);
                writer.WriteString("group"u8, group);
                WriteKeys(writer, "joins"u8, joins);
                WriteKeys(writer, "leaves"u8, leaves);
                writer.WriteEndObject();
            }

            Metrics.PresenceDiff(joins.Count, leaves.Count);
            _hub.DeliverTextLocally(group, buffer.WrittenMemory.Span);
        }
        finally
        {
            buffer.Reset();
        }

        static void WriteKeys(Utf8JsonWriter writer, ReadOnlySpan<byte> name, List<(string Key, List<PresenceEntry> Entries)> keys)
        {
            writer.WriteStartObject(name);
            foreach (var (key, entries) in keys)
            {
                writer.WriteStartArray(key);
                foreach (var entry in entries)
                {
                    writer.WriteStartObject();
                    writer.WriteString("connectionId"u8, entry.ConnectionId);
                    writer.WriteStartObject("meta"u8);
                    for (int i = 0; i < entry.Meta.Length; i += 2)
                    {
                        writer.WriteString(entry.Meta[i], entry.Meta[i + 1]);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }
    }

    /// <summary>One heartbeat interval: heartbeats, the sweep of silent servers, and the groups nobody here needs any more.</summary>
    internal void Tick()
    {
        long now = Time.GetTimestamp();
        bool reachable = _hub.Backplane?.IsReachable ?? true;
        foreach (var (_, presence) in _groups)
        {
            try
            {
                presence.Tick(now, reachable);
                TryRemove(presence);
            }
            catch (Exception exception)
            {
                // A timer callback: one group's failure must not stop the others' heartbeats.
                Log.TickFailed(_logger, presence.Name, exception);
            }
        }
    }

    private PresenceGroup GetOrAdd(string group)
    {
        if (_timer is null)
        {
            var timer = Time.CreateTimer(static state => ((PresenceTracker)state!).Tick(), this, Options.HeartbeatInterval, Options.HeartbeatInterval);
            if (Interlocked.CompareExchange(ref _timer, timer, null) is not null)
            {
                timer.Dispose();
            }
        }

        return _groups.GetOrAdd(group, static (name, tracker) => new PresenceGroup(tracker, name, Interlocked.Increment(ref tracker._incarnation)), this);
    }

    private void TryRemove(PresenceGroup presence)
    {
        if (presence.TryRemoveIfUnused(_hasGroupMembers))
        {
            _groups.TryRemove(new KeyValuePair<string, PresenceGroup>(presence.Name, presence));
        }
    }

    internal void Dispose() => _timer?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Warning, "A presence message on the group {Group} could not be read; it is ignored.", EventName = "UnreadablePresenceMessage")]
        public static partial void UnreadableMessage(ILogger logger, string group);

        [LoggerMessage(41, LogLevel.Error, "Publishing presence for the group {Group} failed.", EventName = "PresencePublishFailed")]
        public static partial void PublishFailed(ILogger logger, string group, Exception exception);

        [LoggerMessage(42, LogLevel.Error, "The presence heartbeat of the group {Group} failed.", EventName = "PresenceTickFailed")]
        public static partial void TickFailed(ILogger logger, string group, Exception exception);
    }
}
