using System;

namespace Velithon.Connections;

/// <summary>
/// The clock of every connection deadline (idle timeout, keep-alive, send timeout), in milliseconds, read from the
/// application's <see cref="TimeProvider"/>: <see cref="TimeProvider.System"/> unless a test registers a fake one.
/// </summary>
internal sealed class ConnectionClock(TimeProvider timeProvider)
{
    private readonly long _ticksPerMillisecond = Math.Max(1, timeProvider.TimestampFrequency / 1000);

    /// <summary>The time provider the clock reads, for the timers of the sweeps.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Milliseconds on a monotonic clock; only differences mean anything. Never 0.</summary>
    public long NowMilliseconds => Math.Max(1, TimeProvider.GetTimestamp() / _ticksPerMillisecond);
}
