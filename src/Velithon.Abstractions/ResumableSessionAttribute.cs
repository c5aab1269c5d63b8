using System;

namespace Velithon;

/// <summary>
/// Makes the route's connections resumable sessions for clients that negotiate the <c>velithon.resume.v1</c>
/// subprotocol: a client that loses its connection (a network drop, not a close) and reconnects within
/// <see cref="WindowSeconds"/> with the token it was given re-attaches to the same handler invocation or endpoint
/// instance, its groups and its DI scope, and every message sent either way meanwhile arrives once, in order.
/// Clients that do not offer the subprotocol are served as on any other route. See docs/resumable-sessions.md.
/// </summary>
/// <remarks>
/// On a static handler, an endpoint class, or the class of static handlers (which applies it to each). Values are
/// checked at build time (VLT0055); a contract route cannot also be resumable (VLT0056), since its contract
/// subprotocol and the session's are both the connection's one subprotocol.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class ResumableSessionAttribute : Attribute
{
    /// <summary>The default <see cref="WindowSeconds"/>: 30 seconds.</summary>
    public const int DefaultWindowSeconds = 30;

    /// <summary>The default <see cref="MaxBufferedMessages"/>: 256 messages.</summary>
    public const int DefaultMaxBufferedMessages = 256;

    /// <summary>The largest <see cref="WindowSeconds"/>: one hour.</summary>
    public const int MaxWindowSeconds = 3600;

    /// <summary>The largest <see cref="MaxBufferedMessages"/>: 65,536 messages.</summary>
    public const int MaxBufferLimit = 65536;

    /// <summary>
    /// How long, in seconds, a session whose connection dropped waits for its client to come back, 1 to 3600: after
    /// it, the session ends (its handler's receive throws <see cref="WebSocketDisconnectException"/> with 1006) and a
    /// later resume is refused with <see cref="WebSocketCloseCode.SessionGone"/>.
    /// </summary>
    public int WindowSeconds { get; set; } = DefaultWindowSeconds;

    /// <summary>
    /// How many messages sent to the client and not yet acknowledged by it the session keeps for a replay, 1 to
    /// 65,536. A session that must drop one (the client acknowledges too rarely, or the gap is long) can no longer be
    /// resumed: a later resume is refused with <see cref="WebSocketCloseCode.SessionBufferOverflow"/>.
    /// </summary>
    public int MaxBufferedMessages { get; set; } = DefaultMaxBufferedMessages;
}
