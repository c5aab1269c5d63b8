using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using Velithon.Scaling;

namespace Velithon.Groups;

/// <summary>
/// One group's (or one user's) connections on this server, and the backplane subscription that brings them what the
/// other servers publish to it: subscribed from the first member on, unsubscribed after the last one left.
/// </summary>
/// <remarks>
/// <para>
/// Membership and the subscription's state change under this topic's own lock; nothing here takes a lock shared by
/// other topics. The count is kept beside the set, so counting takes no lock at all (the set's own <c>Count</c> would
/// take all of its locks).
/// </para>
/// <para>
/// One loop at a time (<see cref="ReconcileAsync"/>) brings the backplane in line with the membership: it subscribes
/// while there are members and the subscription is not held, unsubscribes when there are none and it is, and looks
/// again after each call, so a member who joins while the last one's unsubscription is on its way waits for the
/// subscription that follows it; calls for one topic never overlap. The registry keeps this object until the
/// subscription is gone, so such a member joins this object, not a second one racing it.
/// </para>
/// </remarks>
internal sealed class TopicMembers(WebSocketHub hub, ConcurrentDictionary<string, TopicMembers> registry, BackplaneTopic topic)
{
    private readonly Lock _lock = new();
    private int _count;
    private bool _removed;

    // The backplane holds the subscription (the last completed call was a subscribe), and the loop runs.
    private bool _subscribed;
    private bool _reconciling;

    // Completed when the loop ends with the subscription held; what AddToGroupAsync and accept wait for.
    private TaskCompletionSource? _subscribedSignal;

    public BackplaneTopic Topic { get; } = topic;

    public ConcurrentDictionary<ServerWebSocket, byte> Connections { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds a member unless this object already left the registry (it emptied and its subscription is gone): the
    /// caller then takes the registry's new one. <paramref name="subscribed"/> completes once the backplane holds the
    /// subscription.
    /// </summary>
    public bool TryAdd(ServerWebSocket socket, out Task subscribed)
    {
        bool start;
        lock (_lock)
        {
            if (_removed)
            {
                subscribed = Task.CompletedTask;
                return false;
            }

            if (Connections.TryAdd(socket, 0))
            {
                _count++;
            }

            subscribed = WhenSubscribedLocked(out start);
        }

        if (start)
        {
            _ = ReconcileAsync();
        }

        return true;
    }

    /// <summary>Completes once the backplane holds the subscription, or at once when it does or there is no backplane.</summary>
    public Task WhenSubscribed()
    {
        Task subscribed;
        bool start;
        lock (_lock)
        {
            subscribed = WhenSubscribedLocked(out start);
        }

        if (start)
        {
            _ = ReconcileAsync();
        }

        return subscribed;
    }

    public void Remove(ServerWebSocket socket)
    {
        lock (_lock)
        {
            if (!Connections.TryRemove(socket, out _) || --_count > 0 || _reconciling)
            {
                // Members remain, or the running loop will see that none do.
                return;
            }

            if (!_subscribed)
            {
                // No backplane, or its subscribe failed: nothing to undo. An empty topic leaves the registry, so
                // names do not accumulate.
                RemoveFromRegistryLocked();
                return;
            }

            _reconciling = true;
        }

        _ = ReconcileAsync();
    }

    public IReadOnlyList<WebSocket> Snapshot() => [.. Connections.Keys];

    private Task WhenSubscribedLocked(out bool start)
    {
        start = false;
        if (hub.Backplane is null || _count == 0 || (_subscribed && !_reconciling))
        {
            return Task.CompletedTask;
        }

        if (!_reconciling)
        {
            // Also after a subscribe that failed: a later member tries again.
            _reconciling = start = true;
        }

        return (_subscribedSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    private void RemoveFromRegistryLocked()
    {
        _removed = true;
        registry.TryRemove(new KeyValuePair<string, TopicMembers>(Topic.Name!, this));
    }

    /// <summary>Subscribes or unsubscribes until the backplane agrees with the membership. Never throws.</summary>
    private async Task ReconcileAsync()
    {
        var backplane = hub.Backplane!;
        while (true)
        {
            bool subscribe;
            bool agreed;
            TaskCompletionSource? signal = null;
            lock (_lock)
            {
                subscribe = _count > 0;
                agreed = subscribe == _subscribed;
                if (agreed)
                {
                    _reconciling = false;
                    if (subscribe)
                    {
                        signal = _subscribedSignal;
                        _subscribedSignal = null;
                    }
                    else
                    {
                        RemoveFromRegistryLocked();
                    }
                }
            }

            if (agreed)
            {
                signal?.TrySetResult();
                return;
            }

            try
            {
                if (subscribe)
                {
                    await backplane.SubscribeAsync(Topic, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await backplane.UnsubscribeAsync(Topic, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                hub.SubscriptionFailed(Topic, subscribe, exception);
                if (subscribe)
                {
                    // Members stop waiting; the next one to join tries again.
                    lock (_lock)
                    {
                        _reconciling = false;
                        signal = _subscribedSignal;
                        _subscribedSignal = null;
                        if (_count == 0)
                        {
                            RemoveFromRegistryLocked();
                        }
                    }

                    signal?.TrySetResult();
                    return;
                }

                // A failed unsubscribe is the backplane's to clean up; this server no longer wants the topic.
            }

            hub.Metrics.BackplaneSubscriptionChanged(Topic.Kind, subscribe ? 1 : -1);
            lock (_lock)
            {
                _subscribed = subscribe;
            }
        }
    }
}
