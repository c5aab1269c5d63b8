using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Connections;
using Velithon.Protocol;

namespace Velithon.Sessions;

/// <summary>
/// One connection's resumable session (docs/resumable-sessions.md): the messages sent and not yet acknowledged, the
/// counts of data messages each way, and the transport the session runs on now, which a network drop takes away and
/// a resume replaces. The connection (<see cref="ServerWebSocket"/>), its handler, its groups and its DI scope are
/// the session's and outlive each transport; only the connection's end (<see cref="ServerWebSocket.EndAsync"/>)
/// ends the session.
/// </summary>
/// <remarks>
/// Sequence numbers are implicit: the n-th data message one side sends is its message n, since each transport
/// delivers in order (RFC 6455 section 5.4 over TCP). Each side counts what it received; a resume exchanges the two
/// counts, and each side sends again exactly what the other lacks. A transport is the session's only while it is
/// <see cref="_transport"/>: a message read from a transport a resume replaced is dropped (the client sends it again,
/// since the count the server gave excluded it), so nothing is counted twice.
/// </remarks>
internal sealed partial class ResumableSession
{
    private readonly ServerWebSocket _owner;
    private readonly SessionRegistry _registry;
    private readonly Lock _lock = new();
    private readonly Queue<OutboundMessage> _unacknowledged = new();
    private readonly byte[] _ackFrame = new byte[1 + ResumeProtocol.MaxCountDigits];
    private readonly int _maxBuffered;

    // Under _lock: data messages sent to the client, and received from it, since the session began.
    private long _sent;
    private long _received;
    private bool _ended;

    // Under _lock: the session is ending (the connection's ending began: a close frame went out or came in, a protocol
    // error, the window passed, the buffer overflowed). From then on no resume attaches (4410), no send is numbered,
    // and a transport failure is the ending's to handle rather than a drop to detach from.
    private bool _ending;

    // Under _lock: how many times the session detached; a window timer acts only for the detachment that started it
    // (a disposed timer's callback may already be running when a resume, then another drop, come).
    private long _detachments;

    // Under _lock: _sent when the transport was lost. Messages up to it went out and the client may have them (its
    // acknowledgements are read only while the handler receives); those after it never went out.
    private long _sentWhenDetached;

    // Under _lock: how many resumes attached (the generation of the one token that resumes the session now), and that
    // token. A resume must offer it; each resume issues the next, so a token seen once (a log, a proxy, a shared
    // device) resumes nothing after the client used it.
    private long _generation;
    private string _token;

    /// <summary>
    /// How many data messages the session has numbered: sent on its transport, or kept while detached. For tests, which
    /// wait on it where a send reaches the session asynchronously (a group's fan-out runs on each member's queue).
    /// </summary>
    internal long SentCount
    {
        get
        {
            lock (_lock)
            {
                return _sent;
            }
        }
    }

    // Under _lock: the transport the session runs on, null while detached; what a receive waiting for the next
    // transport awaits; what the request that brought the transport awaits; the resume window's timer.
    private FrameWebSocket? _transport;
    private TaskCompletionSource? _attached;
    private TaskCompletionSource? _attachment;
    private CancellationTokenRegistration _transportAborted;
    private ITimer? _windowTimer;

    public ResumableSession(ServerWebSocket owner, SessionRegistry registry, ResumableSessionAttribute settings, ResumeTokenFields fields, string token)
    {
        _owner = owner;
        _registry = registry;
        _maxBuffered = settings.MaxBufferedMessages;
        Window = TimeSpan.FromSeconds(settings.WindowSeconds);
        Fields = fields;
        _token = token;
    }

    /// <summary>What the session's token binds it to: its id, user, route and path.</summary>
    public ResumeTokenFields Fields { get; }

    /// <summary>The token the client resumes with next: the one it was given last.</summary>
    public string Token
    {
        get
        {
            lock (_lock)
            {
                return _token;
            }
        }
    }

    /// <summary>How long the session waits for its client after a drop.</summary>
    public TimeSpan Window { get; }

    /// <summary>
    /// The connection's first transport, opened by the request that runs its handler; that request ends with the
    /// connection, which then lets go of this transport too (a resume may have replaced it long before).
    /// </summary>
    public FrameWebSocket? FirstTransport { get; private set; }

    /// <summary>Whether the session has a transport now.</summary>
    public bool IsAttached
    {
        get
        {
            lock (_lock)
            {
                return _transport is not null;
            }
        }
    }

