using System;

namespace Velithon;

/// <summary>
/// When and how often a <see cref="ContractClient"/> reconnects after its connection ended with a code a new
/// attempt may fix: 1001, 1005, 1006 (RFC 6455 section 7.4.1), 1011, 1012, 1013 or 1014 (the IANA registry of
/// RFC 6455 section 11.7). A 1000 ends the conversation; 1003, 1007, 1008, application codes (4000-4999, such as
/// 4426 for a contract version mismatch) say this client was refused, which a new attempt would repeat.
/// </summary>
public sealed class ReconnectOptions
{
    /// <summary>The delay before the first attempt; 500 ms by default. Each delay is jittered to between half and all of itself.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay; 30 s by default.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What each failed attempt multiplies the delay by; 2 by default.</summary>
    public double Factor { get; set; } = 2;

    /// <summary>How many attempts in a row before giving up; <see cref="int.MaxValue"/> (no limit) by default.</summary>
    public int MaxAttempts { get; set; } = int.MaxValue;

    /// <summary>Whether delays are jittered; true by default, so clients a server dropped together do not return together.</summary>
    public bool Jitter { get; set; } = true;

    /// <summary>The delay before attempt <paramref name="attempt"/> (0 for the first), without jitter.</summary>
    internal TimeSpan DelayBefore(int attempt)
    {
        double milliseconds = InitialDelay.TotalMilliseconds * Math.Pow(Factor, attempt);
        return TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, milliseconds));
    }
}
