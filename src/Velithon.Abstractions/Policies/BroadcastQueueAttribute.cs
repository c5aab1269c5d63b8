using System;

namespace Velithon;

/// <summary>
/// How many broadcast messages may wait for one slow connection of this route (at least 1), and what a broadcast does
/// when that queue is full. Overrides <c>VelithonOptions.BroadcastQueueLimit</c> and <c>SlowConsumerPolicy</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class BroadcastQueueAttribute : Attribute
{
    /// <summary>A queue of <paramref name="limit"/> messages, with the options' policy for a full queue.</summary>
    public BroadcastQueueAttribute(int limit)
    {
        Limit = limit;
    }

    /// <summary>A queue of <paramref name="limit"/> messages, and <paramref name="policy"/> for a full one.</summary>
    public BroadcastQueueAttribute(int limit, SlowConsumerPolicy policy)
    {
        Limit = limit;
        Policy = policy;
    }

    /// <summary>The most messages that may wait, at least 1.</summary>
    public int Limit { get; }

    /// <summary>What a broadcast does for a connection whose queue is full; null keeps the options' policy.</summary>
    public SlowConsumerPolicy? Policy { get; }
}
