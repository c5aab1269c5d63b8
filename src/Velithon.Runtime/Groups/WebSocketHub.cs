using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velithon.Connections;
using Velithon.Json;
using Velithon.Metrics;
using Velithon.Presence;
using Velithon.Scaling;

namespace Velithon.Groups;

/// <summary>
/// The runtime's <see cref="IWebSocketHub"/>: the registry of accepted connections (by id), of groups and of users,
/// the broadcaster (<c>.Broadcast</c>), and the one that closes every connection with 1001 when the host stops.
/// </summary>
/// <remarks>
/// With a backplane, the registries decide what this server subscribes to: a group's or a user's topic while it
/// has connections here (<see cref="TopicMembers"/>), and, for the hub's whole life, every connection's topic and
/// this server's own, which carries messages to single connections by id.
/// </remarks>
internal sealed partial class WebSocketHub : IWebSocketHub
{
    // Keyed by the sequence number of the connection id: no id string is written for a connection nobody asks the id of.
    private readonly ConcurrentDictionary<long, ServerWebSocket> _connections = new();
    private readonly ConcurrentDictionary<string, TopicMembers> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TopicMembers> _users = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly ApplicationJson _json;
    private int _connectionCount;

    public WebSocketHub(
        VelithonMetrics metrics,
        ILoggerFactory loggerFactory,
        IHostApplicationLifetime lifetime,
        IEnumerable<WebSocketBackplane> backplanes,
        ApplicationJson json,
        TimeProvider timeProvider,
        IOptionsMonitor<VelithonOptions> options)
    {
        _json = json;
        Metrics = metrics;
        _logger = loggerFactory.CreateLogger("Velithon.WebSockets.Hub");
        foreach (var backplane in backplanes)
        {
            if (Backplane is not null)
            {
                throw new InvalidOperationException("Only one WebSocket backplane can be registered.");
            }

            Backplane = backplane;
            backplane.Attach(this);
        }

        if (Backplane is not null)
        {
            // Held for the hub's life: a backplane that has not started yet subscribes when it does.
            _ = SubscribeForLifeAsync(BackplaneTopic.All);
            _ = SubscribeForLifeAsync(BackplaneTopic.ForServer(Ids.ServerId));
        }

        Presence = new PresenceTracker(this, timeProvider, options.CurrentValue.Presence, metrics, _logger);
        lifetime.ApplicationStopping.Register(static state => ((WebSocketHub)state!).CloseAll(), this);
        lifetime.ApplicationStopped.Register(static state => ((WebSocketHub)state!).Presence.Dispose(), this);
    }

    /// <summary>This server's id and the connection ids it gives out.</summary>
    internal ConnectionIds Ids { get; } = new();

    /// <summary>The accepted connection of this server with the id <paramref name="connectionId"/>, if it has one.</summary>
    internal bool TryGetLocalConnection(string connectionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServerWebSocket? socket)
    {
        if (Ids.TryGetSequence(connectionId, out long sequence))
        {
            return _connections.TryGetValue(sequence, out socket);
        }

        socket = null;
        return false;
    }

    internal WebSocketBackplane? Backplane { get; }

    /// <summary>Presence in this server's groups (<see cref="IWebSocketPresence"/>).</summary>
    internal PresenceTracker Presence { get; }

    internal VelithonMetrics Metrics { get; }

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public BroadcastTarget All => new(this, BroadcastTargetKind.All, null, null);

    public BroadcastTarget Group(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new BroadcastTarget(this, BroadcastTargetKind.Group, group, null);
    }

    public BroadcastTarget User(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return new BroadcastTarget(this, BroadcastTargetKind.User, userId, null);
    }

    public BroadcastTarget Connection(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return new BroadcastTarget(this, BroadcastTargetKind.Connection, connectionId, null);
    }

    /// <summary>Every accepted connection, read without locking the registry.</summary>
    internal IEnumerable<ServerWebSocket> Connections
    {
        get
        {
            foreach (var (_, socket) in _connections)
            {
                yield return socket;
            }
        }
    }

    // Set when the host begins to stop; a connection accepted from then on is closed with 1001 as it joins.
    private bool _stopping;

    /// <summary>
    /// Registers a connection that was just accepted, under its id and its user. The task completes once messages
    /// to its user from the other servers reach it (at once without a backplane or a user), so that accept can wait.
    /// </summary>
    internal Task Add(ServerWebSocket socket)
    {
        if (_connections.TryAdd(socket.ConnectionSequence, socket))
        {
            Interlocked.Increment(ref _connectionCount);
        }

        var subscribed = Task.CompletedTask;
        TopicMembers? user = socket.UserId is { } userId ? Join(_users, BackplaneTopicKind.User, userId, socket, out subscribed) : null;
        if (socket.IsMembershipClosed)
        {
            // The connection ended while it was being added, and its removal may have missed what was just added.
            Forget(socket);
            user?.Remove(socket);
        }

        if (Volatile.Read(ref _stopping))
        {
            // Accepted after shutdown began, so CloseAll did not see it: it goes the way of every other connection.
            _ = socket.CloseAsync(WebSocketCloseCode.GoingAway, "The server is shutting down.");
        }

        return subscribed;
    }

