using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velithon.Buffers;
using Velithon.Connections;
using Velithon.Json;
using Velithon.Metrics;
using Velithon.Scaling;

namespace Velithon.Groups;

/// <summary>
/// The runtime's <see cref="IWebSocketHub"/>: the registry of accepted connections and of groups, the
/// broadcaster, and the one that closes every connection with 1001 when the host stops.
/// </summary>
internal sealed partial class WebSocketHub : IWebSocketHub
{
    private readonly ConcurrentDictionary<ServerWebSocket, byte> _connections = new();
    private readonly ConcurrentDictionary<string, GroupMembers> _groups = new(StringComparer.Ordinal);
    private readonly VelithonMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WebSocketBackplane? _backplane;
    private readonly ApplicationJson _json;

    public WebSocketHub(
        VelithonMetrics metrics,
        ILoggerFactory loggerFactory,
        IHostApplicationLifetime lifetime,
        IEnumerable<WebSocketBackplane> backplanes,
        ApplicationJson json)
    {
        _json = json;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("Velithon.WebSockets.Hub");
        foreach (var backplane in backplanes)
        {
            if (_backplane is not null)
            {
                throw new InvalidOperationException("Only one WebSocket backplane can be registered.");
            }

            _backplane = backplane;
            backplane.Attach(this);
        }

        lifetime.ApplicationStopping.Register(static state => ((WebSocketHub)state!).CloseAll(), this);
    }

    public int ConnectionCount => _connections.Count;

    public BroadcastTarget All => new(this, null, null);

    public BroadcastTarget Group(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new BroadcastTarget(this, group, null);
    }

    internal IEnumerable<ServerWebSocket> Connections => _connections.Keys;

    // Set when the host begins to stop; a connection accepted from then on is closed with 1001 as it joins.
    private bool _stopping;

    internal void Add(ServerWebSocket socket)
    {
        _connections.TryAdd(socket, 0);
        if (Volatile.Read(ref _stopping))
        {
            // Accepted after shutdown began, so CloseAll did not see it: it goes the way of every other connection.
            _ = socket.CloseAsync(WebSocketCloseCode.GoingAway, "The server is shutting down.");
        }
    }

    /// <summary>Forgets a connection that ended: it leaves the registry and every group.</summary>
    internal void Remove(ServerWebSocket socket)
    {
        _connections.TryRemove(socket, out _);
        foreach (var group in socket.CloseMembership())
        {
            if (_groups.TryGetValue(group, out var members))
            {
                members.Remove(socket, _groups);
            }
        }
    }

