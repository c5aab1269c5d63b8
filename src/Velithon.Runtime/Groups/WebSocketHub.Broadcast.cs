using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Velithon.Buffers;
using Velithon.Connections;
using Velithon.Scaling;

namespace Velithon.Groups;

/// <summary>
/// Sending to a target: encode once, deliver to this server's matching connections, then publish on the target's
/// backplane topic for the other servers; and delivering what the backplane brings from them.
/// </summary>
internal sealed partial class WebSocketHub
{
    public ValueTask<int> BroadcastTextAsync(BroadcastTarget target, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Encoded once, straight after the room for the frame header that every recipient shares.
        var buffer = BroadcastPayload.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        int length = Encoding.UTF8.GetBytes(text, buffer.AsSpan(BroadcastPayload.HeaderRoom));
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
            // Serialized after the room for the shared frame header, and the array handed over as it is: no copy.
            buffer.GetSpan(BroadcastPayload.HeaderRoom + 256);
            buffer.Advance(BroadcastPayload.HeaderRoom);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, value, typeInfo);
            }

            byte[] serialized = buffer.Detach(out int written);
            return BroadcastAsync(target, new BroadcastPayload(serialized, written - BroadcastPayload.HeaderRoom, WebSocketMessageType.Text), cancellationToken);
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

    /// <summary>Delivers a message that another server published on one of this server's topics.</summary>
    internal int DeliverFromBackplane(BackplaneMessage message)
    {
        var topic = message.Topic;
        Metrics.BackplaneMessageReceived(topic.Kind);
        ConcurrentDictionary<ServerWebSocket, byte>? members = null;
        ServerWebSocket? single = null;
        switch (topic.Kind)
        {
            case BackplaneTopicKind.All:
                break;
            case BackplaneTopicKind.Group or BackplaneTopicKind.User:
                if (topic.Name is null || !(topic.Kind == BackplaneTopicKind.Group ? _groups : _users).TryGetValue(topic.Name, out var topicMembers) || topicMembers.Count == 0)
                {
                    // The last member left while the message travelled.
                    return 0;
                }

                members = topicMembers.Connections;
                break;
            case BackplaneTopicKind.Server:
                if (message.ConnectionId is not { } id || !TryGetLocalConnection(id, out single))
                {
                    return 0;
                }

                break;
            default:
                return 0;
        }

        var payload = BroadcastPayload.Copy(message.Payload.Span,
            message.Kind == WebSocketMessageKind.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
        int delivered;
        try
        {
            delivered = single is not null ? DeliverToOne(single, excluded: null, payload)
                : members is not null ? DeliverToEach(members, excluded: null, payload)
                : DeliverToAll(excluded: null, payload);
        }
        finally
        {
            payload.Release();
        }

        if (delivered > 0)
        {
            Metrics.BackplaneMessageDelivered(topic.Kind);
        }

        return delivered;
    }

    /// <summary>Sends a text message to this server's members of <paramref name="group"/> only (a presence diff, which each server makes for its own members).</summary>
    internal int DeliverTextLocally(string group, ReadOnlySpan<byte> utf8)
    {
        if (!_groups.TryGetValue(group, out var members) || members.Count == 0)
        {
            return 0;
        }

        var payload = BroadcastPayload.Copy(utf8, WebSocketMessageType.Text);
        try
        {
            return DeliverToEach(members.Connections, excluded: null, payload);
        }
        finally
        {
            payload.Release();
        }
    }

    private ValueTask<int> BroadcastAsync(BroadcastTarget target, BroadcastPayload payload, CancellationToken cancellationToken)
    {
        int delivered;
        BackplaneTopic? topic;
        try
        {
            delivered = DeliverLocally(target, payload, out topic);
        }
        catch
        {
            payload.Release();
            throw;
        }

        if (Backplane is null || topic is not { } remote)
        {
            payload.Release();
            return new ValueTask<int>(delivered);
        }

        return PublishAsync(new BackplaneMessage(remote, target.Kind == BroadcastTargetKind.Connection ? target.Name : null,
            payload.MessageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary, payload.Memory),
            payload, delivered, cancellationToken);
    }

    private async ValueTask<int> PublishAsync(BackplaneMessage message, BroadcastPayload payload, int delivered, CancellationToken cancellationToken)
    {
        try
        {
            Metrics.BackplaneMessagePublished(message.Topic.Kind);
            await Backplane!.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            payload.Release();
        }

        return delivered;
    }

    /// <summary>
    /// Delivers to this server's connections of <paramref name="target"/>; <paramref name="topic"/> is where the
    /// other servers' connections of it listen, or null when none can have any (a connection of this server, or an
    /// id no server gave out).
    /// </summary>
    private int DeliverLocally(BroadcastTarget target, BroadcastPayload payload, out BackplaneTopic? topic)
    {
        var excluded = target.Excluded as ServerWebSocket;
        var name = target.Name;
        switch (target.Kind)
        {
            case BroadcastTargetKind.Group:
                topic = BackplaneTopic.ForGroup(name!);
                return _groups.TryGetValue(name!, out var members) ? DeliverToEach(members.Connections, excluded, payload) : 0;
            case BroadcastTargetKind.User:
                topic = BackplaneTopic.ForUser(name!);
                return _users.TryGetValue(name!, out var user) ? DeliverToEach(user.Connections, excluded, payload) : 0;
            case BroadcastTargetKind.Connection:
                topic = null;
                if (!ConnectionIds.TryGetServerId(name!, out var server))
                {
                    return 0;
                }

                if (server.SequenceEqual(Ids.ServerId))
                {
                    return TryGetLocalConnection(name!, out var socket) ? DeliverToOne(socket, excluded, payload) : 0;
                }

                topic = BackplaneTopic.ForServer(server.ToString());
                return 0;
            default:
                topic = BackplaneTopic.All;
                return DeliverToAll(excluded, payload);
        }
    }

    private int DeliverToAll(ServerWebSocket? excluded, BroadcastPayload payload)
    {
        int delivered = 0;
        foreach (var (_, socket) in _connections)
        {
            delivered += DeliverToOne(socket, excluded, payload);
        }

        return delivered;
    }

    private int DeliverToEach(ConcurrentDictionary<ServerWebSocket, byte> recipients, ServerWebSocket? excluded, BroadcastPayload payload)
    {
        int delivered = 0;
        foreach (var (socket, _) in recipients)
        {
            delivered += DeliverToOne(socket, excluded, payload);
        }

        return delivered;
    }

    private int DeliverToOne(ServerWebSocket socket, ServerWebSocket? excluded, BroadcastPayload payload)
    {
        if (ReferenceEquals(socket, excluded))
        {
            return 0;
        }

        switch (socket.DeliverBroadcast(payload, socket.Policy.BroadcastQueueLimit))
        {
            case DeliveryResult.Delivered:
                return 1;
            case DeliveryResult.QueueFull:
                OnQueueFull(socket);
                return 0;
            default:
                return 0;
        }
    }

    private void OnQueueFull(ServerWebSocket socket)
    {
        var policy = socket.Policy.SlowConsumerPolicy;
        Metrics.BroadcastDropped(policy);
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

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Debug, "A broadcast was dropped for a connection whose queue holds {Limit} messages already.", EventName = "BroadcastDropped")]
        public static partial void BroadcastDropped(ILogger logger, int limit);

        [LoggerMessage(21, LogLevel.Information, "A connection whose broadcast queue held {Limit} messages is closed with {CloseCode}: it does not read fast enough.", EventName = "SlowConsumerClosed")]
        public static partial void SlowConsumerClosed(ILogger logger, int limit, int closeCode);

        [LoggerMessage(27, LogLevel.Warning, "The backplane failed to {Action} the {Kind} topic '{Name}'; messages from other servers may not reach this server's connections of it.", EventName = "BackplaneSubscriptionFailed")]
        public static partial void SubscriptionFailed(ILogger logger, string action, BackplaneTopicKind kind, string name, Exception exception);
    }
}
