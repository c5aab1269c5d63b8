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

    // 1 while one caller owns sending (an inline send or the drain loop). Claimed and released with
    // interlocked operations so the inline path takes no lock. An enqueuer increments the count and then
    // tries to claim; the owner releases and then reads the count: with full fences on both sides, one of
    // the two always sees the other, so a queued message is never left without a drain.
    private int _sending;
    private bool _closed;

    public DeliveryResult Deliver(BroadcastPayload payload)
    {
        if (Volatile.Read(ref _count) == 0 && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            if (Volatile.Read(ref _count) == 0)
            {
                return SendInline(payload);
            }

            // A message was queued between the check and the claim: keep the order, queue this one too.
            var queued = Enqueue(payload);
            _ = DrainAsync(default, null);
            return queued;
        }

        var result = Enqueue(payload);
        if (result == DeliveryResult.Delivered && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            _ = DrainAsync(default, null);
        }

        return result;
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

    private DeliveryResult SendInline(BroadcastPayload payload)
    {
        if (Volatile.Read(ref _closed))
        {
            Volatile.Write(ref _sending, 0);
            return DeliveryResult.NotConnected;
        }

        ValueTask send;
        try
        {
            send = socket.SendBroadcastAsync(payload);
        }
        catch (Exception exception)
        {
            if (!GoesOnAfter(exception))
            {
                Volatile.Write(ref _sending, 0);
                return DeliveryResult.NotConnected;
            }

            ReleaseSending();
            return DeliveryResult.Delivered;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            ReleaseSending();
            return DeliveryResult.Delivered;
        }

        payload.AddReference();
        _ = DrainAsync(send, payload);
        return DeliveryResult.Delivered;
    }

    private DeliveryResult Enqueue(BroadcastPayload payload)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return DeliveryResult.NotConnected;
            }

            var ring = _ring ??= new BroadcastPayload?[capacity];
            if (_count == ring.Length)
            {
                return DeliveryResult.QueueFull;
            }

            payload.AddReference();
            ring[(_head + _count) % ring.Length] = payload;
            Volatile.Write(ref _count, _count + 1);
            return DeliveryResult.Delivered;
        }
    }

    /// <summary>Gives up sending; if messages were queued meanwhile and nobody else claimed them, drains them.</summary>
    private void ReleaseSending()
    {
        Interlocked.Exchange(ref _sending, 0);
        if (Volatile.Read(ref _count) > 0 && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            _ = DrainAsync(default, null);
        }
    }

    private BroadcastPayload DequeueLocked()
    {
        var ring = _ring!;
        var payload = ring[_head]!;
        ring[_head] = null;
        _head = (_head + 1) % ring.Length;
        Volatile.Write(ref _count, _count - 1);
        return payload;
    }

    /// <summary>Sends the queue in order; runs only while this caller owns sending.</summary>
    private async Task DrainAsync(ValueTask pendingSend, BroadcastPayload? pendingPayload)
    {
        if (pendingPayload is not null)
        {
            try
            {
                await pendingSend.ConfigureAwait(false);
            }
            catch (Exception exception) when (!GoesOnAfter(exception))
            {
                return;
            }
            catch (Exception)
            {
                // Logged by GoesOnAfter; the queue goes on with the next message.
            }
            finally
            {
                pendingPayload.Release();
            }
        }

        while (true)
        {
            BroadcastPayload? next = null;
            lock (_lock)
            {
                if (_count > 0 && !_closed)
                {
                    next = DequeueLocked();
                }
            }

            if (next is null)
            {
                Interlocked.Exchange(ref _sending, 0);
                if (Volatile.Read(ref _count) > 0 && !Volatile.Read(ref _closed) && Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
                {
                    continue;
                }

                return;
            }

            try
            {
                await socket.SendBroadcastAsync(next).ConfigureAwait(false);
            }
            catch (Exception exception) when (!GoesOnAfter(exception))
            {
                return;
            }
            catch (Exception)
            {
                // Logged by GoesOnAfter; the queue goes on with the next message.
            }
            finally
            {
                next.Release();
            }
        }
    }

    /// <summary>
    /// Whether the queue goes on after a send failed with <paramref name="exception"/>: not when the connection has
    /// ended (the queue closes); yes after anything else, which is logged, so one failure never wedges the queue
    /// nor ends as an unobserved exception.
    /// </summary>
    private bool GoesOnAfter(Exception exception)
    {
        if (exception is WebSocketDisconnectException || socket.HasEnded)
        {
            Close();
            return false;
        }

        Connections.Log.BroadcastFailed(socket.Runtime.Logger, exception);
        return true;
    }
}
