using System;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using Velithon.Contracts;

namespace Velithon;

/// <summary>
/// Requests from the server to the client: a bounded table of pending requests by id, each with a timeout on the
/// runtime's <see cref="TimeProvider"/>; a <c>cancel</c> envelope tells the client when the server stops waiting.
/// </summary>
public abstract partial class ContractSocket
{
    private PendingRequests? _requests;
    private Action<PendingRequest>? _onRequestTimedOut;
    private Action<PendingRequest, CancellationToken>? _onRequestCanceled;

    private PendingRequests Requests =>
        Volatile.Read(ref _requests) ?? Interlocked.CompareExchange(ref _requests, new PendingRequests(_connection.Runtime.Options.MaxPendingRequests), null) ?? _requests!;

    /// <summary>How many requests the server awaits answers to on this connection.</summary>
    internal int PendingRequestCount => Volatile.Read(ref _requests)?.Count ?? 0;

    /// <summary>
    /// Sends <paramref name="request"/> as <c>{"type":type,"id":n,"payload":...}</c> and completes with the client's
    /// <c>{"type":"reply","id":n,"payload":...}</c>: the generated <c>RequestAsync</c> calls it.
    /// </summary>
    /// <param name="type">The request case's tag.</param>
    /// <param name="request">The request.</param>
    /// <param name="requestTypeInfo">The request case's metadata.</param>
    /// <param name="replyTypeInfo">The reply type's metadata.</param>
    /// <param name="timeout">
    /// How long to wait for the reply, positive or <see cref="Timeout.InfiniteTimeSpan"/>; <see langword="null"/>:
    /// <see cref="VelithonOptions.RequestTimeout"/>. Measured on the application's <see cref="TimeProvider"/>.
    /// </param>
    /// <param name="cancellationToken">Stops waiting: a <c>cancel</c> envelope goes to the client. It does not cancel the send.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (and not infinite).</exception>
    /// <exception cref="InvalidOperationException">
    /// <see cref="VelithonOptions.MaxPendingRequests"/> requests are pending already; thrown at once, nothing is queued.
    /// </exception>
    /// <exception cref="TimeoutException">No reply within the timeout; a <c>cancel</c> envelope went to the client.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; a <c>cancel</c> envelope went to the client.</exception>
    /// <exception cref="WebSocketRequestException">The client answered with an <c>error</c> envelope (its text is the message), or its reply is not a <typeparamref name="TReply"/>.</exception>
    /// <exception cref="WebSocketDisconnectException">The connection ended before the reply; the exception carries its close code.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Task<TReply> SendRequestAsync<TRequest, TReply>(
        JsonEncodedText type,
        TRequest request,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TReply> replyTypeInfo,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestTypeInfo);
        ArgumentNullException.ThrowIfNull(replyTypeInfo);
        var wait = timeout ?? _connection.Runtime.Options.RequestTimeout;
        if (wait <= TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "A request timeout must be positive, or Timeout.InfiniteTimeSpan for none.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }

        var requests = Requests;
        var pending = new PendingRequest<TReply>(type, replyTypeInfo);
        if (!requests.TryAdd(pending, out var refusal))
        {
            return Task.FromException<TReply>(refusal == PendingRequests.AddRefusal.Full
                ? new InvalidOperationException(
                    $"The server already awaits {_connection.Runtime.Options.MaxPendingRequests} requests on this connection (VelithonOptions.MaxPendingRequests); " +
                    $"the '{type}' request was not sent. Await some replies first.")
                : _connection.CreateEndedException());
        }

        // The clock starts before the send, so the timeout counts from the call (and a test clock advanced once the
        // client holds the request always finds the timer).
        pending.Watch(
            wait,
            _connection.Runtime.Clock.TimeProvider,
            _onRequestTimedOut ??= OnRequestTimedOut,
            _onRequestCanceled ??= OnRequestCanceled,
            cancellationToken);

        ValueTask send;
        try
        {
            send = SendEnvelopeAsync(type, pending.Id, request, requestTypeInfo, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The request did not serialize: it never went out.
            requests.TryRemove(pending);
            pending.SetException(exception);
            return pending.Task;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
        }
        else
        {
            _ = FailIfSendFailsAsync(send, pending);
        }

        // Someone must read the reply: the dispatch loop when it runs, else a read-ahead until it starts.
        EnsureReading();
        return pending.Task;
    }

    /// <summary>Fails <paramref name="pending"/> with what its send threw, if it throws; observed, never unobserved.</summary>
    private async Task FailIfSendFailsAsync(ValueTask send, PendingRequest pending)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (Requests.TryRemove(pending))
            {
                pending.SetException(exception);
            }
        }
    }

    private void OnRequestTimedOut(PendingRequest pending)
    {
        if (!Requests.TryRemove(pending))
        {
            return;
        }

        SendCancel(pending.Id);
        pending.SetException(new TimeoutException(
            $"The client did not answer the '{pending.Type}' request (id {pending.Id}) within {pending.Timeout}; a cancel envelope was sent."));
    }

    private void OnRequestCanceled(PendingRequest pending, CancellationToken cancellationToken)
    {
        if (!Requests.TryRemove(pending))
        {
            return;
        }

        SendCancel(pending.Id);
        pending.SetCanceled(cancellationToken);
    }

    /// <summary>Tells the client the server stopped waiting for request <paramref name="id"/>; a connection that ended meanwhile needs no telling.</summary>
    private void SendCancel(long id)
    {
        if (!_connection.WasAccepted || _connection.HasEnded)
        {
            return;
        }

        ValueTask send;
        try
        {
            send = SendCancelAsync(id);
        }
        catch (WebSocketDisconnectException)
        {
            return;
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
        }
        else
        {
            _ = ObserveCancelAsync(send);
        }
    }

    private static async Task ObserveCancelAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (WebSocketDisconnectException)
        {
            // The connection ended; its end fails what is still pending.
        }
        catch (OperationCanceledException)
        {
            // Likewise: the connection was aborted under the send.
        }
    }

    /// <summary>The reply (or error) for one of our requests arrived: it completes the request, or is ignored when none waits.</summary>
    private void OnReplyArrived(EnvelopeKind kind, in Envelope envelope)
    {
        var pending = Volatile.Read(ref _requests)?.TryRemove(envelope.Id);
        if (pending is null)
        {
            // Answered after a timeout or cancellation, or never asked: the requester is gone.
            if (_connection.Runtime.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                ContractLog.LateReply(_connection.Runtime.Logger, kind == EnvelopeKind.Reply ? "reply" : "error", envelope.Id, _connection.HandlerName);
            }

            return;
        }

        if (kind == EnvelopeKind.Reply)
        {
            pending.SetReply(envelope.Payload);
        }
        else
        {
            pending.SetException(new WebSocketRequestException(envelope.GetErrorText() ?? $"The client answered the '{pending.Type}' request (id {pending.Id}) with an error."));
        }
    }

    /// <summary>The connection ended: each pending request fails with its disconnect (close code and reason), and no new one is taken.</summary>
    private void FailPendingRequests()
    {
        // A connection that never sent a request gets the shared closed table: nothing is allocated at its end.
        var requests = Volatile.Read(ref _requests) ?? Interlocked.CompareExchange(ref _requests, PendingRequests.Closed, null) ?? _requests!;
        if (ReferenceEquals(requests, PendingRequests.Closed))
        {
            return;
        }

        foreach (var pending in requests.Close())
        {
            pending.SetException(_connection.CreateEndedException());
        }
    }
}
