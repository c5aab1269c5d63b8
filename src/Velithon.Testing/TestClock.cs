using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Testing;

/// <summary>
/// A virtual clock for a test server: a <see cref="FakeTimeProvider"/> that also says when the code under test starts
/// a timer on it, so a test advances the clock only once the deadline it means to pass is running.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FakeTimeProvider.Advance"/> runs the callbacks of every timer it passes, in order and on the caller's
/// thread, so what a deadline decides (the connection monitor's sweep, a request's timeout) has been decided when
/// <c>Advance</c> returns. The callbacks read the time <c>Advance</c> moved to, so a periodic timer's runs inside one
/// long <c>Advance</c> all see its end: advance a period at a time where each run must see its own moment (the
/// monitor's sweep notes when it last heard from a peer). What a test must not do is advance before the timer exists: the sweep's timer starts with
/// the server, and a contract request's timer before its envelope is sent (so receiving the request is enough), but a
/// timer started after an await (a client request's reply timeout, a close handshake's timeout) may not exist yet.
/// <see cref="NextTimerAsync"/> waits for it.
/// </para>
/// <para>The waits of this class stay on wall time (30 seconds), so a timer that never starts fails the test instead of hanging it.</para>
/// </remarks>
public sealed class TestClock : FakeTimeProvider
{
    private static readonly TimeSpan WallTimeout = TimeSpan.FromSeconds(30);
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>A clock at <see cref="FakeTimeProvider"/>'s default start, 2000-01-01 UTC, that moves only when advanced.</summary>
    public TestClock()
    {
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _started.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>
    /// Waits until code under test starts a timer on this clock (one started since the last call counts), and returns its
    /// due time (<see cref="Timeout.InfiniteTimeSpan"/> for a timer created stopped).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The timer's due time.</returns>
    /// <exception cref="TimeoutException">No timer started within 30 seconds of wall time.</exception>
    public async Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _started.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(WallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No timer started on the test clock within {WallTimeout} of wall time.");
        }
    }

    /// <summary>
    /// Waits until code under test starts a timer due in exactly <paramref name="dueTime"/> (others started meanwhile are
    /// passed over), so a test can tell the deadline it means to pass from the others.
    /// </summary>
    /// <param name="dueTime">The due time to wait for, for example a request's timeout.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">No such timer started within 30 seconds of wall time.</exception>
    public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken = default)
    {
        using var wall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wall.CancelAfter(WallTimeout);
        try
        {
            while (await _started.Reader.ReadAsync(wall.Token).ConfigureAwait(false) != dueTime)
            {
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No timer due in {dueTime} started on the test clock within {WallTimeout} of wall time.");
        }
    }
}
