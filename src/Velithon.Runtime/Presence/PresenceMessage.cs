using System.Collections.Generic;

namespace Velithon.Presence;

/// <summary>A presence message read from another server (see <see cref="PresenceCodec"/>).</summary>
/// <param name="Op">What it says.</param>
/// <param name="ServerId">The server that sent it, which owns the entries it carries.</param>
/// <param name="Incarnation">Which life of the sender's presence in the group it belongs to.</param>
/// <param name="Sequence">The sender's sequence number for the group: the delta's own, the state's, or the latest (heartbeat).</param>
/// <param name="Target">For a sync request, the server asked, or empty for every server.</param>
/// <param name="Changes">For a delta, its joins and leaves; for a state, its entries (all joins).</param>
internal readonly record struct PresenceMessage(PresenceOp Op, string ServerId, uint Incarnation, ulong Sequence, string? Target, List<(bool Join, PresenceEntry Entry)>? Changes);
