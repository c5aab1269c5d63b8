namespace Velithon;

/// <summary>
/// What a broadcast does for a recipient whose outbound queue is full (it reads more slowly than the
/// application broadcasts, or has stopped reading). Every case is counted in the
/// <c>velithon.broadcast.dropped</c> metric.
/// </summary>
public enum SlowConsumerPolicy
{
    /// <summary>The message is not delivered to that recipient; the connection stays open and later messages are delivered once its queue drains.</summary>
    DropMessage,

    /// <summary>The recipient's connection is closed with 1008 (policy violation).</summary>
    ClosePolicyViolation,

    /// <summary>The recipient's connection is closed with 1013 (try again later), inviting the client to reconnect.</summary>
    CloseTryAgainLater,
}
