using System;
using Velithon.Connections;
using Velithon.Hosting;

namespace Velithon.Limits;

/// <summary>
/// Closes connections that received no message for <see cref="VelithonOptions.IdleTimeout"/> with 1001.
/// One timer sweeps every connection, a few times per timeout, instead of a timer per connection: an idle
/// connection then costs one timestamp.
/// </summary>
internal sealed class IdleTimeoutMonitor(VelithonRuntime runtime) : ConnectionSweep
{
    // A connection ends at most a quarter of the timeout late.
    protected override TimeSpan? Period =>
        runtime.Options.IdleTimeout > TimeSpan.Zero ? QuarterOf(runtime.Options.IdleTimeout) : null;

    protected override void Sweep()
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
