using System;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;

namespace Velithon.Groups;

/// <summary>How a broadcast fared with one recipient.</summary>
internal enum DeliveryResult
{
    /// <summary>Sent, or queued behind the connection's earlier messages.</summary>
    Delivered,

    /// <summary>The connection's queue is full: the slow-consumer policy applies.</summary>
    QueueFull,

    /// <summary>The connection is not open.</summary>
    NotConnected,
}

/// <summary>
/// A connection's bounded queue of outbound broadcasts. When nothing is waiting and the socket takes the
/// message at once (the usual case), the broadcaster sends it inline, with no queueing and no allocation.
/// Otherwise the message waits in a fixed ring and one drain loop per connection sends the queue in order,
/// so a slow or stalled client never blocks the broadcaster and never holds more than the limit.
/// </summary>
internal sealed class BroadcastQueue(ServerWebSocket socket, int capacity)
{
    private readonly Lock _lock = new();

    // Allocated when a message first has to wait: most connections only ever take the inline path.
    private BroadcastPayload?[]? _ring;
    private int _head;
    private int _count;
    private bool _sending;
    private bool _closed;

    public DeliveryResult Deliver(BroadcastPayload payload)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return DeliveryResult.NotConnected;
            }

            if (_sending)
            {
                return TryEnqueueLocked(payload) ? DeliveryResult.Delivered : DeliveryResult.QueueFull;
            }

            // This caller now owns sending until the queue is empty again.
            _sending = true;
        }

        ValueTask send;
        try
        {
            send = socket.SendBroadcastAsync(payload.Memory, payload.MessageType);
        }
        catch (WebSocketDisconnectException)
        {
            Close();
            return DeliveryResult.NotConnected;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            lock (_lock)
            {
                if (_count == 0)
                {
                    _sending = false;
                    return DeliveryResult.Delivered;
                }
            }

            // Others queued behind this send while it ran: hand the rest to the drain loop.
            _ = DrainAsync(default, null);
            return DeliveryResult.Delivered;
        }

        payload.AddReference();
        _ = DrainAsync(send, payload);
        return DeliveryResult.Delivered;
    }

    /// <summary>Stops the queue when the connection ends and releases what it still holds.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_count > 0)
            {
                DequeueLocked().Release();
            }
        }
    }

    private bool TryEnqueueLocked(BroadcastPayload payload)
    {
        var ring = _ring ??= new BroadcastPayload?[capacity];
        if (_count == ring.Length)
        {
            return false;
        }

        payload.AddReference();
        ring[(_head + _count) % ring.Length] = payload;
        _count++;
        return true;
    }

    private BroadcastPayload DequeueLocked()
    {
        var ring = _ring!;
        var payload = ring[_head]!;
        ring[_head] = null;
        _head = (_head + 1) % ring.Length;
        _count--;
        return payload;
    }

    private async Task DrainAsync(ValueTask pendingSend, BroadcastPayload? pendingPayload)
    {
        if (pendingPayload is not null)
        {
            try
            {
                await pendingSend.ConfigureAwait(false);
            }
            catch (WebSocketDisconnectException)
            {
                Close();
                return;
            }
            finally
            {
                pendingPayload.Release();
            }
        }

        while (true)
        {
            BroadcastPayload next;
            lock (_lock)
            {
                if (_count == 0 || _closed)
                {
                    _sending = false;
                    return;
                }

                next = DequeueLocked();
            }

            try
            {
                await socket.SendBroadcastAsync(next.Memory, next.MessageType).ConfigureAwait(false);
            }
            catch (WebSocketDisconnectException)
            {
                Close();
                return;
            }
            finally
            {
                next.Release();
            }
        }
    }
}
