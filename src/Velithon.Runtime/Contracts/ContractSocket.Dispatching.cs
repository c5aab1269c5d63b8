using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Velithon.Connections;
using Velithon.Contracts;

namespace Velithon;

/// <summary>
/// Receiving: one loop hands each message to the route's dispatch, in order, one at a time. While a handler runs
/// (its task not complete), the loop keeps reading: replies, errors and cancels are handled at once, other messages
/// are copied into pooled buffers (at most <see cref="MaxReadAhead"/>) and dispatched after it. A handler that awaits
/// a request whose reply comes after other client messages therefore does not deadlock. When every handler completes
/// synchronously, nothing is copied and nothing but the payload is allocated.
/// </summary>
public abstract partial class ContractSocket
{
    /// <summary>How many messages may wait, copied, while a handler runs; then reading pauses until one is dispatched.</summary>
    internal const int MaxReadAhead = 16;

    private readonly Lock _readLock = new();

    // Owned by the one reader at a time: the dispatch loop, or before it starts the read-ahead a request began.
    private Queue<BufferedMessage>? _ahead;
    private Task<WebSocketMessage>? _receiving;
    private bool _ended;

    // Under _readLock: whether the dispatch loop runs, and the read-ahead that runs for requests until it does.
    private bool _dispatching;
    private Task? _pump;
    private TaskCompletionSource? _pumpStop;

    /// <summary>How many messages wait, read ahead; for tests.</summary>
    internal int AheadCount => _ahead?.Count ?? 0;

    /// <summary>
    /// Receives until the client leaves, handing each message to the route's <see cref="OnMessageAttribute"/> handlers in
    /// order, one at a time; replies, errors and cancels are handled as they arrive, even while a handler awaits a
    /// request. Invalid messages are answered as the route's <see cref="InvalidMessagesAttribute"/> policy says.
    /// </summary>
    /// <returns>A task that completes when the connection has ended, or faults with what a handler threw.</returns>
    /// <exception cref="InvalidOperationException">The loop already runs on this connection.</exception>
    public Task DispatchMessagesAsync()
    {
        Task? pump;
        lock (_readLock)
        {
            if (_dispatching)
            {
                throw new InvalidOperationException("DispatchMessagesAsync already runs on this connection: one loop dispatches its messages.");
            }

            _dispatching = true;
            pump = _pump;
            _pumpStop?.TrySetResult();
        }

        return DispatchLoopAsync(pump);
    }

