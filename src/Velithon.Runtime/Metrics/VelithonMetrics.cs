using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Velithon.Scaling;

namespace Velithon.Metrics;

/// <summary>
/// The instruments of the <c>Velithon</c> meter. The per-message counters check <see cref="Instrument.Enabled"/>
/// first: <c>Add</c> itself is an out-of-line call even while nobody listens, about 25 instructions a time.
/// </summary>
internal sealed partial class VelithonMetrics
{
    /// <summary>The meter's name, for <c>MeterListener</c>, <c>dotnet-counters</c> and OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "Velithon";

    public const string HandshakeResultTag = "velithon.handshake.result";
    public const string RejectionReasonTag = "velithon.handshake.rejection_reason";
    public const string CloseCodeTag = "velithon.close_code";
    public const string PolicyTag = "velithon.slow_consumer_policy";
    public const string TopicTag = "velithon.backplane.topic";
    public const string CloseCodeOfRefusalTag = "velithon.session.refusal_code";

    private readonly Counter<long> _handshakes;
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _closedConnections;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _broadcastsDropped;
    private readonly UpDownCounter<long> _backplaneSubscriptions;
    private readonly Counter<long> _backplanePublished;
    private readonly Counter<long> _backplaneReceived;
    private readonly Counter<long> _backplaneDelivered;
    private readonly Counter<long> _sessionResumes;
    private readonly Counter<long> _sessionReplays;
    private readonly Counter<long> _sessionExpiries;
    private readonly Counter<long> _sessionRefusals;
    private readonly UpDownCounter<long> _sessionsDetached;

