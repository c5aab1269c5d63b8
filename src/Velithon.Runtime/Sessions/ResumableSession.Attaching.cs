using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using Velithon.Protocol;

namespace Velithon.Sessions;

/// <summary>Detaching from a lost transport, attaching to the next, the resume window, and the session's end.</summary>
internal sealed partial class ResumableSession
{
    /// <summary>
    /// <paramref name="transport"/> is gone (a read or write failed, its request was aborted, a deadline passed). If
    /// it is the session's transport, the session detaches and its window starts (whether it can still replay what the
    /// client lacks is known only from the count the client resumes with). A transport a resume already replaced is
    /// only aborted. Once the session is ending, a failure of its transport does not detach it: the ending is cut short.
    /// </summary>
    /// <returns>True when the session is ending and <paramref name="transport"/> is its transport: the failure is the connection's.</returns>
    public bool OnTransportLost(FrameWebSocket transport)
    {
        bool end = false;
        bool ending = false;
        bool detached = false;
        TaskCompletionSource? attachment = null;
        CancellationTokenRegistration registration = default;
        lock (_lock)
        {
            if (_ended || _ending)
            {
                end = ReferenceEquals(_transport, transport);
                ending = end && !_ended;
            }
            else if (ReferenceEquals(_transport, transport))
            {
                attachment = _attachment;
                _attachment = null;
                registration = _transportAborted;
                _transportAborted = default;
                _transport = null;
                _sentWhenDetached = _sent;
                detached = true;
                _windowTimer = _registry.Runtime.Clock.TimeProvider.CreateTimer(
                    static state => ((WindowElapsed)state!).Report(), new WindowElapsed(this, ++_detachments), Window, Timeout.InfiniteTimeSpan);
            }
        }

        // Outside the lock: aborting runs the request's abort callbacks, and disposing a registration waits for its callback.
        transport.Abort();
        registration.Dispose();
        attachment?.TrySetResult();
        if (detached)
        {
            _registry.OnDetached(1);
        }

        if (end)
        {
            _ = _owner.EndAsync(WebSocketCloseCode.AbnormalClosure, null, EndingKind.Abort);
        }

        return ending;
    }

    /// <summary>
    /// Attaches <paramref name="transport"/>, opened by <paramref name="request"/> with the token of generation
    /// <paramref name="generation"/>, whose client has <paramref name="clientReceived"/> of the session's data
    /// messages: the server's 'R' message (how many of the client's it has), the 'T' message with the next generation's
    /// token, then every message the client lacks, in order, before any later send. A transport still attached (its TCP
    /// connection half open) is replaced. A token of another generation (one already used) is refused with 4410 and
    /// leaves the session as it was: attached or waiting for its client.
    /// </summary>
    /// <returns>A refusal's close code, or 0 with <paramref name="attachmentEnded"/>, which completes when this transport is lost or the session is over.</returns>
    public int Resume(FrameWebSocket transport, Microsoft.AspNetCore.Http.HttpContext request, long clientReceived, long generation, out Task? attachmentEnded, out string reason)
    {
        attachmentEnded = null;
        reason = string.Empty;

        // Protected before the lock (Data Protection is the costly part of a resume); used only if this resume wins.
        string next = _registry.IssueToken(Fields, generation + 1);
        FrameWebSocket? replaced;
        TaskCompletionSource? replacedAttachment;
        TaskCompletionSource? waiting;
        CancellationTokenRegistration replacedRegistration;
        List<Task>? writes = null;
        int replays = 0;
        bool wasDetached;
        lock (_lock)
        {
            if (_ended || _ending)
            {
                // Ending (a close handshake in progress, the window just passed): attaching now would hand the client
                // a session that ends under it.
                reason = "The session has ended.";
                return WebSocketCloseCode.SessionGone;
            }

            if (generation != _generation)
            {
                // Used already: by this client on an earlier resume, or by whoever won a race with the same token. Before
                // the count checks, so that an old token cannot end the session with 4413 either. 4410, not a code of its
                // own: to its holder the session is gone, and a client starts a new one on it as on any 4410.
                reason = "The resume token was already used.";
                return WebSocketCloseCode.SessionGone;
            }

            if (clientReceived > _sent)
            {
                reason = "The client counts more messages than the session sent.";
                return WebSocketCloseCode.SessionTokenInvalid;
            }

            long first = _sent - _unacknowledged.Count + 1;
            if (clientReceived < first - 1)
            {
                reason = "The session dropped messages the client had not acknowledged.";
                return WebSocketCloseCode.SessionBufferOverflow;
            }

            while (first <= clientReceived)
            {
                ArrayPool<byte>.Shared.Return(_unacknowledged.Dequeue().Buffer);
                first++;
            }

            // The window is over: the client is back.
            _windowTimer?.Dispose();
            _windowTimer = null;
            replaced = _transport;
            wasDetached = replaced is null;
            replacedAttachment = _attachment;
            replacedRegistration = _transportAborted;
            waiting = _attached;
            _attached = null;

            Span<byte> resumed = stackalloc byte[1 + ResumeProtocol.MaxCountDigits];
            int length = ResumeProtocol.WriteCount(ResumeProtocol.Resumed, _received, resumed);
            Track(ref writes, SendOn(transport, resumed[..length].ToArray(), WebSocketMessageType.Text, CancellationToken.None));
            _generation = generation + 1;
            _token = next;
            Track(ref writes, SendOn(transport, TokenFrame(next), WebSocketMessageType.Text, CancellationToken.None));
            foreach (var message in _unacknowledged)
            {
                Track(ref writes, SendOn(transport, message.Frame, message.Type, CancellationToken.None));
                replays++;
            }

            _transport = transport;
            _owner.ReplaceTransport(transport);
            _attachment = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            attachmentEnded = _attachment.Task;
            _transportAborted = request.RequestAborted.UnsafeRegister(static state => ((TransportLoss)state!).Report(), new TransportLoss(this, transport));
        }

        replacedRegistration.Dispose();
        replaced?.Abort();
        replacedAttachment?.TrySetResult();
        waiting?.TrySetResult();
        var metrics = _registry.Runtime.Metrics;
        metrics.SessionResumed(replays);
        if (wasDetached)
        {
            _registry.OnDetached(-1);
        }

        if (writes is not null)
        {
            _ = ObserveWritesAsync(Task.WhenAll(writes), transport);
        }

        return 0;
    }

