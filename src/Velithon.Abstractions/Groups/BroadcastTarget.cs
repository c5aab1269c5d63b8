using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// Who a broadcast goes to: everyone or one group, optionally but one connection. Get one from
/// <see cref="IWebSocketHub.All"/> or <see cref="IWebSocketHub.Group"/>, then send:
/// <c>await hub.Group(roomId).Except(ws).SendTextAsync(text)</c>.
/// </summary>
/// <remarks>A value type: building a target allocates nothing.</remarks>
public readonly struct BroadcastTarget : IEquatable<BroadcastTarget>
{
    private readonly IWebSocketHub? _hub;

    /// <summary>Creates a target; hubs call this, applications use <see cref="IWebSocketHub.All"/> and <see cref="IWebSocketHub.Group"/>.</summary>
    /// <param name="hub">The hub that sends.</param>
    /// <param name="group">The group, or <see langword="null"/> for every connection.</param>
    /// <param name="excluded">A connection that does not receive the message, or <see langword="null"/>.</param>
    public BroadcastTarget(IWebSocketHub hub, string? group, WebSocket? excluded)
    {
        ArgumentNullException.ThrowIfNull(hub);
        _hub = hub;
        Group = group;
        Excluded = excluded;
    }

    /// <summary>The group, or <see langword="null"/> when the target is every connection.</summary>
    public string? Group { get; }

    /// <summary>The connection left out, if any.</summary>
    public WebSocket? Excluded { get; }

    private IWebSocketHub Hub => _hub ?? throw new InvalidOperationException("This BroadcastTarget was not created by a hub; use IWebSocketHub.All or IWebSocketHub.Group.");

    /// <summary>The same target without <paramref name="socket"/>, typically the sender of the message being relayed.</summary>
    public BroadcastTarget Except(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new BroadcastTarget(Hub, Group, socket);
    }

    /// <summary>Sends <paramref name="text"/> as one text message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to.</returns>
    public ValueTask<int> SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        Hub.BroadcastTextAsync(this, text, cancellationToken);

    /// <summary>Sends <paramref name="data"/> as one binary message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to.</returns>
    public ValueTask<int> SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Hub.BroadcastBytesAsync(this, data, cancellationToken);

    /// <summary>Serializes <paramref name="value"/> once and sends it as one text message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    public ValueTask<int> SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        Hub.BroadcastJsonAsync(this, value, typeInfo, cancellationToken);

    /// <summary>Serializes <paramref name="value"/> once with the configured JSON options and sends it to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    [RequiresUnreferencedCode(WebSocket.JsonWithoutTypeInfoMessage)]
    [RequiresDynamicCode(WebSocket.JsonWithoutTypeInfoMessage)]
    public ValueTask<int> SendJsonAsync<T>(T value, CancellationToken cancellationToken = default) =>
        Hub.BroadcastJsonAsync(this, value, cancellationToken);

    /// <inheritdoc />
    public bool Equals(BroadcastTarget other) =>
        ReferenceEquals(_hub, other._hub) && string.Equals(Group, other.Group, StringComparison.Ordinal) && ReferenceEquals(Excluded, other.Excluded);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BroadcastTarget other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_hub, Group is null ? 0 : StringComparer.Ordinal.GetHashCode(Group), Excluded);

    /// <summary>Compares two targets.</summary>
    public static bool operator ==(BroadcastTarget left, BroadcastTarget right) => left.Equals(right);

    /// <summary>Compares two targets.</summary>
    public static bool operator !=(BroadcastTarget left, BroadcastTarget right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        (Group is null ? "all connections" : $"group '{Group}'") + (Excluded is null ? string.Empty : " except one");
}
