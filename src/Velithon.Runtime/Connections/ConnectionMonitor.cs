using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Velithon.Hosting;
using Velithon.Protocol;
using Velithon.Routing;

namespace Velithon.Connections;

/// <summary>
/// The connections' deadlines, checked by one timer that visits every connection a few times per period (a timer
/// per connection would cost an idle connection far more than its timestamps):
/// <list type="bullet">
/// <item>the idle timeout (<see cref="VelithonOptions.IdleTimeout"/>): no message for that long closes with 1001;</item>
/// <item>keep-alive (<see cref="VelithonOptions.KeepAliveInterval"/>, <see cref="VelithonOptions.KeepAliveTimeout"/>):
/// a silent peer is pinged, and one that leaves the ping unanswered while its handler waits to receive is aborted (1006);</item>
/// <item>the send timeout (<see cref="VelithonOptions.SendTimeout"/>): a frame the peer has not taken for that long
/// (it stopped reading while TCP stays open) aborts the connection (1006).</item>
/// </list>
/// Each ends the connection through <see cref="ServerWebSocket.EndAsync"/>, so its disconnect logic runs. The clock and
/// the timer come from the application's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ConnectionMonitor(VelithonRuntime runtime) : IHostedService, IDisposable
{
    private readonly Lock _timerLock = new();
    private ITimer? _timer;
    private TimeSpan? _period;
    private bool _stopped;
    private int _sweeping;

    /// <summary>
    /// A quarter of the shortest deadline in force, between 100 ms and a minute (a deadline passes at most that late),
    /// or null when none is.
    /// </summary>
    internal TimeSpan? Period => PeriodFor(runtime.DefaultPolicy);

    /// <summary>A quarter of the shortest deadline <paramref name="policy"/> sets, or null when it sets none.</summary>
    private static TimeSpan? PeriodFor(RoutePolicy policy)
    {
        var shortest = TimeSpan.MaxValue;
        foreach (var span in (ReadOnlySpan<TimeSpan>)[policy.IdleTimeout, policy.KeepAliveInterval, policy.KeepAliveInterval > TimeSpan.Zero ? policy.KeepAliveTimeout : TimeSpan.Zero, policy.SendTimeout])
        {
            if (span > TimeSpan.Zero && span < shortest)
            {
                shortest = span;
            }
        }

        return shortest == TimeSpan.MaxValue
            ? null
            : TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
    }

    /// <summary>A route with deadlines of its own was first served: the sweep runs at least as often as it needs.</summary>
    private void OnPolicyResolved(RoutePolicy policy)
    {
        if (PeriodFor(policy) is not { } needed)
        {
            return;
        }

        lock (_timerLock)
        {
            if (_stopped || (_period is { } current && current <= needed))
            {
                return;
            }

            _period = needed;
            if (_timer is null)
            {
                _timer = runtime.Clock.TimeProvider.CreateTimer(static state => ((ConnectionMonitor)state!).Run(), this, needed, needed);
            }
            else
            {
                _timer.Change(needed, needed);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_timerLock)
        {
            if (Period is { } period)
            {
                _period = period;
                _timer = runtime.Clock.TimeProvider.CreateTimer(static state => ((ConnectionMonitor)state!).Run(), this, period, period);
            }
        }

        runtime.PolicyResolved += OnPolicyResolved;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        runtime.PolicyResolved -= OnPolicyResolved;
        lock (_timerLock)
        {
            _stopped = true;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Visits every open connection once; a sweep slower than the period is not run twice at once.</summary>
    internal void Run()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            long now = runtime.Clock.NowMilliseconds;
            foreach (var connection in runtime.Hub.Connections)
            {
                try
                {
                    Check(connection, connection.Policy, now);
                }
                catch (Exception exception)
                {
                    // A timer callback that throws ends the process; one connection's failure must not.
                    Log.TeardownFailed(runtime.Logger, connection.HandlerName, exception);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void Check(ServerWebSocket connection, RoutePolicy options, long now)
    {
        if (connection.Socket is not { } socket || connection.ApplicationState != WebSocketState.Connected)
        {
            return;
        }

        if (connection.Session is { IsAttached: false })
        {
            // A detached session has no transport to ping or wait for; its resume window is its deadline. The idle
            // timeout still applies: it is the session's, not the transport's.
            if (options.IdleTimeout > TimeSpan.Zero && connection.MillisecondsSinceLastMessage(now) >= (long)options.IdleTimeout.TotalMilliseconds)
            {
                Log.IdleTimeout(runtime.Logger, options.IdleTimeout);
                _ = connection.EndAsync(WebSocketCloseCode.GoingAway, "Idle timeout", EndingKind.Close);
            }

            return;
        }

        if (options.SendTimeout > TimeSpan.Zero && socket.WriteWaitingSince is > 0 and var since
            && now - since >= (long)options.SendTimeout.TotalMilliseconds)
        {
            Log.SendTimedOut(runtime.Logger, options.SendTimeout);
            connection.AbortTransport(socket);
            return;
        }

        if (options.KeepAliveInterval > TimeSpan.Zero
            && socket.CheckKeepAlive(now, (long)options.KeepAliveInterval.TotalMilliseconds, (long)options.KeepAliveTimeout.TotalMilliseconds, connection.IsReceiving))
        {
            Log.KeepAliveTimedOut(runtime.Logger, options.KeepAliveTimeout);
            connection.AbortTransport(socket);
            return;
        }

        if (options.IdleTimeout > TimeSpan.Zero && connection.MillisecondsSinceLastMessage(now) >= (long)options.IdleTimeout.TotalMilliseconds)
        {
            Log.IdleTimeout(runtime.Logger, options.IdleTimeout);
            _ = connection.EndAsync(WebSocketCloseCode.GoingAway, "Idle timeout", EndingKind.Close);
        }
    }
}