    /// <summary>
    /// Starts the session on the connection's first transport; the server's first message on it is the token.
    /// <paramref name="requestAborted"/> is that transport's request's, which fires when its TCP connection ends.
    /// </summary>
    public ValueTask StartAsync(FrameWebSocket transport, CancellationToken requestAborted)
    {
        FirstTransport = transport;
        lock (_lock)
        {
            _transport = transport;
        }

        _transportAborted = requestAborted.UnsafeRegister(static state => ((TransportLoss)state!).Report(), new TransportLoss(this, transport));
        return transport.SendAsync(TokenFrame(Token), WebSocketMessageType.Text, CancellationToken.None);
    }

    /// <summary>The 'T' message that gives the client <paramref name="token"/>.</summary>
    private static byte[] TokenFrame(string token)
    {
        // A token is base64url and a server id: ASCII, one byte a character.
        var frame = new byte[1 + token.Length];
        frame[0] = ResumeProtocol.Token;
        System.Text.Encoding.ASCII.GetBytes(token, frame.AsSpan(1));
        return frame;
    }

    /// <summary>
    /// Sends one data message: kept for a replay until the client acknowledges it, and written to the transport when
    /// there is one (while detached, it waits for the resume). Messages go to the transport in the order of their
    /// numbers: both happen under the session's lock, and the transport sends in call order.
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // Canceled before it went out: never numbered, so never replayed, and the transport is untouched.
            return ValueTask.FromCanceled(cancellationToken);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length + 1);
        buffer[0] = ResumeProtocol.Data;
        payload.Span.CopyTo(buffer.AsSpan(1));
        var message = new OutboundMessage(buffer, payload.Length + 1, messageType);
        FrameWebSocket? transport;
        ValueTask send = default;
        byte[]? dropped = null;
        bool overflowedDetached = false;
        lock (_lock)
        {
            if (_ended || _ending)
            {
                // A send that passed the connection's open check as the close began (a broadcast racing it): refused,
                // as on any connection whose close frame went out (RFC 6455 section 5.5.1), and the close goes on.
                ArrayPool<byte>.Shared.Return(buffer);
                return ValueTask.FromException(_owner.CreateDisconnectException(null));
            }

            _sent++;
            _unacknowledged.Enqueue(message);
            if (_unacknowledged.Count > _maxBuffered)
            {
                // The buffer is full and the client has not acknowledged the oldest: it goes. If it went out before
                // the transport was lost, the client may have it (a send-only handler never reads acknowledgements), so
                // the resume's count decides; one sent during the gap never went out, so the session cannot resume.
                long oldest = _sent - _unacknowledged.Count + 1;
                dropped = _unacknowledged.Dequeue().Buffer;
                overflowedDetached = _transport is null && oldest > _sentWhenDetached;
            }

            transport = _transport;
            if (transport is not null)
            {
                send = SendOn(transport, message.Frame, messageType, cancellationToken);
            }
        }

        if (dropped is not null)
        {
            ArrayPool<byte>.Shared.Return(dropped);
        }

        if (overflowedDetached)
        {
            EndOverflowed();
            return ValueTask.FromException(_owner.CreateDisconnectException(null));
        }

        _registry.Runtime.Metrics.MessageSent(payload.Length);
        if (transport is null || send.IsCompletedSuccessfully)
        {
            return default;
        }

        return AwaitSendAsync(send, transport, cancellationToken);
    }

    /// <summary>A transport's send failed: the session detaches, and the message, still kept, goes out on the next transport.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSendAsync(ValueTask send, FrameWebSocket transport, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            bool ending = OnTransportLost(transport);
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (ending)
            {
                // The session is closing: the send is refused, as on any connection, and nothing detaches.
                throw _owner.CreateDisconnectException(null);
            }
        }
    }

    private static ValueTask SendOn(FrameWebSocket transport, ReadOnlyMemory<byte> frame, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        try
        {
            return transport.SendAsync(frame, messageType, cancellationToken);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            return ValueTask.FromException(exception);
        }
    }

    /// <summary>
    /// Receives the client's next data message, without its 'D' byte, across transports: while detached it waits for
    /// the next one; acknowledgements are taken on the way. A close, a message too big or a protocol violation is
    /// returned as the transport reported it, and ends the session with the connection.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FrameMessage> ReceiveAsync(int maxMessageSize, bool callerDecodesText, CancellationToken cancellationToken)
    {
        while (true)
        {
            FrameWebSocket? transport;
            Task? attached;
            lock (_lock)
            {
                if (_ended)
                {
                    throw _owner.CreateDisconnectException(null);
                }

                transport = _transport;
                attached = transport is null ? (_attached ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : null;
            }

            if (transport is null)
            {
                // Detached: the handler's receive simply waits for the client to come back (or the window to pass).
                await attached!.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            FrameMessage message;
            try
            {
                message = await transport.ReceiveMessageAsync(maxMessageSize + 1, callerDecodesText, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                if (OnTransportLost(transport))
                {
                    // The session is closing: the failure ends the connection, as on any route.
                    throw;
                }

                continue;
            }

            if (message.Kind != FrameMessageKind.Data)
            {
                // A close frame, a message too big, a protocol error: the session's end, if the transport is still
                // the session's. One a resume replaced is dropped with whatever it read.
                if (!TryBeginEnding(transport))
                {
                    Release(message);
                    continue;
                }

                return message;
            }

            var payload = message.Payload;
            if (!payload.IsEmpty && payload.Span[0] == ResumeProtocol.Data)
            {
                if (TryCount(transport))
                {
                    return new FrameMessage(FrameMessageKind.Data, message.Type, payload[1..], message.RentedBuffer);
                }
            }
            else if (!payload.IsEmpty && payload.Span[0] == ResumeProtocol.Ack
                && ResumeProtocol.TryParseCount(payload.Span[1..], out long acknowledged) && Acknowledge(acknowledged))
            {
                // Taken: the next message.
            }
            else if (!TryBeginEnding(transport))
            {
                // Read from a transport a resume replaced: not the session's any more.
            }
            else
            {
                Release(message);
                await _owner.EndAsync(WebSocketCloseCode.PolicyViolation, "Not a velithon.resume.v1 message.", EndingKind.Close).ConfigureAwait(false);
                throw _owner.CreateDisconnectException(null);
            }

            Release(message);
        }
    }

    private static void Release(FrameMessage message)
    {
        if (message.RentedBuffer is { Length: > 0 } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Whether <paramref name="transport"/> is still the session's; if so the session is ending from now on, so that no
    /// resume replaces the transport whose close code or violation the connection is about to read.
    /// </summary>
    private bool TryBeginEnding(FrameWebSocket transport)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_transport, transport))
            {
                return false;
            }

            _ending = true;
            return true;
        }
    }

    /// <summary>Counts a data message read from <paramref name="transport"/> and acknowledges it; false when a resume replaced that transport.</summary>
    private bool TryCount(FrameWebSocket transport)
    {
        ValueTask send;
        lock (_lock)
        {
            if (!ReferenceEquals(_transport, transport))
            {
                return false;
            }

            _received++;
            if (_ending)
            {
                // The close frame may have gone out (section 5.5.1: nothing follows it), and the session cannot be
                // resumed: the count is of no use to the client any more.
                return true;
            }

            int length = ResumeProtocol.WriteCount(ResumeProtocol.Ack, _received, _ackFrame);
            send = SendOn(transport, _ackFrame.AsMemory(0, length), WebSocketMessageType.Text, CancellationToken.None);
        }

        Observe(send, transport);
        return true;
    }

    /// <summary>The client has <paramref name="count"/> data messages: those go. False when it claims more than were sent.</summary>
    private bool Acknowledge(long count)
    {
        List<byte[]>? released = null;
        lock (_lock)
        {
            if (count > _sent)
            {
                return false;
            }

            long first = _sent - _unacknowledged.Count + 1;
            for (; first <= count && _unacknowledged.Count > 0; first++)
            {
                (released ??= []).Add(_unacknowledged.Dequeue().Buffer);
            }
        }

        if (released is not null)
        {
            foreach (var buffer in released)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return true;
    }

    private void Observe(ValueTask send, FrameWebSocket transport)
    {
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            return;
        }

        _ = ObserveAsync(send, transport);
    }

    private async Task ObserveAsync(ValueTask send, FrameWebSocket transport)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            OnTransportLost(transport);
        }
    }

    /// <summary>What a transport's request reports when its TCP connection ends.</summary>
    private sealed class TransportLoss(ResumableSession session, FrameWebSocket transport)
    {
        public void Report() => session.OnTransportLost(transport);
    }
}
