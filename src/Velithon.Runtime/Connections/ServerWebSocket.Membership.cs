using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Groups;

namespace Velithon.Connections;

/// <summary>The connection's side of groups: which groups it belongs to, and the broadcasts delivered to it.</summary>
internal sealed partial class ServerWebSocket
{
    /// <summary>Sends a broadcast's message; never accepts a connection implicitly.</summary>
    internal ValueTask SendBroadcastAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType) =>
        _socket is null ? ValueTask.FromException(CreateDisconnectException(null)) : SendCoreAsync(payload, messageType, CancellationToken.None);

    /// <summary>Sends or queues a broadcast to this connection, if it is open.</summary>
    internal DeliveryResult DeliverBroadcast(BroadcastPayload payload, int queueLimit)
    {
        if (_socket is null || _applicationState != WebSocketState.Connected)
        {
            return DeliveryResult.NotConnected;
        }

        var queue = _broadcastQueue;
        if (queue is null)
        {
            lock (_stateLock)
            {
                queue = _broadcastQueue ??= new BroadcastQueue(this, queueLimit);
            }
        }

        return queue.Deliver(payload);
    }

    /// <summary>Joins <paramref name="group"/>; false when already a member, or when the connection has ended or is leaving its groups.</summary>
    internal bool TryJoin(string group)
    {
        lock (_stateLock)
        {
            if (_membershipClosed || _ended)
            {
                return false;
            }

            _groups ??= [];
            if (_groups.Contains(group))
            {
                return false;
            }

            _groups.Add(group);
            return true;
        }
    }

    internal bool TryLeave(string group)
    {
        lock (_stateLock)
        {
            return _groups is not null && _groups.Remove(group);
        }
    }

    internal IReadOnlyList<string> GetGroups()
    {
        lock (_stateLock)
        {
            return _groups is null ? [] : [.. _groups];
        }
    }

    internal bool IsMembershipClosed
    {
        get
        {
            lock (_stateLock)
            {
                return _membershipClosed;
            }
        }
    }

    /// <summary>Stops further joins and returns the groups to leave.</summary>
    internal IReadOnlyList<string> CloseMembership()
    {
        lock (_stateLock)
        {
            _membershipClosed = true;
            IReadOnlyList<string> groups = _groups is null ? [] : _groups;
            _groups = null;
            return groups;
        }
    }
}
