using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// Who a message goes to: everyone, one group, every connection of one user, or one connection, on whichever
/// server of the application they are connected to; optionally but one connection. Get one from
/// <see cref="IWebSocketHub.All"/>, <see cref="IWebSocketHub.Group"/>, <see cref="IWebSocketHub.User"/> or
/// <see cref="IWebSocketHub.Connection"/>, then send: <c>await hub.Group(roomId).Except(ws).SendTextAsync(text)</c>.
/// </summary>
/// <remarks>A value type: building a target allocates nothing.</remarks>
public readonly struct BroadcastTarget : IEquatable<BroadcastTarget>
{
    private readonly IWebSocketHub? _hub;

    /// <summary>Creates a target for every connection or one group; hubs call this, applications use <see cref="IWebSocketHub.All"/> and <see cref="IWebSocketHub.Group"/>.</summary>
    /// <param name="hub">The hub that sends.</param>
    /// <param name="group">The group, or <see langword="null"/> for every connection.</param>
    /// <param name="excluded">A connection that does not receive the message, or <see langword="null"/>.</param>
    public BroadcastTarget(IWebSocketHub hub, string? group, WebSocket? excluded)
        : this(hub, group is null ? BroadcastTargetKind.All : BroadcastTargetKind.Group, group, excluded)
    {
    }

    /// <summary>Creates a target of any kind; hubs call this, applications use the hub's <see cref="IWebSocketHub.All"/>, <see cref="IWebSocketHub.Group"/>, <see cref="IWebSocketHub.User"/> and <see cref="IWebSocketHub.Connection"/>.</summary>
    /// <param name="hub">The hub that sends.</param>
    /// <param name="kind">Whom the target addresses.</param>
    /// <param name="name">The group, the user id or the connection id; <see langword="null"/> for <see cref="BroadcastTargetKind.All"/>.</param>
    /// <param name="excluded">A connection that does not receive the message, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is missing for a group, user or connection, or given for everyone.</exception>
    public BroadcastTarget(IWebSocketHub hub, BroadcastTargetKind kind, string? name, WebSocket? excluded)
    {
        ArgumentNullException.ThrowIfNull(hub);
        if (kind is < BroadcastTargetKind.All or > BroadcastTargetKind.Connection)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a BroadcastTargetKind.");
        }

        if ((kind == BroadcastTargetKind.All) != (name is null))
        {
            throw new ArgumentException(kind == BroadcastTargetKind.All
                ? "A target for every connection has no name."
                : $"A {kind} target needs a name.", nameof(name));
        }

        _hub = hub;
        Kind = kind;
        Name = name;
        Excluded = excluded;
    }

    /// <summary>Whom the target addresses.</summary>
    public BroadcastTargetKind Kind { get; }

    /// <summary>
    /// The group, the user id or the connection id, as <see cref="Kind"/> says; <see langword="null"/> when the
    /// target is every connection.
    /// </summary>
    public string? Name { get; }

    /// <summary>The group when <see cref="Kind"/> is <see cref="BroadcastTargetKind.Group"/>; otherwise <see langword="null"/>.</summary>
    public string? Group => Kind == BroadcastTargetKind.Group ? Name : null;

    /// <summary>The connection left out, if any.</summary>
    public WebSocket? Excluded { get; }

    private IWebSocketHub Hub => _hub ?? throw new InvalidOperationException("This BroadcastTarget was not created by a hub; use IWebSocketHub.All, Group, User or Connection.");

    /// <summary>The same target without <paramref name="socket"/>, typically the sender of the message being relayed.</summary>
    public BroadcastTarget Except(WebSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new BroadcastTarget(Hub, Kind, Name, socket);
    }

    /// <summary>Sends <paramref name="text"/> as one text message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    public ValueTask<int> SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        Hub.BroadcastTextAsync(this, text, cancellationToken);

    /// <summary>Sends <paramref name="data"/> as one binary message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    public ValueTask<int> SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Hub.BroadcastBytesAsync(this, data, cancellationToken);

    /// <summary>Serializes <paramref name="value"/> once and sends it as one text message to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    public ValueTask<int> SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        Hub.BroadcastJsonAsync(this, value, typeInfo, cancellationToken);

    /// <summary>Serializes <paramref name="value"/> once with the configured JSON options and sends it to every connection of this target.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    [RequiresUnreferencedCode(WebSocket.JsonWithoutTypeInfoMessage)]
    [RequiresDynamicCode(WebSocket.JsonWithoutTypeInfoMessage)]
    public ValueTask<int> SendJsonAsync<T>(T value, CancellationToken cancellationToken = default) =>
        Hub.BroadcastJsonAsync(this, value, cancellationToken);

    /// <inheritdoc />
    public bool Equals(BroadcastTarget other) =>
        ReferenceEquals(_hub, other._hub) && Kind == other.Kind && string.Equals(Name, other.Name, StringComparison.Ordinal) && ReferenceEquals(Excluded, other.Excluded);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BroadcastTarget other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_hub, Kind, Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name), Excluded);

    /// <summary>Compares two targets.</summary>
    public static bool operator ==(BroadcastTarget left, BroadcastTarget right) => left.Equals(right);

    /// <summary>Compares two targets.</summary>
    public static bool operator !=(BroadcastTarget left, BroadcastTarget right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        Kind switch
        {
            BroadcastTargetKind.Group => $"group '{Name}'",
            BroadcastTargetKind.User => $"user '{Name}'",
            BroadcastTargetKind.Connection => $"connection '{Name}'",
            _ => "all connections",
        } + (Excluded is null ? string.Empty : " except one");
}
