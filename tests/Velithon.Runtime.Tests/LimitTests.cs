using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading.RateLimiting;
using Velithon.Connections;
using Velithon.Hosting;
using Velithon.Protocol;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>Every limit triggers with its status or close code, and leaves other connections alone.</summary>
public sealed class LimitTests
{
    /// <summary>Connects from another loopback address (127.0.0.2), so the server sees a second client IP.</summary>
    private static async Task<ClientWebSocket> ConnectFromAsync(IPAddress localAddress, Uri uri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Client.Timeout);
        await client.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        return client;
    }

    [Fact]
    public async Task MaxConnections_RefusesTheNextHandshakeWith503_UntilOneEnds()
    {
        await using var server = await TestServer.StartAsync(configure: options => options.MaxConnections = 2);
        using var metrics = new MetricRecorder(server);
        using var first = await Client.ConnectAsync(server.Url("/rooms/full"));
        using var second = await Client.ConnectAsync(server.Url("/rooms/full"));

        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/rooms/full"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("The server holds as many WebSocket connections as it allows.", body);
        Assert.Contains("A WebSocket handshake for /rooms/full was refused with HTTP 503: the server holds as many connections as VelithonOptions.MaxConnections allows",
            server.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.Equal(1, metrics.Total("velithon.handshakes", "velithon.handshake.rejection_reason=too_many_connections"));

        // The two open connections did not notice.
        Assert.Equal("joined", await first.ReceiveTextAsync());
        await first.SendTextAsync("still fine");
        Assert.Equal("joined", await second.ReceiveTextAsync());
        Assert.Equal("still fine", await second.ReceiveTextAsync());

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 1);
        using var third = await Client.ConnectAsync(server.Url("/rooms/full"));
        Assert.Equal("joined", await third.ReceiveTextAsync());
    }

    [Fact]
    public async Task MaxConnectionsPerIp_RefusesTheSameAddressWith429_ButNotAnother()
    {
        await using var server = await TestServer.StartAsync(configure: options => options.MaxConnectionsPerIp = 1);
        using var first = await Client.ConnectAsync(server.Url("/rooms/per-ip"));
        Assert.Equal("joined", await first.ReceiveTextAsync());

        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/rooms/per-ip"));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("This address holds as many WebSocket connections as the server allows.", body);
        Assert.Contains("A WebSocket handshake for /rooms/per-ip was refused with HTTP 429: 127.0.0.1 holds as many connections as VelithonOptions.MaxConnectionsPerIp allows",
            server.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Information));

        using var other = await ConnectFromAsync(IPAddress.Parse("127.0.0.2"), server.Url("/rooms/per-ip"));
        Assert.Equal("joined", await other.ReceiveTextAsync());
        Assert.Equal(2, server.Hub.ConnectionCount);
    }

    [Fact]
    public async Task CrossOriginHandshake_IsRefusedWith403_SameOriginAndNonBrowsersAreNot()
    {
        await using var server = await TestServer.StartAsync();
        var url = new Uri(server.HttpBase, "/echo");
        var (crossSite, body) = await Client.HandshakeAsync(url, ("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite);
        Assert.Equal("This origin may not open WebSocket connections to this server.", body);

        var (sameOrigin, _) = await Client.HandshakeAsync(url, ("Origin", server.HttpBase.GetLeftPart(UriPartial.Authority)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, sameOrigin);
        var (noOrigin, _) = await Client.HandshakeAsync(url);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, noOrigin);
    }

    [Fact]
    public async Task AllowedOrigins_AcceptListedOriginsOnly()
    {
        await using var server = await TestServer.StartAsync(configure: options => options.AllowedOrigins.Add("https://app.example"));
        var url = new Uri(server.HttpBase, "/echo");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await Client.HandshakeAsync(url, ("Origin", "https://app.example"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(url, ("Origin", "https://other.example"))).Status);

        // Listing origins replaces the same-origin default.
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(url, ("Origin", server.HttpBase.GetLeftPart(UriPartial.Authority)))).Status);
    }

    [Fact]
    public async Task MessageRateLimit_ClosesWith1008WhenExceeded()
    {
        await using var server = await TestServer.StartAsync(configure: options => options.MessageRateLimit = new TokenBucketRateLimiterOptions
        {
            TokenLimit = 5,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromHours(1),
        });
        using var client = await Client.ConnectAsync(server.Url("/echo"));
        using var bystander = await Client.ConnectAsync(server.Url("/echo"));
        for (int i = 0; i < 5; i++)
        {
            await client.SendTextAsync($"m{i}");
            Assert.Equal($"Echo: m{i}", await client.ReceiveTextAsync());
        }

        await client.SendTextAsync("one too many");
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("Message rate limit exceeded.", description);

        // The limit is per connection: the bystander still has its own tokens.
        await bystander.SendTextAsync("mine");
        Assert.Equal("Echo: mine", await bystander.ReceiveTextAsync());
    }

    [Fact]
    public async Task MessageRateLimit_RefillsByWholePeriodsOnTheAppClock_NeverBeyondTheLimit()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            configure: options => options.MessageRateLimit = new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            },
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var client = await Client.ConnectAsync(server.Url("/echo"));
        async Task EchoAsync(string text)
        {
            await client.SendTextAsync(text);
            Assert.Equal("Echo: " + text, await client.ReceiveTextAsync());
        }

        await EchoAsync("a");
        await EchoAsync("b");

        // Nine seconds are not a period; the tenth brings one token.
        clock.Advance(TimeSpan.FromSeconds(9));
        clock.Advance(TimeSpan.FromSeconds(1));
        await EchoAsync("c");

        // A long silence fills the bucket to its limit, not to a token per period that passed.
        clock.Advance(TimeSpan.FromSeconds(100));
        await EchoAsync("d");
        await EchoAsync("e");
        await client.SendTextAsync("one too many");
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("Message rate limit exceeded.", description);
    }

    [Fact]
    public async Task IdleTimeout_ClosesASilentConnectionWith1001()
    {
        // On a fake clock: the deadline passes when the test moves the clock, not after half a second of waiting.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var idleTimeout = TimeSpan.FromSeconds(10);
        await using var server = await TestServer.StartAsync(
            configure: options => options.IdleTimeout = idleTimeout,
            configureBuilder: builder => OnClock(builder, clock));
        using var client = await Client.ConnectAsync(server.Url("/rooms/idle?id=idle"));
        Assert.Equal("joined", await client.ReceiveTextAsync());

        // Just short of the timeout (the sweep runs every quarter of it), nothing has ended; then the next sweep ends it.
        clock.Advance(idleTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Deadlines.Logged(server, Deadlines.Idle));
        var closing = client.ReceiveCloseAsync();
        await Deadlines.AdvanceUntilAsync(clock, server, Deadlines.Idle, idleTimeout / 4, closing);

        var (status, description) = await closing;
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
        Assert.Equal("Idle timeout", description);
        Assert.Equal(WebSocketCloseCode.GoingAway, (await server.Probe.WaitAsync("idle")).Code);
    }

    [Fact]
    public async Task KeepAlive_EndsAPeerThatStopsAnsweringPings_AndRunsItsDisconnect()
    {
        // The deadlines run on a fake clock: the ping is read long before the connection may end, however busy the machine.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(5);
        var timeout = TimeSpan.FromSeconds(5);
        await using var server = await StartWithKeepAliveAsync(clock, interval, timeout);
        await using var silent = await RawWebSocket.ConnectAsync(server.Http1Base, "/observe?id=keepalive");
        Assert.Equal("ready", Encoding.UTF8.GetString((await silent.ReadFrameAsync())!.Payload));

        // RFC 6455 section 5.5.2: the server pings once the peer was silent for the interval; this peer reads the
        // ping and never answers it. A sweep a period (a quarter of the interval) at a time: one Advance over several
        // periods runs every sweep it passes, but each at the time it advances to, so they would see no silence.
        var reading = silent.ReadFrameAsync();
        for (int sweep = 0; sweep < 5; sweep++)
        {
            clock.Advance(interval / 4);
        }

        var ping = await reading.WaitAsync(Client.Timeout);
        Assert.Equal(Frame.Ping, ping!.Opcode);

        var ended = server.Probe.WaitAsync("keepalive");
        await Deadlines.AdvanceUntilAsync(clock, server, Deadlines.KeepAlive, timeout / 4, ended);

        var ending = await ended;
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, ending.Code);
        Assert.True(ending.AbortedFired);
    }

    /// <summary>A server on <paramref name="clock"/> that pings a peer silent for <paramref name="interval"/> and ends one that leaves a ping unanswered for <paramref name="timeout"/>.</summary>
    private static Task<TestServer> StartWithKeepAliveAsync(TimeProvider clock, TimeSpan interval, TimeSpan timeout) =>
        TestServer.StartAsync(
            configure: options =>
            {
                options.KeepAliveInterval = interval;
                options.KeepAliveTimeout = timeout;
            },
            configureBuilder: builder => OnClock(builder, clock));

    /// <summary>Puts the server on <paramref name="clock"/> and logs the Debug lines of its deadlines, which <see cref="Deadlines"/> watches.</summary>
    private static void OnClock(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder, TimeProvider clock)
    {
        builder.Services.AddSingleton(clock);
        builder.Logging.AddFilter("Velithon", LogLevel.Debug);
    }

    [Fact]
    public async Task KeepAlive_KeepsAPeerThatAnswersPings()
    {
        // On a fake clock that moves only once the server has read the last pong: however busy the machine, a pong
        // cannot arrive late, so the only thing that can end this peer is the server not counting its answers.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(4);
        var timeout = TimeSpan.FromSeconds(12);
        await using var server = await StartWithKeepAliveAsync(clock, interval, timeout);
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, "/observe?id=answers");
        Assert.Equal("ready", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));
        var connection = await ConnectionAsync(server);
        await Client.EventuallyAsync(() => connection.IsReceiving && connection.Socket!.ReadCount > 0);
        var socket = connection.Socket!;

        // Five answered pings and nothing else from the peer: the first and the last are further apart than the
        // timeout, so the answers alone kept it (RFC 6455 section 5.5.3: a pong answers the ping).
        long firstPing = 0;
        for (int pings = 0; pings < 5; pings++)
        {
            var ping = await NextPingAsync(clock, server, socket, peer, interval / 4);
            Assert.True(ping.Fin);
            firstPing = pings == 0 ? socket.KeepAlive.LastPing : firstPing;

            // The handler waits in its receive, so the read count moves only when the server takes bytes from the
            // peer: once it has moved, the server has read the pong, and the clock may go on.
            int reads = socket.ReadCount;
            await peer.SendFrameAsync(Frame.Pong, ping.Payload);
            await Client.EventuallyAsync(() => socket.ReadCount > reads);
        }

        Assert.True(socket.KeepAlive.LastPing - firstPing > (long)timeout.TotalMilliseconds);
        Assert.Equal(0, Deadlines.Logged(server, Deadlines.KeepAlive));
        await peer.SendTextAsync("still here");
        Assert.Equal("Echo: still here", await ReadTextSkippingPingsAsync(peer));
    }

    [Fact]
    public async Task KeepAlive_TimesOutOnlyWhileTheHandlerWaitsToReceive()
    {
        // On a fake clock: the pause outlasts the timeout by the clock's arithmetic, not by how fast the machine is.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(4);
        var timeout = TimeSpan.FromSeconds(8);
        await using var server = await StartWithKeepAliveAsync(clock, interval, timeout);
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, "/keepalive/paused?id=paused");
        Assert.Equal("ready", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));
        var connection = await ConnectionAsync(server);
        var socket = connection.Socket!;

        // The handler is not receiving: pings keep coming, unanswered, for longer than the timeout, and the connection stays.
        long firstPing = 0;
        for (int pings = 0; pings < 5; pings++)
        {
            await NextPingAsync(clock, server, socket, peer, interval / 4);
            firstPing = pings == 0 ? socket.KeepAlive.LastPing : firstPing;
        }

        Assert.True(socket.KeepAlive.LastPing - firstPing > (long)timeout.TotalMilliseconds);
        Assert.False(connection.IsReceiving);

        // The clock stands still here, so no ping comes between the message and its echo.
        server.Probe.Signal("paused");
        await peer.SendTextAsync("after the pause");
        var echo = (await peer.ReadFrameAsync().WaitAsync(Client.Timeout))!;
        Assert.Equal(Frame.Text, echo.Opcode);
        Assert.Equal("Echo: after the pause", Encoding.UTF8.GetString(echo.Payload));

        // Receiving now, and still not answering: a ping goes after the interval, and its deadline passes.
        await Client.EventuallyAsync(() => connection.IsReceiving);
        var ended = server.Probe.WaitAsync("paused");
        var took = await Deadlines.AdvanceUntilAsync(clock, server, Deadlines.KeepAlive, interval / 4, ended);
        Assert.True(took >= interval + timeout, $"The connection ended {took} after the peer was last heard.");
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, (await ended).Code);
    }

    /// <summary>The server's one connection, once the hub holds it.</summary>
    private static async Task<ServerWebSocket> ConnectionAsync(TestServer server)
    {
        var hub = server.Services.GetRequiredService<VelithonRuntime>().Hub;
        await Client.EventuallyAsync(() => hub.Connections.Any());
        return hub.Connections.Single();
    }

    /// <summary>
    /// Runs the keep-alive sweep a quarter interval at a time until it writes a ping (the socket's last ping moves),
    /// asserting no deadline ends the connection on the way, then returns the ping as the peer reads it.
    /// </summary>
    private static async Task<Frame> NextPingAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TestServer server, FrameWebSocket socket, RawWebSocket peer, TimeSpan step)
    {
        long before = socket.KeepAlive.LastPing;
        for (int i = 0; i < 40 && socket.KeepAlive.LastPing == before; i++)
        {
            clock.Advance(step);
            Assert.Equal(0, Deadlines.Logged(server, Deadlines.KeepAlive));
        }

        Assert.NotEqual(before, socket.KeepAlive.LastPing);
        var ping = (await peer.ReadFrameAsync().WaitAsync(Client.Timeout))!;
        Assert.Equal(Frame.Ping, ping.Opcode);
        return ping;
    }

    [Fact]
    public async Task KeepAlive_PingsGoBetweenTheFramesOfConcurrentSends()
    {
        await using var server = await TestServer.StartAsync(configure: options =>
        {
            options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(30);
        });
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, "/keepalive/stream");

        // Two tasks send without pause; every frame must arrive whole, in order per task, with pings between.
        // Real time on purpose: a ping goes when a sweep finds the send gate free between two frames. A sweep on the
        // timer's own thread lands at moments unrelated to the senders; a fake clock advanced by this reader ran the
        // sweep right after a frame, when the other sender always held the gate, and no ping went in 240 sweeps.
        // Bounded: each read by the client's timeout, the whole wait for three pings by a generous two minutes.
        int[] next = [0, 0];
        int pings = 0;
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (pings < 3)
        {
            Assert.True(waiting.Elapsed < TimeSpan.FromMinutes(2), $"Only {pings} pings went between the frames of two senders in two minutes.");
            var frame = (await peer.ReadFrameAsync().WaitAsync(Client.Timeout))!;
            if (frame.Opcode == Frame.Ping)
            {
                pings++;
                await peer.SendFrameAsync(Frame.Pong, frame.Payload);
                continue;
            }

            Assert.Equal(Frame.Text, frame.Opcode);
            Assert.True(frame.Fin);
            string text = Encoding.UTF8.GetString(frame.Payload);
            int task = int.Parse(text.AsSpan(0, text.IndexOf(':')));
            Assert.Equal(Handlers.BurstMessage(task, next[task]++), text);
        }

        await peer.SendTextAsync("stop");
        string last;
        waiting.Restart();
        do
        {
            Assert.True(waiting.Elapsed < TimeSpan.FromMinutes(2), "The senders did not stop within two minutes of \"stop\".");
            last = await ReadTextSkippingPingsAsync(peer);
        }
        while (last != "done" && !last.StartsWith("unexpected", StringComparison.Ordinal));
        Assert.Equal("done", last);
        Assert.True(next[0] + next[1] > 0);
    }

    private static async Task<string> ReadTextSkippingPingsAsync(RawWebSocket peer)
    {
        while (true)
        {
            var frame = (await peer.ReadFrameAsync().WaitAsync(Client.Timeout))!;
            if (frame.Opcode == Frame.Ping)
            {
                await peer.SendFrameAsync(Frame.Pong, frame.Payload);
                continue;
            }

            Assert.Equal(Frame.Text, frame.Opcode);
            return Encoding.UTF8.GetString(frame.Payload);
        }
    }

    [Fact]
    public async Task Compression_IsNegotiatedWithClientsThatOfferIt_PerRouteAndByOptions()
    {
        await using var plainServer = await TestServer.StartAsync();
        await using var compressingServer = await TestServer.StartAsync(configure: options => options.Compression.Enabled = true);

        // Off by default; on for a route with [WebSocketCompression]; off for one that turns it off.
        Assert.Null(await EchoAndReadExtensionsAsync(plainServer.Url("/conformance/echo"), offerDeflate: true));
        Assert.Contains("server_max_window_bits=12",
            await EchoAndReadExtensionsAsync(plainServer.Url("/compressed/echo"), offerDeflate: true));
        Assert.StartsWith("permessage-deflate", await EchoAndReadExtensionsAsync(compressingServer.Url("/conformance/echo"), offerDeflate: true));
        Assert.Null(await EchoAndReadExtensionsAsync(compressingServer.Url("/uncompressed/echo"), offerDeflate: true));

        // A client that does not offer it gets plain frames from the same route.
        Assert.Null(await EchoAndReadExtensionsAsync(compressingServer.Url("/conformance/echo"), offerDeflate: false));
    }

    /// <summary>Echoes a large repetitive message, and returns the negotiated extensions (null when none).</summary>
    private static async Task<string?> EchoAndReadExtensionsAsync(Uri uri, bool offerDeflate)
    {
        using var client = await Client.ConnectAsync(uri, options =>
        {
            if (offerDeflate)
            {
                options.DangerousDeflateOptions = new WebSocketDeflateOptions();
            }
        });
        string text = string.Concat(Enumerable.Repeat("velithon compresses repetitive JSON well; ", 500));
        await client.SendTextAsync(text);
        Assert.Equal(text, await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return client.HttpResponseHeaders!.TryGetValue("Sec-WebSocket-Extensions", out var values) ? string.Join(", ", values) : null;
    }
}
