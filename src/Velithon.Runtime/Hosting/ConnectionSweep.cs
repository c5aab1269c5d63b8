using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace Velithon.Hosting;

/// <summary>
/// One timer that visits every connection a few times per period, instead of a timer per connection: what the
/// idle timeout and the keep-alive share. A sweep slower than the period is not run twice at once.
/// </summary>
internal abstract class ConnectionSweep : IHostedService, IDisposable
{
    private Timer? _timer;
    private int _sweeping;

    /// <summary>How often to sweep, or null when the feature is off.</summary>
    protected abstract TimeSpan? Period { get; }

    /// <summary>A quarter of <paramref name="span"/>, between 100 ms and a minute.</summary>
    protected static TimeSpan QuarterOf(TimeSpan span) =>
        TimeSpan.FromTicks(Math.Clamp(span.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Period is { } period)
        {
            _timer = new Timer(static state => ((ConnectionSweep)state!).Run(), this, period, period);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Visits the connections once; runs on a timer thread, so it must not throw.</summary>
    protected abstract void Sweep();

    private void Run()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            Sweep();
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
