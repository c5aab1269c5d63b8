using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Groups;
using Velithon.Protocol;

namespace Velithon.Connections;

/// <summary>The connection's side of groups: which groups it belongs to, and the broadcasts delivered to it.</summary>
internal sealed partial class ServerWebSocket
{
    // Group membership, guarded by _stateLock; allocated on the first join.
    private List<string>? _groups;
    private bool _membershipClosed;
    private BroadcastQueue? _broadcastQueue;
    private int _slowConsumer;

    /// <summary>
    /// Sends a broadcast's message; never accepts a connection implicitly. The payload's frame, built once for every
    /// recipient, goes out as it is unless the connection frames its own: permessage-deflate compresses with the
    /// connection's context (RFC 7692 section 7.1.1), and a resumable session numbers and keeps each message.
    /// The caller keeps <paramref name="payload"/> referenced until the send completes.
    /// </summary>
    internal ValueTask SendBroadcastAsync(BroadcastPayload payload)
    {
        var socket = _socket;
        if (socket is null)
        {
            return ValueTask.FromException(CreateDisconnectException(null));
        }

        if (_session is not null || socket.Compression is not null)
        {
            return SendCoreAsync(payload.Memory, payload.MessageType, CancellationToken.None);
        }

        if (_phase != ConnectionPhase.Open)
        {
            return ValueTask.FromException(CreateDisconnectException(null));
        }

        ValueTask send;
        try
        {
            send = socket.SendFrameAsync(payload.Frame, CancellationToken.None);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            return ValueTask.FromException(OnSendFailed(exception, CancellationToken.None));
        }

        return Sent(send, payload.Length, CancellationToken.None);
    }

    /// <summary>Returns true the first time only, so a slow consumer is closed once however many broadcasts overflow.</summary>
    internal bool TryMarkSlowConsumer() => Interlocked.Exchange(ref _slowConsumer, 1) == 0;

    /// <summary>Sends or queues a broadcast to this connection, if it is open.</summary>
    internal DeliveryResult DeliverBroadcast(BroadcastPayload payload, int queueLimit)
    {
        if (_socket is null || ApplicationState != WebSocketState.Connected)
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
            if (_membershipClosed || _phase == ConnectionPhase.Closed)
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

    /// <summary>Whether the connection belongs to <paramref name="group"/> now.</summary>
    internal bool IsInGroup(string group)
    {
        lock (_stateLock)
        {
            return _groups is not null && _groups.Contains(group);
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
