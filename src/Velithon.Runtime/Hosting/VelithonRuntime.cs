using System;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Json;
using Velithon.Limits;
using Velithon.Metrics;

namespace Velithon.Hosting;

/// <summary>What every connection of the application shares: the validated options, the logger, the hub, the metrics and the limits.</summary>
internal sealed class VelithonRuntime : IDisposable
{
    // IOptionsMonitor rather than IOptions, here and in the hub: ValidateOnStart builds and
    // validates the options through the monitor, and IOptions would build and validate them a second time.
    public VelithonRuntime(
        IOptionsMonitor<VelithonOptions> options,
        ILoggerFactory loggerFactory,
        WebSocketHub hub,
        VelithonMetrics metrics,
        ApplicationJson json,
        TimeProvider timeProvider)
    {
        Options = options.CurrentValue;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger(LoggerCategory);
        Hub = hub;
        Metrics = metrics;
        Json = json;
        RefusalLog = new HandshakeRefusalLog(Logger, timeProvider);
        Clock = new ConnectionClock(timeProvider);
        ConnectionLimiter = ConnectionLimiter.Create(Options);
        OriginPolicy = new OriginPolicy(Options.AllowedOrigins);
        TracksIdleTime = Options.IdleTimeout > TimeSpan.Zero;
        if (Options.MessageRateLimit is { } rateLimit)
        {
            var partitionOptions = new TokenBucketRateLimiterOptions
            {
                TokenLimit = rateLimit.TokenLimit,
                TokensPerPeriod = rateLimit.TokensPerPeriod,
                ReplenishmentPeriod = rateLimit.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = false,
            };

            // One limiter per connection, replenished by the partitioned limiter's single timer rather than one timer each.
            MessageRateLimiter = PartitionedRateLimiter.Create<ServerWebSocket, ServerWebSocket>(
                socket => RateLimitPartition.GetTokenBucketLimiter(socket, _ => partitionOptions));
        }
    }

    /// <summary>The category of the runtime's log lines.</summary>
    public const string LoggerCategory = "Velithon.WebSockets";

    public VelithonOptions Options { get; }

    public ILogger Logger { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock of the connections' deadlines, from the application's <see cref="TimeProvider"/>.</summary>
    public ConnectionClock Clock { get; }

    public WebSocketHub Hub { get; }

    public VelithonMetrics Metrics { get; }

    /// <summary>The application's JSON options, for the JSON calls without a <c>JsonTypeInfo</c>.</summary>
    public ApplicationJson Json { get; }

    /// <summary>Logs refused handshakes, rate-limited.</summary>
    public HandshakeRefusalLog RefusalLog { get; }

    /// <summary>Counts connections against the global and per-IP limits; <see langword="null"/> when neither is set.</summary>
    public ConnectionLimiter? ConnectionLimiter { get; }

    public OriginPolicy OriginPolicy { get; }

    /// <summary>Whether connections note when each message arrives, for the idle timeout; without one, that clock read per message is skipped.</summary>
    public bool TracksIdleTime { get; }

    /// <summary>The per-connection message rate limit; <see langword="null"/> when none is set.</summary>
    public PartitionedRateLimiter<ServerWebSocket>? MessageRateLimiter { get; }

    public void Dispose() => RefusalLog.Dispose();
}
