using System;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Groups;

namespace Velithon.Scaling;

/// <summary>
/// Carries broadcasts between the servers of one application, so that a broadcast to a group reaches the
/// group's members on every server. Register one as a singleton (for example with
/// <c>AddVelithon().AddRedisBackplane(...)</c>); the hub publishes every broadcast to it after delivering
/// locally, and the backplane hands broadcasts from other servers to <see cref="DeliverLocally"/>.
/// </summary>
public abstract class WebSocketBackplane
{
    private WebSocketHub? _hub;

    /// <summary>
    /// Publishes a broadcast that was just delivered on this server to the other servers. The message's
    /// memory is valid only until the returned task completes. Implementations must not throw for a broker
    /// that is unreachable: local delivery has already happened and must not fail because of it.
    /// </summary>
    public abstract ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken);

    /// <summary>Delivers a broadcast published by another server to this server's matching connections.</summary>
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

/// <summary>A broadcast as it travels between servers: its target group (or everyone), its kind and its payload.</summary>
/// <param name="Group">The group, or <see langword="null"/> for every connection.</param>
/// <param name="Kind">Whether the payload is a text (UTF-8) or a binary message.</param>
/// <param name="Payload">The message as sent on the wire.</param>
public readonly record struct BackplaneMessage(string? Group, WebSocketMessageKind Kind, ReadOnlyMemory<byte> Payload);
