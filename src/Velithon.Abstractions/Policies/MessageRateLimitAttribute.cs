using System;

namespace Velithon;

/// <summary>
/// A per-connection limit on received messages for this route, as a token bucket: <see cref="TokenLimit"/> messages at
/// once, refilled by <see cref="TokensPerPeriod"/> every <see cref="ReplenishmentPeriodMilliseconds"/>; a connection
/// that exceeds it is closed with 1008. Overrides <c>VelithonOptions.MessageRateLimit</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class MessageRateLimitAttribute(int tokenLimit, int tokensPerPeriod, int replenishmentPeriodMilliseconds) : Attribute
{
    /// <summary>The bucket's size: how many messages may arrive at once, at least 1.</summary>
    public int TokenLimit { get; } = tokenLimit;

    /// <summary>How many messages the bucket regains per period, at least 1.</summary>
    public int TokensPerPeriod { get; } = tokensPerPeriod;

    /// <summary>The period, in milliseconds, at least 1.</summary>
    public int ReplenishmentPeriodMilliseconds { get; } = replenishmentPeriodMilliseconds;
}
