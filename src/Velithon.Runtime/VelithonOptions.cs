using System;
using System.Collections.Generic;
using System.Threading.RateLimiting;

namespace Velithon;

/// <summary>
/// Options of the Velithon runtime: bound from the <c>Velithon</c> section of the application's configuration
/// (appsettings.json, environment variables such as <c>Velithon__MaxMessageSize</c>), then set in code with
/// <c>services.AddVelithon(options => ...)</c>, which wins; validated when the host starts.
/// </summary>
/// <remarks>
/// JSON sent and received without a <c>JsonTypeInfo</c> uses the application's HTTP JSON options
/// (<c>builder.Services.ConfigureHttpJsonOptions(...)</c>), as minimal APIs do; there is no separate setting here.
/// </remarks>
public sealed class VelithonOptions
{
    /// <summary>
    /// The largest message, in bytes, a connection accepts after reassembling its fragments. A larger
    /// message closes the connection with 1009 (message too big). Default: 1 MiB.
    /// </summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a server-initiated close waits for the peer's close frame before the connection is
    /// aborted (RFC 6455 section 7.1.1). It also bounds how long shutdown waits for each connection's close
    /// handshake. Default: 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a connection may stay silent before the server pings it (and pings it again after as long
    /// without an answer); <see cref="TimeSpan.Zero"/> disables keep-alive. One timer checks every connection a
    /// few times per interval, so a ping goes out up to a quarter of the interval late. Default: 30 seconds.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the server waits for an answer to a keep-alive ping before it considers the peer dead and ends
    /// the connection (its disconnect logic runs, with 1006). Anything the peer sends counts as an answer. The
    /// timeout runs while the handler waits in a receive, since only then is the answer read; a handler that
    /// only sends learns of a dead peer when its sends fail. <see cref="TimeSpan.Zero"/> keeps the pings and
    /// never times out. Default: 30 seconds.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one send may wait for the peer to take its data (the transport applying backpressure because the
    /// peer stopped reading) before the connection is ended: its disconnect logic runs with 1006. It covers what
    /// keep-alive cannot see, a handler that only sends (a ticker, a push feed) and broadcasts to a peer that stopped
    /// reading. SignalR's equivalent, <c>TransportSendTimeout</c>, is 10 seconds, chosen for small hub messages;
    /// Velithon's messages may be up to <see cref="MaxMessageSize"/> (1 MiB by default), which a slow mobile link
    /// needs longer for, hence 30 seconds, the keep-alive's figure. <see cref="TimeSpan.Zero"/> disables it.
    /// Default: 30 seconds.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a connection may go without receiving a message before the server closes it with 1001
    /// (going away) and the reason "Idle timeout". Pings and pongs do not count as messages.
    /// <see cref="TimeSpan.Zero"/> disables it. Default: disabled.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; }

    /// <summary>
    /// The most WebSocket connections (open or in their handshake) the server holds at once; a handshake
    /// beyond it is refused with HTTP 503. <see langword="null"/>: no limit. Default: no limit.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// The most WebSocket connections one remote IP address holds at once; a handshake beyond it is refused
    /// with HTTP 429. <see langword="null"/>: no limit. Default: no limit.
    /// </summary>
    public int? MaxConnectionsPerIp { get; set; }

    /// <summary>
    /// The origins (<c>scheme://host[:port]</c>) a browser may open WebSocket connections from. A handshake
    /// whose <c>Origin</c> header is not allowed is refused with HTTP 403, which prevents cross-site
    /// WebSocket hijacking. Empty (the default): only the server's own origin. <c>"*"</c>: any origin.
    /// Handshakes without an <c>Origin</c> header (clients that are not browsers) are always allowed.
    /// </summary>
    /// <remarks>
    /// Each entry is <c>"*"</c> or an http or https origin, by the one rule of docs/limits-and-security.md#origins,
    /// which <c>[AllowedOrigins]</c> is checked with at build (VLT0030): scheme and host in any case, the default
    /// port and one trailing <c>/</c> allowed. Any other entry stops the host at start with an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names it and says why.
    /// </remarks>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// A per-connection limit on received messages, as a token bucket; a connection that exceeds it is
    /// closed with 1008 (policy violation). <see langword="null"/>: no limit. Default: no limit.
    /// <see cref="TokenBucketRateLimiterOptions.QueueLimit"/> is ignored: a message over the limit is never delayed.
    /// </summary>
    public TokenBucketRateLimiterOptions? MessageRateLimit { get; set; }

    /// <summary>permessage-deflate compression, off by default; see <see cref="WebSocketCompressionOptions"/>.</summary>
    public WebSocketCompressionOptions Compression { get; } = new();

    /// <summary>Presence across servers: the heartbeat interval and the timeout after which a silent server's members are forgotten.</summary>
    public PresenceOptions Presence { get; } = new();

    /// <summary>
    /// How many broadcast messages may wait for one connection that reads slowly before
    /// <see cref="SlowConsumerPolicy"/> applies. Default: 256.
    /// </summary>
    public int BroadcastQueueLimit { get; set; } = 256;

    /// <summary>What a broadcast does for a connection whose queue is full. Default: <see cref="SlowConsumerPolicy.DropMessage"/>.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; set; } = SlowConsumerPolicy.DropMessage;

    /// <summary>
    /// What a route with typed messages (a typed contract, or <see cref="OnMessageAttribute"/> methods) does with a
    /// message it cannot dispatch: close the connection (the default) or answer with an error message and go on.
    /// </summary>
    /// <remarks>A route's <see cref="InvalidMessagesAttribute"/> overrides it.</remarks>
    public InvalidMessageBehavior InvalidMessageBehavior { get; set; } = InvalidMessageBehavior.Close;

    /// <summary>
    /// The most requests (<see cref="IWebSocketRequest{TReply}"/>) the server may await on one connection of a typed
    /// contract at once. At the limit, <c>RequestAsync</c> throws <see cref="InvalidOperationException"/> at once: there is
    /// no hidden queue. At least 1. Default: 64.
    /// </summary>
    public int MaxPendingRequests { get; set; } = 64;

    /// <summary>
    /// How long <c>RequestAsync</c> waits for the client's reply when the call gives no timeout; then a <c>cancel</c>
    /// envelope goes to the client and the call throws <see cref="TimeoutException"/>. Positive, or
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no timeout. Default: 30 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads a connection's user id (<see cref="WebSocket.UserId"/>, the address of <see cref="IWebSocketHub.User"/>)
    /// from its handshake, as SignalR's <c>IUserIdProvider</c> does; <see langword="null"/> for an anonymous
    /// connection. Called once per connection, when the handshake is accepted and before the 101 goes out, so an
    /// exception refuses the handshake as one from the handler would. A delegate, set in code only, so Native AOT
    /// needs no reflection for it. Default (<see langword="null"/>): the
    /// <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> claim of <c>HttpContext.User</c>.
    /// </summary>
    /// <example><c>options.UserIdProvider = ws => ws.HttpContext.User.FindFirst("sub")?.Value;</c></example>
    public Func<WebSocket, string?>? UserIdProvider { get; set; }
}
