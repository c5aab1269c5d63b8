using System;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Groups;

namespace Velithon.Scaling;

/// <summary>
/// Carries messages between the servers of one application, so that a message to a group, a user or a
/// connection reaches it on whichever server it lives, and only the servers that hold some of its connections
/// receive it. Register one as a singleton (for example with <c>AddVelithon().AddRedisBackplane(...)</c>).
/// </summary>
/// <remarks>
/// <para>
/// The hub drives it: it publishes every message after delivering it locally (<see cref="PublishAsync"/>), and it
/// tells the backplane which topics this server needs (<see cref="SubscribeAsync"/>, <see cref="UnsubscribeAsync"/>):
/// <see cref="BackplaneTopic.All"/> and this server's own <see cref="BackplaneTopicKind.Server"/> topic for as long
/// as the hub lives, a group's topic from its first member on this server until its last one leaves, and a user's
/// from the user's first connection here until the last ends. The backplane hands what arrives on its subscriptions
/// to <see cref="DeliverLocally"/>, skipping what this server published itself.
/// </para>
/// <para>
/// For one topic the hub never overlaps calls: it calls <see cref="SubscribeAsync"/> and <see cref="UnsubscribeAsync"/>
/// alternately, starting with a subscribe, each after the previous one completed. Calls for different topics run
/// at the same time.
/// </para>
/// </remarks>
public abstract class WebSocketBackplane
{
    private WebSocketHub? _hub;

    /// <summary>
    /// Publishes a message that was just delivered on this server to the other servers, on
    /// <paramref name="message"/>'s topic. The message's memory is valid only until the returned task completes.
    /// Implementations must not throw for a broker that is unreachable: local delivery has already happened and
    /// must not fail because of it.
    /// </summary>
    public abstract ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Starts receiving what the other servers publish on <paramref name="topic"/>. Completes once the broker has
    /// confirmed the subscription, so that everything published on the topic after the returned task completed
    /// arrives. When the broker is unreachable it completes without waiting, and the backplane subscribes once the
    /// broker returns; it must not throw for that.
    /// </summary>
    public abstract ValueTask SubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken);

    /// <summary>
    /// Stops receiving <paramref name="topic"/>'s messages; also forgets a subscription that waits for the broker to
    /// return. Must not throw for an unreachable broker.
    /// </summary>
    public abstract ValueTask UnsubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this backplane carries presence messages between servers (<see cref="PublishPresence"/>). When it does
    /// not (the default, so backplanes written before presence existed keep working unchanged), presence lists and
    /// diffs cover this server's connections only.
    /// </summary>
    public virtual bool SupportsPresence => false;

    /// <summary>
    /// Whether the broker is reachable now, as far as the backplane knows. While it is not, presence forgets no other
    /// server for its silence (see <c>PresenceOptions.Timeout</c>). Default: always <see langword="true"/>.
    /// </summary>
    public virtual bool IsReachable => true;

    /// <summary>
    /// Publishes a presence message (opaque bytes the runtime encodes) on the topic of <paramref name="group"/>, where
    /// <see cref="DeliverPresence"/> hands it to the other servers subscribed to the group. Called only when
    /// <see cref="SupportsPresence"/> is true, sometimes under a lock, so it must not block: it starts the publish and
    /// returns. Messages for one group must reach each receiver in the order of the calls, as the group's ordinary
    /// messages do. The bytes are valid only during the call. Must not throw for an unreachable broker: the runtime
    /// finds what was lost from the sequence numbers of later messages.
    /// </summary>
    /// <param name="group">The group, whose <see cref="BackplaneTopic.ForGroup"/> topic carries the message.</param>
    /// <param name="payload">The message.</param>
    public virtual void PublishPresence(string group, ReadOnlySpan<byte> payload)
    {
    }

    /// <summary>Hands this server's presence a message another server published with <see cref="PublishPresence"/> on <paramref name="group"/>'s topic.</summary>
    protected void DeliverPresence(string group, ReadOnlySpan<byte> payload) =>
        _hub?.Presence.Receive(group, payload);

    /// <summary>Delivers a message published by another server to this server's matching connections.</summary>
    /// <returns>The number of local connections it was sent or queued to.</returns>
    protected int DeliverLocally(BackplaneMessage message) =>
        _hub?.DeliverFromBackplane(message) ?? 0;

    internal void Attach(WebSocketHub hub)
    {
        if (Interlocked.CompareExchange(ref _hub, hub, null) is { } existing && !ReferenceEquals(existing, hub))
        {
            throw new InvalidOperationException("A backplane serves one hub; register it as a singleton of one application.");
        }
    }
}
