namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// A clock whose timers fire only when the test fires them, and can fire after they were disposed: a real timer's
/// callback that already started (or was queued) when <see cref="ITimer.Dispose"/> was called still runs. Time stamps
/// are the system's.
/// </summary>
public sealed class ManualTimers : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];

    /// <summary>The timers created with <paramref name="dueTime"/>, oldest first.</summary>
    public ManualTimer[] With(TimeSpan dueTime)
    {
        lock (_timers)
        {
            return [.. _timers.Where(timer => timer.DueTime == dueTime)];
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state, dueTime);
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    public sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan dueTime) : ITimer
    {
        public TimeSpan DueTime { get; } = dueTime;

        public bool Disposed { get; private set; }

        /// <summary>Runs the callback, whether or not the timer was disposed since.</summary>
        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }
}
