using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests.Clients;

/// <summary>
/// A fake clock that says when code under test starts a timer on it, so a test advances the clock only once the
/// timeout or delay it means to pass is running: no race between the test and the client's own task.
/// </summary>
public sealed class TimerSignalingTimeProvider : FakeTimeProvider
{
    private readonly global::System.Threading.Channels.Channel<TimeSpan> _timers = global::System.Threading.Channels.Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer started on this clock and returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
