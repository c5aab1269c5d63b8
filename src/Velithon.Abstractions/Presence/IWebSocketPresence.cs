using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// Who is in a group, across every server of the application: each tracked connection has a key (for example a user
/// id, so one user with a phone and a laptop is one member with two connections) and a small string map of metadata.
/// Inject it where <see cref="IWebSocketHub"/> is injected.
/// </summary>
/// <remarks>
/// <para>
/// When a key appears in a group (its first connection on any server) or disappears (its last connection ended, was
/// untracked, or its server stopped answering), every member of the group on every server receives one text message,
/// a <c>presence_diff</c>:
/// <c>{"type":"presence_diff","group":"lobby","joins":{"alice":[{"connectionId":"…","meta":{"device":"phone"}}]},"leaves":{}}</c>.
/// A second connection of a key that is present already is not a join, and a connection of a key that keeps others is
/// not a leave; <see cref="List"/> shows them.
/// </para>
/// <para>
/// Each server owns the entries of its own connections and publishes only their changes; the others keep a copy. A
/// server that stops without a word (a crash, a lost network) is forgotten by the others once its heartbeats have
/// been missing for <c>VelithonOptions.Presence.Timeout</c> on the application's <see cref="System.TimeProvider"/>.
/// Without a backplane the view is this server's alone.
/// </para>
/// </remarks>
public interface IWebSocketPresence
{
    /// <summary>
    /// Adds <paramref name="socket"/> to <paramref name="group"/> (as <see cref="IWebSocketHub.AddToGroupAsync"/> does,
    /// so it receives the group's messages and its presence diffs) and tracks it there under <paramref name="key"/>.
    /// The entry lasts until <see cref="Untrack"/>, until the connection leaves the group, or until it ends. Completes
    /// once the group's messages from the other servers reach the connection.
    /// </summary>
    /// <param name="socket">The connection.</param>
    /// <param name="group">The group; compared ordinally.</param>
    /// <param name="key">Who the connection is, for example a user id; compared ordinally. At most 1,024 characters.</param>
    /// <param name="meta">
    /// Small facts to show beside it (a device, a status); copied. At most 32 pairs of at most 1,024 characters each,
    /// since every server keeps a copy of every entry of the groups it has members in.
    /// </param>
    /// <param name="cancellationToken">Stops the wait for the group's subscription, not the tracking.</param>
    /// <returns>
    /// <see langword="true"/> when the connection is now tracked; <see langword="false"/> when it was tracked in the
    /// group already (its key and metadata are unchanged) or has ended.
    /// </returns>
    /// <exception cref="System.ArgumentException">
    /// The key or the metadata exceed the bounds above, or one of their strings is not valid UTF-16 (a lone surrogate:
    /// the other servers receive the strings as UTF-8, RFC 3629, which has no encoding for it).
    /// </exception>
    ValueTask<bool> TrackAsync(WebSocket socket, string group, string key, IReadOnlyDictionary<string, string>? meta = null, CancellationToken cancellationToken = default);

    /// <summary>Stops tracking <paramref name="socket"/> in <paramref name="group"/>; it stays a member of the group.</summary>
    /// <returns><see langword="true"/> when it was tracked there.</returns>
    bool Untrack(WebSocket socket, string group);

    /// <summary>
    /// The members of <paramref name="group"/> across the servers this server hears from, as a snapshot: one per key,
    /// ordered by key (ordinally), each with its connections ordered by connection id. This server's entries are always
    /// there; the other servers' are those their last messages described. Empty for a group this server has no
    /// members in, since it does not follow the presence of such groups.
    /// </summary>
    IReadOnlyList<PresenceMember> List(string group);
}