    public bool AddToGroup(WebSocket socket, string group)
    {
        var connection = AsServerSocket(socket);
        ArgumentNullException.ThrowIfNull(group);
        if (!connection.TryJoin(group))
        {
            return false;
        }

        while (true)
        {
            var members = _groups.GetOrAdd(group, static name => new GroupMembers(name));
            if (members.TryAdd(connection))
            {
                // The connection may have ended between joining and being added; its leaving then missed this group.
                if (connection.IsMembershipClosed)
                {
                    members.Remove(connection, _groups);
                }

                return true;
            }

            // The group emptied and was removed between the lookup and the add: take the new one.
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
            members.Remove(connection, _groups);
        }

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

    public IReadOnlyList<string> GetGroupNames() => [.. _groups.Keys];

    public IReadOnlyList<WebSocket> GetConnections() => [.. _connections.Keys];

    public ValueTask<int> BroadcastTextAsync(BroadcastTarget target, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Encoding.UTF8.GetMaxByteCount(text.Length), 1));
        int length = Encoding.UTF8.GetBytes(text, buffer);
        return BroadcastAsync(target, new BroadcastPayload(buffer, length, WebSocketMessageType.Text), cancellationToken);
    }

    public ValueTask<int> BroadcastBytesAsync(BroadcastTarget target, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        BroadcastAsync(target, BroadcastPayload.Copy(data.Span, WebSocketMessageType.Binary), cancellationToken);

    public ValueTask<int> BroadcastJsonAsync<T>(BroadcastTarget target, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var buffer = new PooledBufferWriter();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }

            return BroadcastAsync(target, BroadcastPayload.Copy(buffer.WrittenMemory.Span, WebSocketMessageType.Text), cancellationToken);
        }
        finally
        {
            buffer.Reset();
        }
    }

    [RequiresUnreferencedCode(ServerWebSocket.JsonWithoutTypeInfoMessage)]
    [RequiresDynamicCode(ServerWebSocket.JsonWithoutTypeInfoMessage)]
    public ValueTask<int> BroadcastJsonAsync<T>(BroadcastTarget target, T value, CancellationToken cancellationToken = default) =>
        BroadcastJsonAsync(target, value, _json.GetTypeInfo<T>(), cancellationToken);

    /// <summary>Delivers a broadcast that another server published.</summary>
    internal int DeliverFromBackplane(BackplaneMessage message)
    {
        var payload = BroadcastPayload.Copy(message.Payload.Span,
            message.Kind == WebSocketMessageKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
        try
        {
            return DeliverLocally(message.Group, excluded: null, payload);
        }
        finally
        {
            payload.Release();
        }
    }

    private ValueTask<int> BroadcastAsync(BroadcastTarget target, BroadcastPayload payload, CancellationToken cancellationToken)
    {
        int delivered;
        try
        {
            delivered = DeliverLocally(target.Group, target.Excluded as ServerWebSocket, payload);
        }
        catch
        {
            payload.Release();
            throw;
        }

        if (_backplane is null)
        {
            payload.Release();
            return new ValueTask<int>(delivered);
        }

        return PublishAsync(target.Group, payload, delivered, cancellationToken);
    }

    private async ValueTask<int> PublishAsync(string? group, BroadcastPayload payload, int delivered, CancellationToken cancellationToken)
    {
        try
        {
            var kind = payload.MessageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary;
            await _backplane!.PublishAsync(new BackplaneMessage(group, kind, payload.Memory), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            payload.Release();
        }

        return delivered;
    }

    private int DeliverLocally(string? group, ServerWebSocket? excluded, BroadcastPayload payload)
    {
        if (group is null)
        {
            return DeliverToEach(_connections, excluded, payload);
        }

        return _groups.TryGetValue(group, out var members) ? DeliverToEach(members.Connections, excluded, payload) : 0;
    }

    private int DeliverToEach(ConcurrentDictionary<ServerWebSocket, byte> recipients, ServerWebSocket? excluded, BroadcastPayload payload)
    {
        int delivered = 0;
        foreach (var (socket, _) in recipients)
        {
            if (ReferenceEquals(socket, excluded))
            {
                continue;
            }

            switch (socket.DeliverBroadcast(payload, socket.Policy.BroadcastQueueLimit))
            {
                case DeliveryResult.Delivered:
                    delivered++;
                    break;
                case DeliveryResult.QueueFull:
                    OnQueueFull(socket);
                    break;
            }
        }

        return delivered;
    }

    private void OnQueueFull(ServerWebSocket socket)
    {
        var policy = socket.Policy.SlowConsumerPolicy;
        _metrics.BroadcastDropped(policy);
        if (policy == SlowConsumerPolicy.DropMessage)
        {
            Log.BroadcastDropped(_logger, socket.Policy.BroadcastQueueLimit);
            return;
        }

        if (socket.TryMarkSlowConsumer())
        {
            int code = policy == SlowConsumerPolicy.ClosePolicyViolation ? WebSocketCloseCode.PolicyViolation : WebSocketCloseCode.TryAgainLater;
            Log.SlowConsumerClosed(_logger, socket.Policy.BroadcastQueueLimit, code);
            _ = socket.CloseAsync(code, "The connection does not read its messages fast enough.");
        }
    }

    private void CloseAll()
    {
        Volatile.Write(ref _stopping, true);
        var closing = new List<Task>();
        foreach (var socket in _connections.Keys)
        {
            closing.Add(socket.CloseAsync(WebSocketCloseCode.GoingAway, "The server is shutting down."));
        }

        // Each close waits at most the close timeout; the host waits for the handlers, which end as their
        // connections do. Nothing here needs to block the stopping callback.
        _ = Task.WhenAll(closing);
    }

    private static ServerWebSocket AsServerSocket(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket as ServerWebSocket
            ?? throw new ArgumentException("The connection does not belong to this application's Velithon runtime.", nameof(socket));
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "A broadcast was dropped for a connection whose queue holds {Limit} messages already.", EventName = "BroadcastDropped")]
        public static partial void BroadcastDropped(ILogger logger, int limit);

        [LoggerMessage(21, LogLevel.Information, "A connection whose broadcast queue held {Limit} messages is closed with {CloseCode}: it does not read fast enough.", EventName = "SlowConsumerClosed")]
        public static partial void SlowConsumerClosed(ILogger logger, int limit, int closeCode);
    }

    /// <summary>One group's members on this server.</summary>
    private sealed class GroupMembers(string name)
    {
        private readonly Lock _lock = new();
        private bool _removed;

        public ConcurrentDictionary<ServerWebSocket, byte> Connections { get; } = new();

        public int Count => Connections.Count;

        /// <summary>Adds a member unless this group was already removed from the registry for being empty.</summary>
        public bool TryAdd(ServerWebSocket socket)
        {
            lock (_lock)
            {
                if (_removed)
                {
                    return false;
                }

                Connections.TryAdd(socket, 0);
                return true;
            }
        }

        public void Remove(ServerWebSocket socket, ConcurrentDictionary<string, GroupMembers> registry)
        {
            lock (_lock)
            {
                if (Connections.TryRemove(socket, out _) && Connections.IsEmpty)
                {
                    // An empty group leaves the registry, so group names do not accumulate.
                    _removed = true;
                    registry.TryRemove(new KeyValuePair<string, GroupMembers>(name, this));
                }
            }
        }

        public IReadOnlyList<WebSocket> Snapshot() => [.. Connections.Keys];
    }
}
