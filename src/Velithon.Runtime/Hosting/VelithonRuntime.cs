using System;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Velithon.Connections;
using Velithon.Groups;
using Velithon.Json;
using Velithon.Limits;
using Velithon.Metrics;
using Velithon.Routing;
using Velithon.Sessions;

namespace Velithon.Hosting;

/// <summary>What every connection of the application shares: the validated options, the logger, the hub, the metrics and the limits.</summary>
internal sealed class VelithonRuntime : IDisposable
{
    // IOptionsMonitor rather than IOptions: ValidateOnStart builds and
    // validates the options through the monitor, and IOptions would build and validate them a second time.
    public VelithonRuntime(
        IOptionsMonitor<VelithonOptions> options,
        ILoggerFactory loggerFactory,
        WebSocketHub hub,
        VelithonMetrics metrics,
        ApplicationJson json,
        TimeProvider timeProvider,
        IServiceProvider services)
    {
        Options = options.CurrentValue;
        Logger = loggerFactory.CreateLogger(LoggerCategory);
        Hub = hub;
        Metrics = metrics;
        Json = json;
        RefusalLog = new HandshakeRefusalLog(Logger, timeProvider);
        Clock = new ConnectionClock(timeProvider);
        ConnectionLimiter = ConnectionLimiter.Create(Options);
        DefaultPolicy = RoutePolicy.FromOptions(Options);
        Sessions = new SessionRegistry(this, services);
    }

    /// <summary>The category of the runtime's log lines.</summary>
    public const string LoggerCategory = "Velithon.WebSockets";

    public VelithonOptions Options { get; }

    public ILogger Logger { get; }

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

    /// <summary>The policy of routes without policy attributes: the options as they are.</summary>
    public RoutePolicy DefaultPolicy { get; }

    /// <summary>This server's resumable sessions.</summary>
    public SessionRegistry Sessions { get; }

    /// <summary>Raised when a route with policy attributes is first served, so the <see cref="ConnectionMonitor"/> can sweep often enough for it.</summary>
    public event Action<RoutePolicy>? PolicyResolved;

    /// <summary>The policy of <paramref name="endpoint"/>, for its route's <see cref="WebSocketSession"/>, which resolves it once.</summary>
    public RoutePolicy ResolvePolicy(Endpoint? endpoint)
    {
        var policy = RoutePolicy.For(endpoint, Options, DefaultPolicy);
        if (!ReferenceEquals(policy, DefaultPolicy))
        {
            PolicyResolved?.Invoke(policy);
        }

        return policy;
    }

    public void Dispose() => RefusalLog.Dispose();
}