    public VelithonMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _handshakes = meter.CreateCounter<long>("velithon.handshakes", "{handshake}", "WebSocket handshakes, by result (accepted or rejected) and rejection reason.");
        _activeConnections = meter.CreateUpDownCounter<long>("velithon.connections.active", "{connection}", "Accepted WebSocket connections that have not ended.");
        _closedConnections = meter.CreateCounter<long>("velithon.connections.closed", "{connection}", "Ended WebSocket connections, by close code.");
        _messagesReceived = meter.CreateCounter<long>("velithon.messages.received", "{message}", "Whole messages received.");
        _bytesReceived = meter.CreateCounter<long>("velithon.bytes.received", "By", "Payload bytes of the messages received.");
        _messagesSent = meter.CreateCounter<long>("velithon.messages.sent", "{message}", "Whole messages sent, broadcasts counted once per recipient.");
        _bytesSent = meter.CreateCounter<long>("velithon.bytes.sent", "By", "Payload bytes of the messages sent.");
        _broadcastsDropped = meter.CreateCounter<long>("velithon.broadcast.dropped", "{message}", "Broadcast messages not delivered because the recipient's queue was full, by slow-consumer policy.");
        _backplaneSubscriptions = meter.CreateUpDownCounter<long>("velithon.backplane.subscriptions", "{subscription}", "Backplane topics this server is subscribed to (held, or waiting for the broker to return), by topic kind (all, group, user, server).");
        _backplanePublished = meter.CreateCounter<long>("velithon.backplane.messages.published", "{message}", "Messages this server published to the other servers, by topic kind.");
        _backplaneReceived = meter.CreateCounter<long>("velithon.backplane.messages.received", "{message}", "Messages from other servers that reached this server through the backplane, by topic kind.");
        _backplaneDelivered = meter.CreateCounter<long>("velithon.backplane.messages.delivered", "{message}", "Messages from other servers that this server handed to at least one of its connections, by topic kind; received minus delivered is what reached this server for nothing.");
        _sessionResumes = meter.CreateCounter<long>("velithon.sessions.resumes", "{resume}", "Resumable sessions a client re-attached to after its connection dropped.");
        _sessionReplays = meter.CreateCounter<long>("velithon.sessions.replays", "{message}", "Messages sent again to clients that resumed their sessions: sent before the drop and not acknowledged, or sent during the gap.");
        _sessionExpiries = meter.CreateCounter<long>("velithon.sessions.expiries", "{session}", "Resumable sessions that ended because their client did not come back within the resume window.");
        _sessionRefusals = meter.CreateCounter<long>("velithon.sessions.refusals", "{resume}", "Resumes refused, by close code (4400 invalid token, 4403 another user or route, 4410 gone, 4413 buffer overflowed, 4421 another server).");
        _sessionsDetached = meter.CreateUpDownCounter<long>("velithon.sessions.detached", "{session}", "Resumable sessions waiting for their client to come back.");
        CreatePresenceInstruments(meter);
    }

    public void HandshakeAccepted()
    {
        if (_handshakes.Enabled)
        {
            _handshakes.Add(1, new KeyValuePair<string, object?>(HandshakeResultTag, "accepted"));
        }
    }

    public void HandshakeRejected(string reason) =>
        _handshakes.Add(1, new KeyValuePair<string, object?>(HandshakeResultTag, "rejected"), new KeyValuePair<string, object?>(RejectionReasonTag, reason));

    public void ConnectionOpened()
    {
        if (_activeConnections.Enabled)
        {
            _activeConnections.Add(1);
        }
    }

    public void ConnectionClosed(int closeCode)
    {
        if (_activeConnections.Enabled)
        {
            _activeConnections.Add(-1);
        }

        // Checked first: the tag boxes the close code, an allocation per connection when nothing listens.
        if (_closedConnections.Enabled)
        {
            _closedConnections.Add(1, new KeyValuePair<string, object?>(CloseCodeTag, closeCode));
        }
    }

    public void MessageReceived(int bytes)
    {
        if (_messagesReceived.Enabled)
        {
            _messagesReceived.Add(1);
        }

        if (_bytesReceived.Enabled)
        {
            _bytesReceived.Add(bytes);
        }
    }

    public void MessageSent(int bytes)
    {
        if (_messagesSent.Enabled)
        {
            _messagesSent.Add(1);
        }

        if (_bytesSent.Enabled)
        {
            _bytesSent.Add(bytes);
        }
    }

    public void BroadcastDropped(SlowConsumerPolicy policy) =>
        _broadcastsDropped.Add(1, new KeyValuePair<string, object?>(PolicyTag, PolicyName(policy)));

    public void BackplaneSubscriptionChanged(BackplaneTopicKind kind, int change) =>
        _backplaneSubscriptions.Add(change, new KeyValuePair<string, object?>(TopicTag, TopicName(kind)));

    public void BackplaneMessagePublished(BackplaneTopicKind kind)
    {
        if (_backplanePublished.Enabled)
        {
            _backplanePublished.Add(1, new KeyValuePair<string, object?>(TopicTag, TopicName(kind)));
        }
    }

    public void BackplaneMessageReceived(BackplaneTopicKind kind)
    {
        if (_backplaneReceived.Enabled)
        {
            _backplaneReceived.Add(1, new KeyValuePair<string, object?>(TopicTag, TopicName(kind)));
        }
    }

    public void BackplaneMessageDelivered(BackplaneTopicKind kind)
    {
        if (_backplaneDelivered.Enabled)
        {
            _backplaneDelivered.Add(1, new KeyValuePair<string, object?>(TopicTag, TopicName(kind)));
        }
    }

    public void SessionResumed(int replays)
    {
        _sessionResumes.Add(1);
        _sessionReplays.Add(replays);
    }

    public void SessionExpired() => _sessionExpiries.Add(1);

    public void SessionRefused(int closeCode) =>
        _sessionRefusals.Add(1, new KeyValuePair<string, object?>(CloseCodeOfRefusalTag, closeCode));

    public void SessionDetached(int change) => _sessionsDetached.Add(change);

    private static string TopicName(BackplaneTopicKind kind) => kind switch
    {
        BackplaneTopicKind.All => "all",
        BackplaneTopicKind.Group => "group",
        BackplaneTopicKind.User => "user",
        _ => "server",
    };

    private static string PolicyName(SlowConsumerPolicy policy) => policy switch
    {
        SlowConsumerPolicy.DropMessage => "drop_message",
        SlowConsumerPolicy.ClosePolicyViolation => "close_policy_violation",
        _ => "close_try_again_later",
    };
}

/// <summary>Why a handshake was refused, as the <c>velithon.handshake.rejection_reason</c> tag says it.</summary>
internal static class RejectionReasons
{
    public const string NotWebSocket = "not_websocket";
    public const string NotUpgradable = "not_upgradable";
    public const string TooManyConnections = "too_many_connections";
    public const string TooManyConnectionsFromIp = "too_many_connections_from_ip";
    public const string Origin = "origin";
    public const string Binding = "binding";
    public const string SubProtocol = "subprotocol";
    public const string Application = "application";
    public const string Error = "error";
}