    /// <summary>Forgets a connection that ended: it leaves the registry, its user and every group.</summary>
    internal void Remove(ServerWebSocket socket)
    {
        var groups = socket.CloseMembership();
        Forget(socket);
        foreach (var group in groups)
        {
            if (_groups.TryGetValue(group, out var members))
            {
                members.Remove(socket);
            }

            if (socket.ConnectionIdIfAssigned is { } id)
            {
                Presence.Forget(id, group);
            }
        }

        if (socket.UserId is { } userId && _users.TryGetValue(userId, out var user))
        {
            user.Remove(socket);
        }
    }

    public bool AddToGroup(WebSocket socket, string group) => JoinGroup(AsServerSocket(socket), group, out _);

    public ValueTask<bool> AddToGroupAsync(WebSocket socket, string group, CancellationToken cancellationToken = default)
    {
        bool added = JoinGroup(AsServerSocket(socket), group, out var subscribed);
        return subscribed.IsCompleted ? new ValueTask<bool>(added) : WaitAsync(subscribed, added, cancellationToken);

        static async ValueTask<bool> WaitAsync(Task subscribed, bool added, CancellationToken cancellationToken)
        {
            await subscribed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return added;
        }
    }

    public bool RemoveFromGroup(WebSocket socket, string group)
    {
        var connection = AsServerSocket(socket);
        ArgumentNullException.ThrowIfNull(group);
        if (!connection.TryLeave(group))
        {
            return false;
        }

        if (_groups.TryGetValue(group, out var members))
        {
            members.Remove(connection);
        }

        Presence.Forget(connection.ConnectionId, group);
        return true;
    }

    public IReadOnlyList<WebSocket> GetMembers(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group, out var members) ? members.Snapshot() : [];
    }

    public int GetMemberCount(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _groups.TryGetValue(group, out var members) ? members.Count : 0;
    }

    public IReadOnlyList<string> GetGroups(WebSocket socket) => AsServerSocket(socket).GetGroups();

    public IReadOnlyList<string> GetGroupNames()
    {
        var names = new List<string>();
        foreach (var (name, members) in _groups)
        {
            // A group whose last member left stays registered until its unsubscription completes.
            if (members.Count > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    public IReadOnlyList<WebSocket> GetConnections()
    {
        var connections = new List<WebSocket>();
        foreach (var (_, socket) in _connections)
        {
            connections.Add(socket);
        }

        return connections;
    }

    public IReadOnlyList<WebSocket> GetUserConnections(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _users.TryGetValue(userId, out var user) ? user.Snapshot() : [];
    }

    /// <summary>A backplane call for <paramref name="topic"/> threw; the topic's loop goes on without it.</summary>
    internal void SubscriptionFailed(BackplaneTopic topic, bool subscribe, Exception exception)
    {
        try
        {
            Log.SubscriptionFailed(_logger, subscribe ? "subscribe to" : "unsubscribe from", topic.Kind, topic.Name ?? "", exception);
        }
        catch (Exception)
        {
            // A logger that throws must not fault the subscription loop, whose task nobody awaits.
        }
    }

    internal bool JoinGroup(ServerWebSocket connection, string group, out Task subscribed)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!connection.TryJoin(group))
        {
            // Already a member (or ended): AddToGroupAsync still waits for the group's subscription.
            subscribed = _groups.TryGetValue(group, out var existing) ? existing.WhenSubscribed() : Task.CompletedTask;
            return false;
        }

        var members = Join(_groups, BackplaneTopicKind.Group, group, connection, out subscribed);

        // The connection may have ended between joining and being added; its leaving then missed this group.
        if (connection.IsMembershipClosed)
        {
            members.Remove(connection);
        }

        return true;
    }

    private TopicMembers Join(ConcurrentDictionary<string, TopicMembers> registry, BackplaneTopicKind kind, string name, ServerWebSocket socket, out Task subscribed)
    {
        while (true)
        {
            var members = registry.GetOrAdd(name, static (key, state) => new TopicMembers(state.Hub, state.Registry, new BackplaneTopic(state.Kind, key)), (Hub: this, Registry: registry, Kind: kind));
            if (members.TryAdd(socket, out subscribed))
            {
                return members;
            }

            // The topic emptied and left the registry between the lookup and the add: take the new one.
        }
    }

    private void Forget(ServerWebSocket socket)
    {
        if (socket.ConnectionSequenceIfAssigned is > 0 and var sequence && _connections.TryRemove(new KeyValuePair<long, ServerWebSocket>(sequence, socket)))
        {
            Interlocked.Decrement(ref _connectionCount);
        }
    }

    private async Task SubscribeForLifeAsync(BackplaneTopic topic)
    {
        try
        {
            await Backplane!.SubscribeAsync(topic, CancellationToken.None).ConfigureAwait(false);
            Metrics.BackplaneSubscriptionChanged(topic.Kind, 1);
        }
        catch (Exception exception)
        {
            SubscriptionFailed(topic, subscribe: true, exception);
        }
    }

    private void CloseAll()
    {
        Volatile.Write(ref _stopping, true);
        var closing = new List<Task>();
        foreach (var (_, socket) in _connections)
        {
            closing.Add(socket.CloseAsync(WebSocketCloseCode.GoingAway, "The server is shutting down."));
        }

        // Each close waits at most the close timeout; the host waits for the handlers, which end as their
        // connections do. Nothing here needs to block the stopping callback.
        _ = Task.WhenAll(closing);
    }

    internal static ServerWebSocket AsServerSocket(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket as ServerWebSocket
            ?? throw new ArgumentException("The connection does not belong to this application's Velithon runtime.", nameof(socket));
    }
}
