using System.Collections.Concurrent;
using Velithon.Presence;
using Velithon.Scaling;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A backplane that carries presence: it records what this server publishes and lets the test deliver presence
/// messages "from another server"; ordinary messages go nowhere. Its reachability is the test's to set.
/// </summary>
public sealed class PresenceBackplane : WebSocketBackplane
{
    private volatile bool _reachable = true;

    public ConcurrentQueue<(string Group, byte[] Payload)> Published { get; } = new();

    public override bool SupportsPresence => true;

    public override bool IsReachable => _reachable;

    public void SetReachable(bool reachable) => _reachable = reachable;

    public override void PublishPresence(string group, ReadOnlySpan<byte> payload) => Published.Enqueue((group, payload.ToArray()));

    public override ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken) => default;

    public override ValueTask SubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken) => default;

    public override ValueTask UnsubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken) => default;

    public void Deliver(string group, ReadOnlySpan<byte> payload) => DeliverPresence(group, payload);

    /// <summary>The messages this server published, read back, in order.</summary>
    internal List<(string Group, PresenceMessage Message)> Read() =>
        [.. Published.Select(published => (published.Group, PresenceCodec.TryRead(published.Payload, out var message) ? message : throw new InvalidOperationException("unreadable")))];
}
