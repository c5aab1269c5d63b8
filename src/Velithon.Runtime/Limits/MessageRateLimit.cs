using System;
using System.Threading.RateLimiting;

namespace Velithon.Limits;

/// <summary>
/// A route's per-connection message rate limit: a token bucket of <see cref="TokenLimit"/> tokens, refilled by
/// <see cref="TokensPerPeriod"/> every <see cref="PeriodMilliseconds"/>. Each connection keeps its own bucket
/// (<see cref="MessageTokenBucket"/>) in its own fields, so a message takes no lock shared with other connections and
/// a connection leaves nothing behind when it ends.
/// </summary>
internal sealed class MessageRateLimit
{
    private MessageRateLimit(int tokenLimit, int tokensPerPeriod, long periodMilliseconds)
    {
        TokenLimit = tokenLimit;
        TokensPerPeriod = tokensPerPeriod;
        PeriodMilliseconds = Math.Max(1, periodMilliseconds);
    }

    /// <summary>The most tokens a bucket holds; a new connection starts with all of them.</summary>
    public int TokenLimit { get; }

    /// <summary>Tokens added per whole period.</summary>
    public int TokensPerPeriod { get; }

    /// <summary>The refill period, in milliseconds (at least 1).</summary>
    public long PeriodMilliseconds { get; }

    /// <summary>The limit <paramref name="options"/> set (its queue settings ignored: a message over it is never delayed), or null.</summary>
    public static MessageRateLimit? From(TokenBucketRateLimiterOptions? options) =>
        options is null ? null : new MessageRateLimit(options.TokenLimit, options.TokensPerPeriod, (long)options.ReplenishmentPeriod.TotalMilliseconds);
}
