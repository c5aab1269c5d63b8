using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>Runs alone: it counts unobserved task exceptions process-wide and drives fake clocks.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConnectionCoreCollection
{
    public const string Name = "ConnectionCore";
}

/// <summary>
/// The connection core's faults, seen from outside: the bytes a handler holds, how an abort, a stalled peer, a
/// failing accept, a handler that returns mid-send, a broadcast that fails and shutdown end a connection. Real
/// Kestrel on 127.0.0.1, real clients; deadlines driven by a <see cref="FakeTimeProvider"/>.
/// </summary>
[Collection(ConnectionCoreCollection.Name)]
public sealed class ConnectionCoreTests
{
    // Bytes a close frame cannot hold at the positions the message held them: a close code 1000 is 0x03 0xE8, the reason is 'Z's.
    private static readonly string DistinctReason = new('Z', 40);

    // How many fake-clock steps a test takes at most before it says nothing ended the connection.
    private const int MaxSteps = 40;

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static Task<TestServer> StartAsync(Action<VelithonOptions> configure, TimeProvider? clock = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? more = null) =>
        TestServer.StartAsync(configure: configure, configureBuilder: builder =>
        {
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);

                // The deadlines' Debug lines are what AdvanceUntilAsync watches.
                builder.Logging.AddFilter("Velithon", LogLevel.Debug);
            }

