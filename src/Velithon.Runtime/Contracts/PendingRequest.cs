using System;
using System.Text.Json;
using System.Threading;

namespace Velithon.Contracts;

/// <summary>
/// One request the server sent and awaits the client's answer to. Whoever takes it out of
/// <see cref="PendingRequests"/> (the reply, the error, the timeout, the caller's cancellation, the connection's end)
/// completes it, so it completes once.
/// </summary>
internal abstract class PendingRequest
{
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;
    private volatile bool _finished;
    private Action<PendingRequest>? _onTimeout;
    private Action<PendingRequest, CancellationToken>? _onCanceled;

    protected PendingRequest(JsonEncodedText type)
    {
        Type = type;
    }

    /// <summary>The request's id, unique among the connection's pending requests; set when it is added.</summary>
    public long Id { get; set; }

    /// <summary>The request case's tag.</summary>
    public JsonEncodedText Type { get; }

    /// <summary>How long the requester waits, for the timeout's message.</summary>
    public TimeSpan Timeout { get; private set; }

    /// <summary>Completes with the client's reply; a payload that does not deserialize fails it with <see cref="WebSocketRequestException"/>.</summary>
    public abstract void SetReply(ReadOnlySpan<byte> payload);

    /// <summary>Fails it with <paramref name="exception"/>.</summary>
    public abstract void SetException(Exception exception);

    /// <summary>Cancels it for <paramref name="cancellationToken"/>.</summary>
    public abstract void SetCanceled(CancellationToken cancellationToken);

    /// <summary>
    /// Starts the timeout on <paramref name="timeProvider"/> (none when infinite), which calls <paramref name="onTimeout"/>,
    /// and watches <paramref name="cancellationToken"/>, whose cancellation calls <paramref name="onCanceled"/>.
    /// </summary>
    public void Watch(TimeSpan timeout, TimeProvider timeProvider, Action<PendingRequest> onTimeout, Action<PendingRequest, CancellationToken> onCanceled, CancellationToken cancellationToken)
    {
        Timeout = timeout;
        _onTimeout = onTimeout;
        _onCanceled = onCanceled;

        // ITimer takes at most about 49 days; a longer timeout is none.
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan && timeout.TotalMilliseconds < uint.MaxValue - 1)
        {
            _timer = timeProvider.CreateTimer(static state => ((PendingRequest)state!).TimedOut(), this, timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Canceled(token), this);
        }

        if (_finished)
        {
            // Completed while the watches were being set up: they are not needed.
            StopWatching();
        }
    }

    /// <summary>Stops the timer and the cancellation callback; called by whoever completes the request.</summary>
    protected void StopWatching()
    {
        _finished = true;
        _timer?.Dispose();

        // Unregister, not Dispose: this may run inside the callback itself, which Dispose would wait for.
        _registration.Unregister();
    }

    private void TimedOut() => _onTimeout?.Invoke(this);

    private void Canceled(CancellationToken token) => _onCanceled?.Invoke(this, token);
}
