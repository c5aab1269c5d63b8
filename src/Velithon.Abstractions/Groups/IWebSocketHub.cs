using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// The application's live WebSocket connections and their named groups (rooms): join and leave, members
/// and counts, and messages to a group, to everyone, to every connection of a user, or to one connection,
/// optionally but one. Inject it into a handler, an endpoint class, an HTTP endpoint or a background service.
/// </summary>
/// <remarks>
/// <para>
/// A connection leaves every group when it ends. Group names, user ids and connection ids are compared ordinally.
/// </para>
/// <para>
/// A broadcast encodes its payload once for all recipients and queues it on each recipient's bounded
/// outbound queue; it returns without waiting for slow clients. A recipient whose queue is full is handled
/// by <c>VelithonOptions.SlowConsumerPolicy</c> (drop the message, or close that connection). With a
/// backplane (for example Redis), a message to any target also reaches its connections on the application's
/// other servers, and only the servers that hold some of them receive it; membership and the counts and
/// snapshots here stay per server.
/// </para>
/// </remarks>
public interface IWebSocketHub
{
    /// <summary>The number of accepted connections that have not ended, on this server.</summary>
    int ConnectionCount { get; }

    /// <summary>Everyone: a target for <see cref="BroadcastTarget.SendTextAsync"/> and its siblings.</summary>
    BroadcastTarget All { get; }

    /// <summary>The members of <paramref name="group"/>: a target for <see cref="BroadcastTarget.SendTextAsync"/> and its siblings.</summary>
    BroadcastTarget Group(string group);

    /// <summary>
    /// Every connection whose <see cref="WebSocket.UserId"/> is <paramref name="userId"/> (one user's devices and
    /// tabs), on whichever server: a target for <see cref="BroadcastTarget.SendTextAsync"/> and its siblings.
    /// </summary>
    BroadcastTarget User(string userId);

    /// <summary>
    /// The connection whose <see cref="WebSocket.ConnectionId"/> is <paramref name="connectionId"/>, on whichever
    /// server it lives: a target for <see cref="BroadcastTarget.SendTextAsync"/> and its siblings. An id of a
    /// connection that has ended, or that no Velithon server gave out, reaches nobody; it is not an error.
    /// </summary>
    BroadcastTarget Connection(string connectionId);

    /// <summary>
    /// Adds <paramref name="socket"/> to <paramref name="group"/>; adding a member twice does nothing.
    /// A connection that has ended is not added.
    /// </summary>
    /// <returns><see langword="true"/> when the connection was added; <see langword="false"/> when it was already a member or has ended.</returns>
    bool AddToGroup(WebSocket socket, string group);

    /// <summary>
    /// Adds <paramref name="socket"/> to <paramref name="group"/>, as <see cref="AddToGroup"/> does, and completes
    /// once the group's messages from the other servers reach it: with a backplane, when this server's
    /// subscription to the group is confirmed by the broker (at once when this server already held it); without
    /// one, at once. Every message published to the group on any server after it completes reaches the member
    /// (while the broker is reachable). During a broker outage it completes without waiting; the subscription
    /// follows when the broker returns.
    /// </summary>
    /// <param name="socket">The connection.</param>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Stops the wait, not the join.</param>
    /// <returns><see langword="true"/> when the connection was added; <see langword="false"/> when it was already a member (it still waits for the subscription) or has ended.</returns>
    ValueTask<bool> AddToGroupAsync(WebSocket socket, string group, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="socket"/> from <paramref name="group"/>.</summary>
    /// <returns><see langword="true"/> when it was a member.</returns>
    bool RemoveFromGroup(WebSocket socket, string group);

    /// <summary>The connections in <paramref name="group"/> on this server, as a snapshot.</summary>
    IReadOnlyList<WebSocket> GetMembers(string group);

    /// <summary>The number of connections in <paramref name="group"/> on this server.</summary>
    int GetMemberCount(string group);

    /// <summary>The groups <paramref name="socket"/> belongs to, as a snapshot.</summary>
    IReadOnlyList<string> GetGroups(WebSocket socket);

    /// <summary>The names of the groups that have at least one member on this server, as a snapshot.</summary>
    IReadOnlyList<string> GetGroupNames();

    /// <summary>The accepted connections on this server, as a snapshot.</summary>
    IReadOnlyList<WebSocket> GetConnections();

    /// <summary>The accepted connections of the user <paramref name="userId"/> on this server, as a snapshot.</summary>
    IReadOnlyList<WebSocket> GetUserConnections(string userId);

    /// <summary>Sends <paramref name="text"/> as one text message to every connection of <paramref name="target"/>.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    ValueTask<int> BroadcastTextAsync(BroadcastTarget target, string text, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="data"/> as one binary message to every connection of <paramref name="target"/>.</summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    ValueTask<int> BroadcastBytesAsync(BroadcastTarget target, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes <paramref name="value"/> once with <paramref name="typeInfo"/> and sends it as one text
    /// message to every connection of <paramref name="target"/>.
    /// </summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    ValueTask<int> BroadcastJsonAsync<T>(BroadcastTarget target, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes <paramref name="value"/> once with the application's configured JSON options and sends it
    /// as one text message to every connection of <paramref name="target"/>.
    /// </summary>
    /// <returns>The number of connections on this server the message was sent or queued to (other servers' are not counted).</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    [RequiresUnreferencedCode(WebSocket.JsonWithoutTypeInfoMessage)]
    [RequiresDynamicCode(WebSocket.JsonWithoutTypeInfoMessage)]
    ValueTask<int> BroadcastJsonAsync<T>(BroadcastTarget target, T value, CancellationToken cancellationToken = default);
}