            more?.Invoke(builder);
        });

    /// <summary>Lowercase letters, none of which a close frame with code 1000 and a reason of 'Z's carries.</summary>
    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26)))];

    // 1. What ReceiveAsync returned stays valid until the next receive (WebSocketMessage.Data), however the connection ends.

    [Theory]
    [InlineData(100)]
    [InlineData(256)]
    public async Task HeldMessage_HandlersOwnCloseReadsThePeersCloseFrame_TheBytesDoNotChange(int size)
    {
        await using var server = await StartAsync(options => options.KeepAliveInterval = TimeSpan.Zero);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, $"/core/hold/close?id={id}");
        var sent = Pattern(size);
        await peer.SendFrameAsync(Frame.Binary, sent);
        Assert.Equal("held", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));

        // Sent once the handler holds the message, so the server reads it with a read of its own after the message's.
        await peer.SendCloseAsync(1000, DistinctReason);
        Assert.Equal(1000, (await ReadUntilCloseAsync(peer)).CloseCode);

        var held = await CoreReports.WaitAsync<HeldMessage>(id);
        Assert.Equal(sent, held.AtReceipt);
        Assert.Equal(sent, held.AfterEnd);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(256)]
    public async Task HeldMessage_IdleTimeoutClosesTheConnection_TheBytesDoNotChange(int size)
    {
        var clock = new FakeTimeProvider();
        var idleTimeout = TimeSpan.FromSeconds(2);
        await using var server = await StartAsync(options =>
        {
            options.KeepAliveInterval = TimeSpan.Zero;
            options.IdleTimeout = idleTimeout;
        }, clock);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, $"/core/hold/wait?id={id}");
        var sent = Pattern(size);
        await peer.SendFrameAsync(Frame.Binary, sent);
        Assert.Equal("held", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));

        var closing = ReadUntilCloseAsync(peer);
        await AdvanceUntilAsync(clock, server, Deadlines.Idle, idleTimeout / 4, closing);
        var close = await closing;
        Assert.Equal(1001, close.CloseCode);
        await peer.SendCloseAsync(1001, DistinctReason);

        var held = await CoreReports.WaitAsync<HeldMessage>(id);
        Assert.Equal(sent, held.AtReceipt);
        Assert.Equal(sent, held.AfterEnd);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(256)]
    public async Task HeldMessage_ShutdownClosesTheConnection_TheBytesDoNotChange(int size)
    {
        await using var server = await StartAsync(options => options.KeepAliveInterval = TimeSpan.Zero);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, $"/core/hold/wait?id={id}");
        var sent = Pattern(size);
        await peer.SendFrameAsync(Frame.Binary, sent);
        Assert.Equal("held", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));

        var stopping = server.StopAsync();
        Assert.Equal(1001, (await ReadUntilCloseAsync(peer)).CloseCode);
        await peer.SendCloseAsync(1001, DistinctReason);

        var held = await CoreReports.WaitAsync<HeldMessage>(id);
        await stopping.WaitAsync(Client.Timeout);
        Assert.Equal(sent, held.AtReceipt);
        Assert.Equal(sent, held.AfterEnd);
    }

    // 2. HttpContext.Abort() ends the connection: the pending call fails with 1006 and the connection leaves the hub.

    [Theory]
    [InlineData("receive")]
    [InlineData("send")]
    public async Task HttpContextAbortAfterAccept_FailsThePendingCallWith1006_AndTheConnectionLeavesTheHub(string pending)
    {
        // No send timeout and no keep-alive: only the abort may end the connection.
        await using var server = await StartAsync(options =>
        {
            options.SendTimeout = TimeSpan.Zero;
            options.KeepAliveInterval = TimeSpan.Zero;
        });
        string id = NewId();
        string group = "abort-" + id;
        string path = $"/core/abort/{pending}?id={id}";
        await using var peer = pending == "receive"
            ? await RawWebSocket.ConnectAsync(server.Http1Base, path)
            : await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, path);
        if (pending == "receive")
        {
            await CoreReports.WaitForSignalAsync(id + ":pending");
        }
        else
        {
            // This peer never reads: the handler's sends fill the socket buffers until one blocks.
            await WaitUntilStuckAsync(CoreReports.Counter(id));
        }

        await Client.EventuallyAsync(() => server.Hub.GetMemberCount(group) == 1);
        var connection = Assert.Single(server.Hub.GetMembers(group));
        await Task.Run(() => connection.HttpContext.Abort());

        var outcome = await CoreReports.WaitAsync<CoreOutcome>(id);
        Assert.Equal(("WebSocketDisconnectException", (int?)1006, true), (outcome.Exception, outcome.Code, outcome.AbortedFired));
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 0 && server.Hub.GetMemberCount(group) == 0);
    }

    // 3. A peer that stops reading cannot hold a connection forever: the send timeout, and the keep-alive deadline.

    [Fact]
    public async Task SendTimeout_PushOnlyHandlerToAPeerThatNeverReads_EndsTheConnectionWith1006()
    {
        var clock = new FakeTimeProvider();
        var sendTimeout = TimeSpan.FromSeconds(10);
        await using var server = await StartAsync(options =>
        {
            options.SendTimeout = sendTimeout;
            options.KeepAliveInterval = TimeSpan.Zero;
        }, clock);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, $"/core/push?id={id}");
        await WaitUntilStuckAsync(CoreReports.Counter(id));

        var ended = CoreReports.WaitAsync<CoreOutcome>(id);
        var advanced = await AdvanceUntilAsync(clock, server, Deadlines.Send, sendTimeout / 4, ended);

        var outcome = await ended;
        Assert.Equal(("WebSocketDisconnectException", (int?)1006, true), (outcome.Exception, outcome.Code, outcome.AbortedFired));
        AssertWithin(advanced, sendTimeout + (sendTimeout / 4) + (sendTimeout / 4), "SendTimeout");
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 0);
    }

    [Fact]
    public async Task SendTimeout_StalledGroupMember_IsEvicted_TheHealthyMemberGetsEveryBroadcast_AndTheQueueStaysWithinItsLimit()
    {
        var clock = new FakeTimeProvider();
        var sendTimeout = TimeSpan.FromSeconds(10);
        await using var server = await StartAsync(options =>
        {
            options.SendTimeout = sendTimeout;
            options.KeepAliveInterval = TimeSpan.Zero;
            options.BroadcastQueueLimit = 8;
            options.SlowConsumerPolicy = SlowConsumerPolicy.DropMessage;
        }, clock);
        using var metrics = new MetricRecorder(server);
        string id = NewId();
        await using var stalled = await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, $"/rooms/evict?id={id}");
        Assert.Equal("joined", Encoding.UTF8.GetString((await stalled.ReadFrameAsync())!.Payload));
        using var healthy = await Client.ConnectAsync(server.Url("/rooms/evict"));
        Assert.Equal("joined", await healthy.ReceiveTextAsync());

        var payload = new byte[64 * 1024];
        int sequence = 0;
        async Task<int> BroadcastAsync()
        {
            BitConverter.TryWriteBytes(payload, sequence);
            int recipients = await server.Hub.Group("evict").SendBytesAsync(payload);
            var (type, data) = await healthy.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(sequence, BitConverter.ToInt32(data));
            sequence++;
            return recipients;
        }

        // The stalled member's queue is full once a broadcast is dropped for it: its send is stuck from here.
        for (int i = 0; i < 2000 && metrics.Total("velithon.broadcast.dropped") == 0; i++)
        {
            await BroadcastAsync();
        }

        Assert.True(metrics.Total("velithon.broadcast.dropped") > 0, "The stalled member's queue never filled.");
        var ending = server.Probe.WaitAsync(id);
        var advanced = await AdvanceUntilAsync(clock, server, Deadlines.Send, sendTimeout / 4, ending, async () =>
        {
            // Memory stays bounded: with the stalled member's queue at its limit, no broadcast is queued for it
            // (it is dropped, or the member is gone), so each one reaches the healthy member alone.
            Assert.Equal(1, await BroadcastAsync());
        });

        Assert.Equal(WebSocketCloseCode.AbnormalClosure, (await ending).Code);
        AssertWithin(advanced, sendTimeout + (sendTimeout / 4) + (sendTimeout / 4), "SendTimeout");
        await Client.EventuallyAsync(() => server.Hub.GetMemberCount("evict") == 1);
        Assert.Equal(1, await BroadcastAsync());
    }

    [Fact]
    public async Task KeepAlive_APingThatCannotBeWrittenBehindAStuckSend_StillEndsTheConnectionAtItsDeadline()
    {
        var clock = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(5);
        var timeout = TimeSpan.FromSeconds(5);
        await using var server = await StartAsync(options =>
        {
            options.KeepAliveInterval = interval;
            options.KeepAliveTimeout = timeout;
            options.SendTimeout = TimeSpan.Zero;
        }, clock);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, $"/core/stuck-receive?id={id}");
        await WaitUntilStuckAsync(CoreReports.Counter(id));

        var ended = CoreReports.WaitAsync<CoreOutcome>(id);
        var step = timeout / 4;
        var advanced = await AdvanceUntilAsync(clock, server, Deadlines.KeepAlive, step, ended);

        var outcome = await ended;
        Assert.Equal(("WebSocketDisconnectException", (int?)1006, true), (outcome.Exception, outcome.Code, outcome.AbortedFired));

        // The ping was due after the interval, whether or not it could be written; the deadline is the timeout after that.
        AssertWithin(advanced, interval + timeout + step + step, "KeepAliveInterval + KeepAliveTimeout");
    }

    // 4. A failure in the handshake is the runtime's to report: one Error line of its own, nothing from Kestrel.

    [Theory]
    [InlineData("started")]
    [InlineData("written")]
    [InlineData("header")]
    public async Task AcceptFailingAfterTheResponseWasTouched_OneVelithonErrorLine_NothingFromKestrel_AndTheClientGetsAStatus(string how)
    {
        await using var server = await TestServer.StartAsync();
        var (status, bodyFailure) = await HandshakeToTheEndAsync(new Uri(server.HttpBase, $"/core/accept-fails/{how}"));

        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, status);
        await server.Logs.WaitForAsync(entry => entry.Level >= LogLevel.Error && entry.Category.StartsWith("Velithon", StringComparison.Ordinal));
        var errors = server.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error).ToList();
        Assert.DoesNotContain(errors, entry => entry.Category.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal));
        var error = Assert.Single(errors);
        Assert.Equal("Velithon.WebSockets", error.Category);
        Assert.Null(bodyFailure);
    }

    // 5. Teardown under concurrency.

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HandlerReturningWithAJsonSendInFlight_EachClientGetsTheWholeJsonThen1000_OrJustTheClose_NothingUnobserved(bool accept)
    {
        // Earlier tests' unreachable tasks are finalized now, before this test listens.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            var failures = new ConcurrentQueue<string>();
            string expected = JsonSerializer.Serialize(ConnectionCoreHandlers.LargeMessage, TestJsonContext.Default.ChatMessage);
            await using (var server = await TestServer.StartAsync())
            {
                var url = server.Url($"/core/send-and-return?accept={accept}");
                for (int batch = 0; batch < 10; batch++)
                {
                    await Task.WhenAll(Enumerable.Range(batch * 10, 10).Select(n => ReceiveJsonOrCloseAsync(url, n, expected, failures)));
                }
            }

            Assert.True(failures.IsEmpty, $"{failures.Count} of 100 connections went wrong:\n" + string.Join("\n", failures.Take(10)));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.True(unobserved.IsEmpty, "Unobserved task exceptions:\n" + string.Join("\n", unobserved.Take(5)));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
    }

    [Fact]
    public async Task BroadcastWhoseSendMeetsAnUnexpectedException_DoesNotWedgeTheConnectionsQueue()
    {
        const int MarkerLength = 4321;
        await using var server = await StartAsync(options => options.KeepAliveInterval = TimeSpan.Zero);
        using var member = await Client.ConnectAsync(server.Url("/rooms/wedge"));
        Assert.Equal("joined", await member.ReceiveTextAsync());

        // Public API: a listener of the Velithon meter whose callback throws, once, for the marker broadcast's bytes.
        using var thrower = new ThrowingMeterListener(server, "velithon.bytes.sent", MarkerLength);
        var texts = Task.Run(async () =>
        {
            var received = new List<string>();
            while (received.Count < 5)
            {
                var (type, data) = await member.ReceiveMessageAsync();
                Assert.NotEqual(WebSocketMessageType.Close, type);
                if (type == WebSocketMessageType.Text)
                {
                    received.Add(Encoding.UTF8.GetString(data));
                }
            }

            return received;
        });

        // A burst first, so the marker is likely queued behind it and meets the exception in the drain.
        var group = server.Hub.Group("wedge");
        for (int i = 0; i < 16; i++)
        {
            await group.SendBytesAsync(new byte[64 * 1024]);
        }

        try
        {
            await group.SendBytesAsync(new byte[MarkerLength]);
        }
        catch (InvalidOperationException exception) when (exception.Message == ThrowingMeterListener.Message)
        {
            // Sent inline, the broadcaster may see the listener's exception; the queue must not care.
        }

        await thrower.Thrown.WaitAsync(Client.Timeout);
        for (int i = 0; i < 5; i++)
        {
            await group.SendTextAsync($"after-{i}");
        }

        Assert.Equal(["after-0", "after-1", "after-2", "after-3", "after-4"], await texts.WaitAsync(Client.Timeout));
    }

    [Fact]
    public async Task IdleSweep_ALoggerThatThrowsInsideItsTimerCallback_DoesNotEscape_AndTheSweepGoesOn()
    {
        var clock = new FakeTimeProvider();
        var throwing = new ThrowingLoggerProvider();
        var idleTimeout = TimeSpan.FromMinutes(10);
        await using var server = await StartAsync(options =>
        {
            options.IdleTimeout = idleTimeout;
            options.KeepAliveInterval = TimeSpan.Zero;
        }, clock, builder =>
        {
            builder.Logging.AddFilter("Velithon", LogLevel.Debug);
            builder.Logging.AddProvider(throwing);
        });
        string first = NewId();
        string second = NewId();
        using var firstClient = await Client.ConnectAsync(server.Url($"/core/wait?id={first}"));
        using var secondClient = await Client.ConnectAsync(server.Url($"/core/wait?id={second}"));
        Assert.Equal("ready", await firstClient.ReceiveTextAsync());
        Assert.Equal("ready", await secondClient.ReceiveTextAsync());

        var closes = Task.WhenAll(firstClient.ReceiveCloseAsync(), secondClient.ReceiveCloseAsync());
        var escaped = new List<Exception>();
        for (int step = 0; step < MaxSteps && !closes.IsCompleted; step++)
        {
            // Armed only while the fake clock runs the timer callbacks, here on this thread: on a timer thread an
            // exception that escapes ends the process.
            ThrowingLoggerProvider.Armed.Value = true;
            try
            {
                clock.Advance(idleTimeout / 4);
            }
            catch (Exception exception)
            {
                escaped.Add(exception);
            }
            finally
            {
                ThrowingLoggerProvider.Armed.Value = false;
            }

            await Task.WhenAny(closes, Task.Delay(250));
        }

        Assert.Empty(escaped);
        Assert.True(closes.IsCompleted, $"The idle timeout closed nothing after {MaxSteps} steps of {idleTimeout / 4} on the fake clock.");
        Assert.All(await closes, close => Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "Idle timeout"), close));
        Assert.True(throwing.Threw, "Nothing was logged inside the idle timer's callback, so no failure there was exercised.");
    }

    [Fact]
    public async Task ReceiveRefusedAsConcurrent_DoesNotFreeTheMessageTheFirstReceiveHolds()
    {
        await using var server = await StartAsync(options => options.KeepAliveInterval = TimeSpan.Zero);
        string id = NewId();
        await using var peer = await RawWebSocket.ConnectAsync(server.Http1Base, $"/core/refused-receive?id={id}");
        Assert.Equal("ready", Encoding.UTF8.GetString((await peer.ReadFrameAsync())!.Payload));

        // Over the 256-byte read buffer: the message lies in an array rented from the pool.
        var sent = Pattern(ConnectionCoreHandlers.PooledMessageSize);
        await peer.SendFrameAsync(Frame.Binary, sent);

        var report = await CoreReports.WaitAsync<RefusedReceiveReport>(id);
        Assert.True(report.Refused, "The second receive was not refused as concurrent.");
        Assert.Equal(sent, report.Held);
        await peer.SendCloseAsync(1000);
    }

    [Fact]
    public async Task HandshakeAcceptedAfterShutdownBegan_IsClosedWith1001()
    {
        string id = NewId();
        string witnessId = NewId();
        await using var server = await StartAsync(_ => { });
        using var witness = await Client.ConnectAsync(server.Url($"/core/wait?id={witnessId}"));
        Assert.Equal("ready", await witness.ReceiveTextAsync());
        var connecting = Client.ConnectAsync(server.Url($"/core/late-accept?id={id}"));
        await CoreReports.WaitForSignalAsync(id + ":waiting");

        // The witness, open before shutdown, is closed with 1001 by the host's stopping callback: shutdown has begun.
        var stopping = server.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await witness.ReceiveCloseAsync()).Status);
        CoreReports.Signal(id + ":gate");

        using var client = await connecting;
        Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."), await client.ReceiveCloseAsync());
        Assert.Equal((int?)1001, (await CoreReports.WaitAsync<CoreOutcome>(id)).Code);
        await stopping.WaitAsync(Client.Timeout);
    }

    private static async Task<Frame> ReadUntilCloseAsync(RawWebSocket peer)
    {
        while (true)
        {
            var frame = await peer.ReadFrameAsync() ?? throw new InvalidOperationException("The server dropped the connection without a close frame.");
            if (frame.Opcode == Frame.Close)
            {
                return frame;
            }
        }
    }

    /// <summary>Waits until the handler's sent-counter stops changing across consecutive checks: a send is blocked on the peer.</summary>
    private static async Task WaitUntilStuckAsync(System.Runtime.CompilerServices.StrongBox<long> sent)
    {
        long last = -1;
        int unchanged = 0;
        for (int check = 0; check < 1500 && unchanged < 2; check++)
        {
            await Task.Delay(20);
            long now = Interlocked.Read(ref sent.Value);
            unchanged = now > 0 && now == last ? unchanged + 1 : 0;
            last = now;
        }

        Assert.True(unchanged >= 2, "The handler's sends never blocked on the peer that does not read.");
    }

    private static Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider clock, TestServer server, string deadline, TimeSpan step, Task done, Func<Task>? between = null) =>
        Deadlines.AdvanceUntilAsync(clock, server, deadline, step, done, between, MaxSteps);

    private static void AssertWithin(TimeSpan advanced, TimeSpan bound, string what) =>
        Assert.True(advanced <= bound, $"The connection ended {advanced} of fake time after it got stuck; {what} allows {bound}.");

    /// <summary>Sends a handshake as plain HTTP and reads the answer to its end; returns the status and the body's failure (null when it ended cleanly).</summary>
    private static async Task<(HttpStatusCode Status, string? BodyFailure)> HandshakeToTheEndAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = Client.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
        {
            return (response.StatusCode, null);
        }

        try
        {
            await response.Content.ReadAsStringAsync();
            return (response.StatusCode, null);
        }
        catch (HttpRequestException exception)
        {
            return (response.StatusCode, exception.Message);
        }
    }

    private static async Task ReceiveJsonOrCloseAsync(Uri url, int n, string expected, ConcurrentQueue<string> failures)
    {
        try
        {
            using var client = await Client.ConnectAsync(url);
            var (type, data) = await client.ReceiveMessageAsync();
            if (type == WebSocketMessageType.Text)
            {
                if (Encoding.UTF8.GetString(data) != expected)
                {
                    failures.Enqueue($"{n}: a text message of {data.Length} bytes that is not the JSON sent ({Encoding.UTF8.GetByteCount(expected)} bytes)");
                    return;
                }

                (type, _) = await client.ReceiveMessageAsync();
            }

            if (type != WebSocketMessageType.Close)
            {
                failures.Enqueue($"{n}: a {type} message where the close was expected");
                return;
            }

            if (client.CloseStatus != WebSocketCloseStatus.NormalClosure)
            {
                failures.Enqueue($"{n}: closed with {(int?)client.CloseStatus} ({client.CloseStatusDescription})");
            }

            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Client.Timeout);
        }
        catch (Exception exception)
        {
            failures.Enqueue($"{n}: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
