using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Velithon.Limits;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// The per-connection message rate limit, one message per connection in turn across <see cref="Connections"/>
/// connections: the partitioned limiter the runtime used before (one <see cref="PartitionedRateLimiter{TResource}"/>
/// for a route, a token bucket per connection inside it, every acquire under the limiter's one lock and every
/// partition visited by its timer) against each connection's own <see cref="MessageTokenBucket"/>.
/// </summary>
[MemoryDiagnoser]
public class RateLimitBenchmarks
{
    private object[] _connections = [];
    private MessageTokenBucket[] _buckets = [];
    private MessageRateLimit _limit = null!;
    private PartitionedRateLimiter<object> _partitioned = null!;
    private long _now;

    [Params(1, 10_000)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Enough tokens that no message is ever refused: the cost measured is the permit's, not a refusal's.
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _connections = Enumerable.Range(0, Connections).Select(_ => new object()).ToArray();
        _partitioned = PartitionedRateLimiter.Create<object, object>(connection => RateLimitPartition.GetTokenBucketLimiter(connection, _ => options));
        _limit = MessageRateLimit.From(options)!;
        _now = Environment.TickCount64;
        _buckets = _connections.Select(_ => new MessageTokenBucket(_limit, _now)).ToArray();

        // Every partition exists before measuring, as for connections that have each sent a message.
        foreach (var connection in _connections)
        {
            using var lease = _partitioned.AttemptAcquire(connection);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _partitioned.Dispose();

    [Benchmark(Baseline = true, Description = "PartitionedRateLimiter: one message on each connection")]
    public int Partitioned()
    {
        int acquired = 0;
        foreach (var connection in _connections)
        {
            using var lease = _partitioned.AttemptAcquire(connection);
            acquired += lease.IsAcquired ? 1 : 0;
        }

        return acquired;
    }

    [Benchmark(Description = "MessageTokenBucket: one message on each connection")]
    public int OwnBucket()
    {
        int acquired = 0;
        long now = Environment.TickCount64;
        for (int i = 0; i < _buckets.Length; i++)
        {
            acquired += _buckets[i].TryTake(_limit, now) ? 1 : 0;
        }

        return acquired;
    }
}
