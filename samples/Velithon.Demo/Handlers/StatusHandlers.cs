using System.Diagnostics;
using Velithon;

namespace Velithon.Demo.Handlers;

/// <summary>The Python original's periodic status updates: one JSON message a second until the client leaves.</summary>
public static class StatusHandlers
{
    private static readonly long StartedAt = Stopwatch.GetTimestamp();

    [WebSocket("/status")]
    public static async Task Status(WebSocket ws, IWebSocketHub hub, CancellationToken aborted)
    {
        await ws.AcceptAsync();

        // Status pushes only; receiving anyway is how the handler learns that the client closed.
        Task clientGone = ReceiveUntilClosedAsync(ws, aborted);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long sequence = 0;
        while (true)
        {
            var status = new StatusUpdate(
                ++sequence,
                DateTimeOffset.UtcNow,
                (long)Stopwatch.GetElapsedTime(StartedAt).TotalSeconds,
                hub.ConnectionCount,
                hub.GetGroupNames().Count(name => name.StartsWith("chat:", StringComparison.Ordinal)));
            await ws.SendJsonAsync(status, DemoJsonContext.Default.StatusUpdate, aborted);

            Task tick = timer.WaitForNextTickAsync(aborted).AsTask();
            if (await Task.WhenAny(tick, clientGone) == clientGone)
            {
                await clientGone; // surfaces the disconnect the way a receive loop would
                return;
            }
        }
    }

    private static async Task ReceiveUntilClosedAsync(WebSocket ws, CancellationToken aborted)
    {
        while (true)
        {
            await ws.ReceiveAsync(aborted);
        }
    }
}

/// <summary>One status message.</summary>
/// <param name="Sequence">1 for the first message of a connection, then one more each second.</param>
/// <param name="Time">When the server sent it.</param>
/// <param name="UptimeSeconds">Seconds since the server started serving status.</param>
/// <param name="Connections">Open WebSocket connections on this instance, this one included.</param>
/// <param name="ChatRooms">Chat rooms with at least one member on this instance.</param>
public sealed record StatusUpdate(long Sequence, DateTimeOffset Time, long UptimeSeconds, int Connections, int ChatRooms);
