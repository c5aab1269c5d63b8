using System.Collections.Concurrent;
using System.Threading.Channels;
using Velithon.Scaling;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A backplane whose subscribe and unsubscribe calls the test sees one by one and completes when it chooses (for the
/// topics <see cref="Holds"/> selects; others complete at once), which records what the hub publishes, and through
/// which the test delivers messages "from another server". It also notices calls for one topic that overlap.
/// </summary>
public sealed class GatedBackplane : WebSocketBackplane
{
    private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();
    private readonly ConcurrentDictionary<BackplaneTopic, int> _inFlight = new();
    private int _overlaps;

    /// <summary>Which topics' calls wait for <see cref="Call.Release"/>; none by default.</summary>
    public Func<BackplaneTopic, bool> Holds { get; set; } = static _ => false;

    /// <summary>Which topics' subscribe calls throw instead; none by default.</summary>
    public Func<BackplaneTopic, bool> FailsSubscribe { get; set; } = static _ => false;

    /// <summary>Every call, in the order made, held or not.</summary>
    public ConcurrentQueue<(string Operation, BackplaneTopic Topic)> History { get; } = new();

    public ConcurrentQueue<(BackplaneTopic Topic, string? ConnectionId, string Text)> Published { get; } = new();

    /// <summary>How many times two calls for one topic ran at once (the hub promises never).</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public override ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken)
    {
        Published.Enqueue((message.Topic, message.ConnectionId, System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
        return default;
    }

    public override ValueTask SubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken) => RunAsync("subscribe", topic);

    public override ValueTask UnsubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken) => RunAsync("unsubscribe", topic);

    /// <summary>The next held call, in the order made.</summary>
    public async Task<Call> NextHeldCallAsync() => await _calls.Reader.ReadAsync().AsTask().WaitAsync(Client.Timeout);

    /// <summary>Whether a held call is waiting to be taken with <see cref="NextHeldCallAsync"/>.</summary>
    public bool HasHeldCall => _calls.Reader.TryPeek(out _);

    /// <summary>Hands a message to the hub as if another server had published it.</summary>
    public int Deliver(BackplaneMessage message) => DeliverLocally(message);

    private async ValueTask RunAsync(string operation, BackplaneTopic topic)
    {
        History.Enqueue((operation, topic));
        if (_inFlight.AddOrUpdate(topic, 1, static (_, count) => count + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            if (Holds(topic))
            {
                var call = new Call(operation, topic);
                await _calls.Writer.WriteAsync(call);
                await call.Released;
            }

            if (operation == "subscribe" && FailsSubscribe(topic))
            {
                throw new InvalidOperationException("The broker refused the subscription.");
            }
        }
        finally
        {
            _inFlight.AddOrUpdate(topic, 0, static (_, count) => count - 1);
        }
    }

    /// <summary>A call the backplane holds until <see cref="Release"/>.</summary>
    public sealed class Call(string operation, BackplaneTopic topic)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Operation { get; } = operation;

        public BackplaneTopic Topic { get; } = topic;

        public Task Released => _released.Task;

        public void Release() => _released.TrySetResult();
    }
}
