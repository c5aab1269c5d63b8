using System;

namespace Velithon;

/// <summary>
/// Keep-alive for connections of this route: a ping after <paramref name="intervalMilliseconds"/> of silence (0
/// turns pings off), and the connection dropped (1006) when one stays unanswered for <see cref="TimeoutMilliseconds"/>
/// while its handler waits to receive. Overrides <c>VelithonOptions.KeepAliveInterval</c> and <c>KeepAliveTimeout</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class KeepAliveAttribute(int intervalMilliseconds) : Attribute
{
    /// <summary>The interval, in milliseconds; 0 turns keep-alive off.</summary>
    public int IntervalMilliseconds { get; } = intervalMilliseconds;

    /// <summary>How long a ping may stay unanswered, in milliseconds; 0 never times out; -1 (the default) keeps the options' value.</summary>
    public int TimeoutMilliseconds { get; set; } = -1;
}
