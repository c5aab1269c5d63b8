using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Velithon.Connections;
using Velithon.Hosting;

namespace Velithon.Limits;

/// <summary>
/// Closes connections that received no message for <see cref="VelithonOptions.IdleTimeout"/> with 1001.
/// One timer sweeps every connection, a few times per timeout, instead of a timer per connection: an idle
/// connection then costs one timestamp.
/// </summary>
internal sealed class IdleTimeoutMonitor(VelithonRuntime runtime) : IHostedService, IDisposable
{
    private Timer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = runtime.Options.IdleTimeout;
        if (timeout > TimeSpan.Zero)
        {
            // A connection ends at most a quarter of the timeout late, checked at most ten times a second.
            var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
            _timer = new Timer(static state => ((IdleTimeoutMonitor)state!).Sweep(), this, period, period);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Sweep()
    {
        var timeout = runtime.Options.IdleTimeout;
        long limit = (long)timeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        foreach (var socket in runtime.Hub.Connections)
        {
            if (socket.ApplicationState == WebSocketState.Connected && socket.MillisecondsSinceLastMessage(now) >= limit)
            {
                Log.IdleTimeout(runtime.Logger, timeout);
                _ = socket.CloseAsync(WebSocketCloseCode.GoingAway, "Idle timeout");
            }
        }
    }
}
