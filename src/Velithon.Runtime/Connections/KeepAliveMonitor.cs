using System;
using Velithon.Hosting;

namespace Velithon.Connections;

/// <summary>
/// Pings connections that have been silent for <see cref="VelithonOptions.KeepAliveInterval"/>, and ends those
/// that leave a ping unanswered for <see cref="VelithonOptions.KeepAliveTimeout"/> while their handler waits to
/// receive (1006; the disconnect logic runs). One sweep visits every connection, instead of the framework
/// WebSocket's timer per connection, whose ping-and-pong bookkeeping also locks on every send and receive.
/// </summary>
/// <remarks>
/// Connections whose transport the runtime does not see (an in-memory test server) keep the framework's own
/// keep-alive instead; <see cref="ServerWebSocket"/> chooses at accept.
/// </remarks>
internal sealed class KeepAliveMonitor(VelithonRuntime runtime) : ConnectionSweep
{
    // A quarter of the shorter of interval and timeout.
    protected override TimeSpan? Period
    {
        get
        {
            var options = runtime.Options;
            if (options.KeepAliveInterval <= TimeSpan.Zero)
            {
                return null;
            }

            return QuarterOf(options.KeepAliveTimeout > TimeSpan.Zero && options.KeepAliveTimeout < options.KeepAliveInterval
                ? options.KeepAliveTimeout
                : options.KeepAliveInterval);
        }
    }

    protected override void Sweep()
    {
        var options = runtime.Options;
        long interval = (long)options.KeepAliveInterval.TotalMilliseconds;
        long timeout = (long)options.KeepAliveTimeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        foreach (var socket in runtime.Hub.Connections)
        {
            if (socket.Transport is { } transport && socket.ApplicationState == WebSocketState.Connected)
            {
                try
                {
                    Check(socket, transport, now, interval, timeout);
                }
                catch (Exception exception)
                {
                    // A timer callback that throws ends the process; one connection's failure must not.
                    Log.ConnectionFailed(runtime.Logger, exception.Message, exception);
                }
            }
        }
    }

    private void Check(ServerWebSocket socket, TransportStream transport, long now, long interval, long timeout)
    {
        ref var state = ref transport.KeepAlive;
        bool receiving = socket.IsReceiving;
        int reads = transport.ReadCount;
        if (reads != state.ReadsSeen)
        {
            // The WebSocket consumed something the peer sent (a pong included): it is alive.
            state.ReadsSeen = reads;
            state.LastHeard = now;
            state.PongDeadline = 0;
        }
        else if (!receiving)
        {
            // Nobody reads, so an answer could not be seen: only a handler waiting to receive can time out.
            state.PongDeadline = 0;
        }
        else if (state.PongDeadline != 0 && now >= state.PongDeadline)
        {
            socket.AbortUnresponsivePeer(runtime.Options.KeepAliveTimeout);
            return;
        }

        if (now - Math.Max(state.LastHeard, state.LastPing) >= interval && transport.TryWritePing())
        {
            state.LastPing = now;
            if (timeout > 0 && receiving && state.PongDeadline == 0)
            {
                state.PongDeadline = now + timeout;
            }
        }
    }
}

/// <summary>A connection's keep-alive bookkeeping, in milliseconds of <see cref="Environment.TickCount64"/>.</summary>
internal struct KeepAliveState
{
    /// <summary>The transport's read count at the last sweep.</summary>
    public int ReadsSeen;

    /// <summary>When the peer was last heard from (or the connection was accepted).</summary>
    public long LastHeard;

    /// <summary>When the last ping went out; 0 when none has.</summary>
    public long LastPing;

    /// <summary>When an unanswered ping times out; 0 when none is awaited.</summary>
    public long PongDeadline;
}
