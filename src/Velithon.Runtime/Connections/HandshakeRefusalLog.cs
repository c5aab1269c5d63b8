using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Velithon.Connections;

/// <summary>
/// Logs refused handshakes at Information, at most <see cref="LinesPerPeriod"/> lines per refusal reason per
/// <see cref="Period"/>, so a flood of bad handshakes (a scanner, a misconfigured client retrying) cannot flood
/// the logs. What it leaves out is counted, and one summary line per reason reports the count when the period
/// ends. Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class HandshakeRefusalLog : IDisposable
{
    /// <summary>Lines logged per reason per period before the rest are only counted.</summary>
    internal const int LinesPerPeriod = 10;

    /// <summary>The length of one counting window.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private ITimer? _timer;

    // When the timer fires, in the clock's timestamps; long.MaxValue while it is not armed.
    private long _timerDue = long.MaxValue;
    private bool _disposed;

    public HandshakeRefusalLog(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    /// <summary>Logs one refusal, or counts it when its reason has had its lines for this period.</summary>
    /// <param name="category">The refusal reason as the metrics name it (<c>RejectionReasons</c>).</param>
    /// <param name="statusCode">The HTTP status the handshake got.</param>
    /// <param name="path">The request path.</param>
    /// <param name="reason">Why, in words.</param>
    public void Refused(string category, int statusCode, string path, string reason)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        long now = _time.GetTimestamp();
        (int Count, int StatusCode) flushed = default;
        bool log;
        lock (_lock)
        {
            if (!_windows.TryGetValue(category, out var window))
            {
                window = new Window { Start = now, StatusCode = statusCode };
                _windows.Add(category, window);
            }
            else if (_time.GetElapsedTime(window.Start, now) >= Period)
            {
                flushed = (window.Suppressed, window.StatusCode);
                window.Restart(now, statusCode);
            }

            log = window.Logged < LinesPerPeriod;
            if (log)
            {
                window.Logged++;
            }
            else
            {
                window.Suppressed++;
                ScheduleLocked(window, now);
            }
        }

        if (flushed.Count > 0)
        {
            Log.HandshakeRefusalsSuppressed(_logger, flushed.Count, flushed.StatusCode, category, Period);
        }

        if (log)
        {
            Log.HandshakeRefused(_logger, path, statusCode, reason);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>Arms the timer for the end of <paramref name="window"/>, when it has none pending.</summary>
    private void ScheduleLocked(Window window, long now)
    {
        if (_disposed || window.Suppressed != 1)
        {
            return;
        }

        var due = Period - _time.GetElapsedTime(window.Start, now);
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        // One timer for all reasons: a window's first left-out line arms it, or brings it forward.
        long dueAt = now + (long)(due.TotalSeconds * _time.TimestampFrequency);
        if (dueAt >= _timerDue)
        {
            return;
        }

        _timerDue = dueAt;
        if (_timer is null)
        {
            _timer = _time.CreateTimer(static state => ((HandshakeRefusalLog)state!).Flush(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Writes the summary of every window that has ended with lines left out; re-arms for the others.</summary>
    private void Flush()
    {
        List<(string Category, int Count, int StatusCode)>? summaries = null;
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _timerDue = long.MaxValue;
            TimeSpan? next = null;
            foreach (var (category, window) in _windows)
            {
                if (window.Suppressed == 0)
                {
                    continue;
                }

                var elapsed = _time.GetElapsedTime(window.Start, now);
                if (elapsed >= Period)
                {
                    (summaries ??= []).Add((category, window.Suppressed, window.StatusCode));
                    window.Restart(now, window.StatusCode);
                }
                else if (next is null || Period - elapsed < next)
                {
                    next = Period - elapsed;
                }
            }

            if (next is { } due && !_disposed)
            {
                _timerDue = now + (long)(due.TotalSeconds * _time.TimestampFrequency);
                _timer?.Change(due, Timeout.InfiniteTimeSpan);
            }
        }

        if (summaries is not null)
        {
            foreach (var (category, count, statusCode) in summaries)
            {
                Log.HandshakeRefusalsSuppressed(_logger, count, statusCode, category, Period);
            }
        }
    }

    private sealed class Window
    {
        public long Start;
        public int Logged;
        public int Suppressed;
        public int StatusCode;

        public void Restart(long now, int statusCode)
        {
            Start = now;
            Logged = 0;
            Suppressed = 0;
            StatusCode = statusCode;
        }
    }
}
