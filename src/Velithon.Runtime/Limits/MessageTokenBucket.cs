namespace Velithon.Limits;

/// <summary>
/// One connection's tokens under a <see cref="MessageRateLimit"/>. Only the connection's receive touches it, and
/// receives come one at a time, so it needs neither a lock nor an interlocked operation. Each message first adds the
/// tokens of the whole periods passed since the last refill (never beyond the limit), as
/// <see cref="System.Threading.RateLimiting.TokenBucketRateLimiter"/> replenishes, so no timer runs for it.
/// </summary>
internal struct MessageTokenBucket
{
    private int _tokens;
    private long _refilledAt;

    /// <summary>A full bucket, its periods counted from <paramref name="now"/> (milliseconds).</summary>
    public MessageTokenBucket(MessageRateLimit limit, long now)
    {
        _tokens = limit.TokenLimit;
        _refilledAt = now;
    }

    /// <summary>Takes one token at <paramref name="now"/> (milliseconds); false when none is left.</summary>
    public bool TryTake(MessageRateLimit limit, long now)
    {
        long periods = (now - _refilledAt) / limit.PeriodMilliseconds;
        if (periods > 0)
        {
            // Below the limit, periods * TokensPerPeriod fits in a long; at or above it the bucket is full anyway.
            _tokens = periods >= limit.TokenLimit
                ? limit.TokenLimit
                : (int)System.Math.Min(limit.TokenLimit, _tokens + (periods * limit.TokensPerPeriod));
            _refilledAt += periods * limit.PeriodMilliseconds;
        }

        if (_tokens == 0)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
