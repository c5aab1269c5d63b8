namespace Velithon.Protocol;

/// <summary>Keep-alive: pings when the peer has been silent, and the deadline for hearing from it again.</summary>
internal sealed partial class FrameWebSocket
{
    /// <summary>The keep-alive bookkeeping, touched only by the <see cref="Connections.ConnectionMonitor"/>'s sweep.</summary>
    internal KeepAliveState KeepAlive;

    /// <summary>
    /// One keep-alive check at <paramref name="now"/>: notes whether the peer was heard since the last check, pings it
    /// when it has been silent for <paramref name="interval"/>, and says whether the deadline of a ping has passed.
    /// </summary>
    /// <param name="now">The time, in <see cref="Connections.ConnectionClock"/> milliseconds.</param>
    /// <param name="interval">How long the peer may be silent before a ping is due, in milliseconds.</param>
    /// <param name="timeout">How long a ping may go unanswered, in milliseconds; 0 for no deadline.</param>
    /// <param name="receiving">
    /// Whether a receive is waiting for the peer: only then is an answer read, so only then can a deadline pass.
    /// </param>
    /// <returns>True when the peer left a ping unanswered past its deadline: the connection is to be ended.</returns>
    /// <remarks>
    /// The deadline runs from the check that found the ping due, whether or not the ping could be written: a ping
    /// stuck behind a frame the peer does not read is no reason to wait longer for the peer (a peer that stopped
    /// reading while TCP stays open would otherwise never be evicted). It does not run from when the ping was due:
    /// a check that comes late (the process stalled, the timer's callbacks queued behind other work) would then
    /// leave the peer less than <paramref name="timeout"/> to answer, nothing once it is later than that, and the
    /// check queued right behind it would end the connection a moment after its ping went out.
    /// </remarks>
    public bool CheckKeepAlive(long now, long interval, long timeout, bool receiving)
    {
        ref var state = ref KeepAlive;
        int reads = ReadCount;
        if (reads != state.ReadsSeen)
        {
            // The socket consumed something the peer sent (a pong included): it is alive.
            state.ReadsSeen = reads;
            state.LastHeard = now;
            state.PongDeadline = 0;
        }
        else if (!receiving)
        {
            // Nobody reads, so an answer could not be seen.
            state.PongDeadline = 0;
        }
        else if (state.PongDeadline != 0 && now >= state.PongDeadline)
        {
            return true;
        }

        long due = System.Math.Max(state.LastHeard, state.LastPing) + interval;
        if (now >= due)
        {
            if (timeout > 0 && receiving && state.PongDeadline == 0)
            {
                state.PongDeadline = now + timeout;
            }

            if (TryWritePing())
            {
                state.LastPing = now;
            }
        }

        return false;
    }
}

/// <summary>A connection's keep-alive bookkeeping, in <see cref="Connections.ConnectionClock"/> milliseconds.</summary>
internal struct KeepAliveState
{
    /// <summary>The socket's read count at the last check.</summary>
    public int ReadsSeen;

    /// <summary>When the peer was last heard from (or the connection was accepted).</summary>
    public long LastHeard;

    /// <summary>When the last ping went out; 0 when none has.</summary>
    public long LastPing;

    /// <summary>When an unanswered ping times out; 0 when none is awaited.</summary>
    public long PongDeadline;
}