    private static void Track(ref List<Task>? writes, ValueTask write)
    {
        if (!write.IsCompletedSuccessfully)
        {
            (writes ??= []).Add(write.AsTask());
        }
        else
        {
            write.GetAwaiter().GetResult();
        }
    }

    private async Task ObserveWritesAsync(Task writes, FrameWebSocket transport)
    {
        try
        {
            await writes.ConfigureAwait(false);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            OnTransportLost(transport);
        }
    }

    /// <summary>
    /// The window of detachment <paramref name="detachment"/> passed without a resume: the session ends, and its
    /// handler's receive reports 1006. Exactly one of this and a resume wins, under the lock: a resume after this point
    /// is refused (4410), and a resume before it (or a later detachment) makes this do nothing.
    /// </summary>
    private void OnWindowElapsed(long detachment)
    {
        lock (_lock)
        {
            if (_ended || _ending || _transport is not null || detachment != _detachments)
            {
                return;
            }

            _ending = true;
        }

        _registry.Runtime.Metrics.SessionExpired();
        _ = _owner.EndAsync(WebSocketCloseCode.AbnormalClosure, "The resumable session's window passed.", EndingKind.Abort);
    }

    /// <summary>The connection's ending began (<see cref="ServerWebSocket.EndAsync"/>): no resume attaches from now on.</summary>
    public void OnEnding()
    {
        lock (_lock)
        {
            _ending = true;
        }
    }

    /// <summary>The session dropped a message it may have to replay and cannot be resumed: it ends, and a resume gets 4413 until its window would have passed.</summary>
    public void EndOverflowed()
    {
        _registry.MarkOverflowed(this);
        OnEnding();
        _ = _owner.EndAsync(WebSocketCloseCode.AbnormalClosure, "The resumable session's buffer overflowed.", EndingKind.Abort);
    }

    /// <summary>The connection ended (<see cref="ServerWebSocket.EndAsync"/>): the buffer goes back, and a waiting receive learns of it.</summary>
    public void OnConnectionEnded()
    {
        TaskCompletionSource? waiting;
        bool wasDetached;
        CancellationTokenRegistration registration;
        List<OutboundMessage> released;
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            wasDetached = _transport is null;
            _windowTimer?.Dispose();
            _windowTimer = null;
            waiting = _attached;
            _attached = null;
            registration = _transportAborted;
            _transportAborted = default;
            released = [.. _unacknowledged];
            _unacknowledged.Clear();
        }

        registration.Dispose();
        foreach (var message in released)
        {
            ArrayPool<byte>.Shared.Return(message.Buffer);
        }

        if (wasDetached)
        {
            _registry.OnDetached(-1);
        }

        _registry.Remove(this);
        waiting?.TrySetResult();
    }

    /// <summary>The connection has completed (its close handshake is over): the request that brought the transport may end.</summary>
    public void OnCompleted()
    {
        TaskCompletionSource? attachment;
        lock (_lock)
        {
            attachment = _attachment;
            _attachment = null;
        }

        attachment?.TrySetResult();
    }

    /// <summary>What a window timer reports: its session and the detachment that started it.</summary>
    private sealed class WindowElapsed(ResumableSession session, long detachment)
    {
        public void Report() => session.OnWindowElapsed(detachment);
    }
}
