namespace Velithon.Presence;

/// <summary>The kinds of presence message servers exchange on a group's backplane topic (see <see cref="PresenceCodec"/>).</summary>
internal enum PresenceOp : byte
{
    /// <summary>Changes to the sender's entries: the next number of its sequence, then joins and leaves.</summary>
    Delta = 1,

    /// <summary>All of the sender's entries in the group, at a number of its sequence; replaces what receivers held.</summary>
    State = 2,

    /// <summary>The sender is alive, and its sequence is at this number.</summary>
    Heartbeat = 3,

    /// <summary>Asks a server (or every server, with an empty target) for its <see cref="State"/>.</summary>
    SyncRequest = 4,
}