    private async Task DispatchLoopAsync(Task? pump)
    {
        try
        {
            if (pump is not null)
            {
                // A read-ahead for requests ran before this loop: it stops now, leaving its receive to this loop.
                await pump.ConfigureAwait(false);
            }

            while (true)
            {
                ValueTask handling;
                if (AheadCount > 0 && _connection.ClosedByApplication)
                {
                    // The application closed the connection (a handler, or the route's Close policy): the close
                    // handshake drops what it reads after the close frame (RFC 6455 section 5.5.1), so what was read
                    // ahead of it is dropped too, rather than handed to handlers after the route chose to end.
                    ReleaseReadAhead();
                    continue;
                }

                if (_ahead is { Count: > 0 } ahead)
                {
                    var buffered = ahead.Dequeue();
                    try
                    {
                        handling = ProcessAsync(buffered.Span, buffered.Kind);
                    }
                    finally
                    {
                        // The dispatch read what it needs before returning: the copy is free.
                        buffered.Release();
                    }
                }
                else if (_ended)
                {
                    return;
                }
                else
                {
                    WebSocketMessage message;
                    if (_receiving is { } receiving)
                    {
                        _receiving = null;
                        message = await receiving.ConfigureAwait(false);
                    }
                    else
                    {
                        message = await _connection.ReceiveOrDisconnectAsync().ConfigureAwait(false);
                    }

                    if (message.Kind == 0)
                    {
                        _ended = true;
                        return;
                    }

                    handling = ProcessAsync(message.Data.Span, message.Kind);
                }

                if (handling.IsCompletedSuccessfully)
                {
                    handling.GetAwaiter().GetResult();
                    continue;
                }

                await RunWhileReadingAheadAsync(handling).ConfigureAwait(false);
            }
        }
        finally
        {
            ReleaseReadAhead();
            if (_receiving is { IsCompleted: false } receiving)
            {
                // Left in flight by a handler's exception: it completes when the connection ends, and a failure of its
                // own must not surface as an unobserved task exception.
                _ = receiving.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            lock (_readLock)
            {
                _dispatching = false;
            }
        }
    }

    /// <summary>Waits for a handler that did not complete at once, reading ahead meanwhile.</summary>
    private async Task RunWhileReadingAheadAsync(ValueTask handling)
    {
        var running = handling.AsTask();
        while (!running.IsCompleted)
        {
            if (!_ended && AheadCount < MaxReadAhead)
            {
                await ReadAheadAsync(running).ConfigureAwait(false);
            }
            else
            {
                // The connection ended, or the read-ahead is full: reading pauses until the handler is done.
                await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await running.ConfigureAwait(false);
    }

    /// <summary>Reads messages until <paramref name="until"/> completes, the read-ahead is full, or the connection ends.</summary>
    private async Task ReadAheadAsync(Task until)
    {
        while (!until.IsCompleted && !_ended && AheadCount < MaxReadAhead)
        {
            var receiving = _receiving ??= _connection.ReceiveOrDisconnectAsync().AsTask();
            if (!receiving.IsCompleted)
            {
                await Task.WhenAny(until, receiving).ConfigureAwait(false);
                if (!receiving.IsCompleted)
                {
                    // The receive stays in flight for whoever reads next.
                    return;
                }
            }

            _receiving = null;
            var message = await receiving.ConfigureAwait(false);
            if (message.Kind == 0)
            {
                _ended = true;
                return;
            }

            if (message.Kind == WebSocketMessageKind.Text)
            {
                var kind = EnvelopeReader.Read(message.Data.Span, out var envelope);
                if (kind is EnvelopeKind.Reply or EnvelopeKind.Error or EnvelopeKind.Cancel)
                {
                    OnReserved(kind, envelope);
                    continue;
                }
            }

            (_ahead ??= new Queue<BufferedMessage>(MaxReadAhead)).Enqueue(BufferedMessage.Copy(message.Data.Span, message.Kind));
        }
    }

    /// <summary>
    /// A request was sent: make sure someone reads its reply. The dispatch loop does when it runs; before it starts
    /// (a request from <c>OnConnectCompleteAsync</c>, or before <see cref="DispatchMessagesAsync"/>), a read-ahead runs
    /// until it does, keeping the other messages for it.
    /// </summary>
    private void EnsureReading()
    {
        TaskCompletionSource stop;
        lock (_readLock)
        {
            if (_dispatching || _pump is not null)
            {
                return;
            }

            stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pumpStop = stop;
            _pump = Task.Run(() => PumpAsync(stop.Task));
        }
    }

    private async Task PumpAsync(Task stop)
    {
        try
        {
            await ReadAheadAsync(stop).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The receive failed (the connection is ending): whoever reads next meets the same end and reports it.
            if (_connection.Runtime.Logger.IsEnabled(LogLevel.Debug))
            {
                ContractLog.ReadAheadStopped(_connection.Runtime.Logger, _connection.HandlerName, exception.Message);
            }
        }
        finally
        {
            lock (_readLock)
            {
                _pump = null;
                _pumpStop = null;
            }
        }
    }

    /// <summary>Hands one message to the dispatch, or answers it: reserved types, and what is not an envelope of the contract.</summary>
    internal ValueTask ProcessAsync(ReadOnlySpan<byte> data, WebSocketMessageKind kind)
    {
        if (kind != WebSocketMessageKind.Text)
        {
            return ContractMessages.RejectAsync(this, WebSocketCloseCode.UnsupportedData, "A binary message is not an envelope of this route's contract; send JSON text.", 0, null, null);
        }

        var envelopeKind = EnvelopeReader.Read(data, out var envelope);
        switch (envelopeKind)
        {
            case EnvelopeKind.Message:
                var message = envelope.ToMessage();
                return _dispatch(this, in message);
            case EnvelopeKind.Reply or EnvelopeKind.Error or EnvelopeKind.Cancel:
                OnReserved(envelopeKind, envelope);
                return default;
            case EnvelopeKind.NotAnObject:
                return ContractMessages.RejectAsync(this, WebSocketCloseCode.InvalidPayloadData, "The message is not a JSON object.", 0, null, null);
            case EnvelopeKind.NoType:
                return ContractMessages.RejectAsync(this, WebSocketCloseCode.UnsupportedData, "The message has no string property 'type'.", 0, null, null);
            default:
                return ContractMessages.RejectAsync(this, WebSocketCloseCode.InvalidPayloadData,
                    "The message's 'id' must be an integer from 1 to 2^53-1; a reply or cancel needs one.", 0, null, null);
        }
    }

    /// <summary>A reply, error or cancel: handled where it is read, whatever else waits.</summary>
    private void OnReserved(EnvelopeKind kind, in Envelope envelope)
    {
        var logger = _connection.Runtime.Logger;
        switch (kind)
        {
            case EnvelopeKind.Error when envelope.Id == 0:
                // The client rejected one of our messages (its own SendError policy): nothing awaits it here.
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    ContractLog.ClientError(logger, _connection.HandlerName, envelope.GetErrorText() ?? string.Empty);
                }

                break;
            case EnvelopeKind.Cancel:
                // Accepted and ignored: the handler's reply is still sent, and the client drops it.
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    ContractLog.ClientCanceled(logger, _connection.HandlerName, envelope.Id);
                }

                break;
            default:
                OnReplyArrived(kind, envelope);
                break;
        }
    }

    private void ReleaseReadAhead()
    {
        if (_ahead is { } ahead)
        {
            while (ahead.TryDequeue(out var buffered))
            {
                buffered.Release();
            }
        }
    }
}
