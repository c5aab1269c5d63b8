using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Drives the connection monitor's deadlines on a fake clock without waiting on real time. The monitor's sweep runs
/// inside <see cref="FakeTimeProvider.Advance"/>, on the test's thread, and logs a Debug line when a deadline ends a
/// connection: the line is there when <c>Advance</c> returns, so a test knows exactly which step passed the deadline
/// however busy the machine is. The server must log Velithon's Debug lines (<c>AddFilter("Velithon", LogLevel.Debug)</c>).
/// </summary>
internal static class Deadlines
{
    /// <summary>The line of the idle timeout (1001).</summary>
    public const string Idle = "A WebSocket connection received no message for";

    /// <summary>The line of a keep-alive ping left unanswered (1006).</summary>
    public const string KeepAlive = "A WebSocket peer left a keep-alive ping unanswered";

    /// <summary>The line of the send timeout (1006).</summary>
    public const string Send = "A WebSocket send waited";

    /// <summary>
    /// Advances <paramref name="clock"/> a <paramref name="step"/> at a time (running <paramref name="between"/> after
    /// each) until <paramref name="server"/> logs <paramref name="deadline"/>, then waits for <paramref name="done"/> (the
    /// connection's end, which follows on other threads) on the client's wall-time timeout; returns the fake time it took.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider clock, TestServer server, string deadline, TimeSpan step, Task done, Func<Task>? between = null, int maxSteps = 40)
    {
        int before = Logged(server, deadline);
        var advanced = TimeSpan.Zero;
        for (int i = 0; i < maxSteps && Logged(server, deadline) == before; i++)
        {
            clock.Advance(step);
            advanced += step;
            if (between is not null)
            {
                await between();
            }
        }

        Assert.True(Logged(server, deadline) > before, $"Nothing ended the connection after {advanced} on the fake clock.");
        await done.WaitAsync(Client.Timeout);
        return advanced;
    }

    /// <summary>How many times <paramref name="server"/> has logged <paramref name="deadline"/>.</summary>
    public static int Logged(TestServer server, string deadline) =>
        server.Logs.Entries.Count(entry => entry.Message.StartsWith(deadline, StringComparison.Ordinal));
}
