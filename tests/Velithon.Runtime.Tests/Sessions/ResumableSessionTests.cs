using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Hosting;
using Velithon.Sessions;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// Resumable sessions (docs/resumable-sessions.md) on Kestrel, through a loopback proxy the tests cut for real:
/// exactly-once, in-order delivery both ways across a cut with messages in flight, and each refusal.
/// </summary>
public sealed class ResumableSessionTests
{
    private const string Chat = "/session/chat/lobby";

    private static Task<TestServer> StartAsync(TimeProvider? clock = null) =>
        TestServer.StartAsync(
            configure: options => options.KeepAliveInterval = TimeSpan.Zero,
            configureBuilder: builder =>
            {
                if (clock is not null)
                {
                    builder.Services.AddSingleton(clock);
                }
            });

    private static SessionRegistry Sessions(TestServer server) => server.Services.GetRequiredService<VelithonRuntime>().Sessions;

    /// <summary>How many data messages the session of connection <paramref name="id"/> has numbered; -1 while the hub does not hold it.</summary>
    private static long SentCount(TestServer server, string id) =>
        server.Services.GetRequiredService<VelithonRuntime>().Hub.TryGetLocalConnection(id, out var socket) && socket.Session is { } session
            ? session.SentCount
            : -1;

    private static async Task<(ResumeClient Client, string ConnectionId)> OpenAsync(Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = await ResumeClient.ConnectAsync(url, configure);
        Assert.Equal("velithon.resume.v1", client.SelectedSubProtocol);
        Assert.NotNull(client.Token);
        string hello = await client.ReceiveAsync();
        Assert.StartsWith("hello ", hello, StringComparison.Ordinal);
        return (client, hello.Split(' ')[1]);
    }

    [Fact]
    public async Task CutWithMessagesInFlight_Resume_DeliversEveryMessageOnceInOrder_BothWays_ToTheSameHandler()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        for (int i = 1; i <= 5; i++)
        {
            await client.SendAsync("m" + i);
            Assert.Equal("r:m" + i, await client.ReceiveAsync());
        }

        // In flight: both sides send, the network swallows it, then the TCP connections are reset.
        proxy.Freeze();
        await client.SendAsync("m6");
        await client.SendAsync("m7");
        await server.Hub.Group("session-room-lobby").SendTextAsync("g1");
        await server.Hub.Group("session-room-lobby").SendTextAsync("g2");
        await client.SendAsync("m8");

        // A group's fan-out reaches each member through its own queue: the two are numbered (the hello, 5 replies, then g1
        // and g2) before the drop, so both go out on the frozen transport and must be replayed.
        await Client.EventuallyAsync(() => SentCount(server, id) == 8);
        proxy.Cut();
        await client.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        // During the gap: the group's broadcast waits in the session, the client's message in the client.
        await server.Hub.Group("session-room-lobby").SendTextAsync("g3");
        await client.SendAsync("m9");
        Assert.Equal(1, server.Hub.GetMemberCount("session-room-lobby"));
        await Client.EventuallyAsync(() => SentCount(server, id) == 9);

        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        Assert.Equal("velithon.resume.v1", client.SelectedSubProtocol);
        string[] expected = ["g1", "g2", "g3", "r:m6", "r:m7", "r:m8", "r:m9"];
        foreach (string message in expected)
        {
            Assert.Equal(message, await client.ReceiveAsync());
        }

        var events = await server.Recorder.WaitForAsync(id, "in:m9");
        Assert.Equal(Enumerable.Range(1, 9).Select(i => "in:m" + i), events);
        Assert.False(client.TryReceive(out var extra), $"Nothing more was expected, got '{extra}'.");
        Assert.Equal(0, Sessions(server).Detached);
        Assert.Equal(1, metrics.Total("velithon.sessions.resumes"));
        Assert.Equal(3, metrics.Total("velithon.sessions.replays"));

        // The same handler, scope and membership go on, and a normal close ends them once.
        await server.Hub.Group("session-room-lobby").SendTextAsync("g4");
        Assert.Equal("g4", await client.ReceiveAsync());
        await client.CloseAsync();
        var ended = await server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["ended:1000", "scope-disposed"], ended.Skip(9));
        await Client.EventuallyAsync(() => Sessions(server).Count == 0 && server.Hub.ConnectionCount == 0);
    }

    [Fact]
    public async Task ResumeBeforeTheServerNoticedTheDrop_ReplacesTheHalfOpenConnection()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        await client.SendAsync("m1");
        Assert.Equal("r:m1", await client.ReceiveAsync());

        // The network goes silent and the client gives up on its connection; the server's still looks open.
        proxy.Freeze();
        await client.SendAsync("m2");
        client.Abort();
        await client.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Sessions(server).Detached);

        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        await client.SendAsync("m3");
        Assert.Equal("r:m2", await client.ReceiveAsync());
        Assert.Equal("r:m3", await client.ReceiveAsync());
        var events = await server.Recorder.WaitForAsync(id, "in:m3");
        Assert.Equal(["in:m1", "in:m2", "in:m3"], events);
        await client.CloseAsync();
        await server.Recorder.WaitForAsync(id, "ended:1000");
    }

    [Fact]
    public async Task ClientWithoutTheSubprotocol_IsServedAsOnAnyRoute()
    {
        await using var server = await StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.Url(Chat), CancellationToken.None);
        Assert.Null(socket.SubProtocol);
        Assert.StartsWith("hello ", await socket.ReceiveTextAsync(), StringComparison.Ordinal);
        await socket.SendTextAsync("plain");
        Assert.Equal("r:plain", await socket.ReceiveTextAsync());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(0, Sessions(server).Count);
    }

    [Fact]
    public async Task WindowPasses_SessionEnds_ResumeIsRefusedWith4410()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.DoesNotContain("ended:1006", server.Recorder.Snapshot(id));
        clock.Advance(TimeSpan.FromSeconds(1));
        await server.Recorder.WaitForAsync(id, "ended:1006");
        await Client.EventuallyAsync(() => Sessions(server).Count == 0 && Sessions(server).Detached == 0);
        Assert.Equal(1, metrics.Total("velithon.sessions.expiries"));

        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionGone, await client.ResumeRefusedAsync(new Uri(proxy.Base, Chat)));
        Assert.Equal(1, metrics.Total("velithon.sessions.refusals", "velithon.session.refusal_code=4410"));
    }

    [Fact]
    public async Task SessionThatEnded_ResumeIsRefusedWith4410()
    {
        await using var server = await StartAsync();
        var (client, id) = await OpenAsync(server.Url(Chat));
        await using var _ = client;
        await client.CloseAsync();
        await server.Recorder.WaitForAsync(id, "ended:1000");
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionGone, await client.ResumeRefusedAsync(server.Url(Chat)));
    }

    [Fact]
    public async Task BufferOverflowsDuringTheGap_SessionEnds_ResumeIsRefusedWith4413()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, "/session/small"));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        // MaxBufferedMessages = 4; the hello may still be unacknowledged, so at most five sends overflow it.
        for (int i = 1; i <= 5 && server.Hub.GetMemberCount("session-room-small") == 1; i++)
        {
            await server.Hub.Group("session-room-small").SendTextAsync("g" + i);
        }

        await server.Recorder.WaitForAsync(id, "ended:1006");
        await Client.EventuallyAsync(() => Sessions(server).Detached == 0);
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionBufferOverflow, await client.ResumeRefusedAsync(new Uri(proxy.Base, "/session/small")));
    }

    [Fact]
    public async Task TamperedToken_IsRefusedWith4400_AndTheSessionStillResumes()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        string token = client.Token!;
        char last = token[^1] == 'A' ? 'B' : 'A';
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionTokenInvalid,
            await client.ResumeRefusedAsync(new Uri(proxy.Base, Chat), token[..^1] + last));
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionTokenInvalid,
            await client.ResumeRefusedAsync(new Uri(proxy.Base, Chat), token, received: 1000));

        await client.ResumeAsync(new Uri(proxy.Base, Chat), token);
        await client.SendAsync("after");
        Assert.Equal("r:after", await client.ReceiveAsync());
        await client.CloseAsync();
    }

    [Fact]
    public async Task TokenOnAnotherRouteOrRouteValues_IsRefusedWith4403()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var (client, _) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var __ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionForbidden, await client.ResumeRefusedAsync(new Uri(proxy.Base, "/session/chat/kitchen")));
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionForbidden, await client.ResumeRefusedAsync(new Uri(proxy.Base, "/session/other")));
        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        await client.CloseAsync();
    }

    [Fact]
    public async Task TokenOfAnotherUser_IsRefusedWith4403()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var client = await ResumeClient.ConnectAsync(new Uri(proxy.Base, Chat), options => options.SetRequestHeader("Authorization", "Test alice"));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        string token = client.Token!;
        var bob = await ResumeClient.ConnectAsync(new Uri(proxy.Base, Chat), options => options.SetRequestHeader("Authorization", "Test bob"));
        await using var ___ = bob;
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionForbidden, await bob.ResumeRefusedAsync(new Uri(proxy.Base, Chat), token, received: 0));

        var anonymous = await ResumeClient.ConnectAsync(new Uri(proxy.Base, Chat));
        await using var ____ = anonymous;
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionForbidden, await anonymous.ResumeRefusedAsync(new Uri(proxy.Base, Chat), token, received: 0));

        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        await client.CloseAsync();
    }

    [Fact]
    public async Task TokenOfAnotherServer_IsRefusedWith4421()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        await using var proxy = new CuttableProxy(first.Http1Base.Port);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(first).Detached == 1);

        // The reconnect lands on the other server, which holds no session: refused, deterministically.
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionOnAnotherServer, await client.ResumeRefusedAsync(second.Url(Chat)));
        Assert.Equal(0, Sessions(second).Count);

        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        await client.SendAsync("back");
        Assert.Equal("r:back", await client.ReceiveAsync());
        await client.CloseAsync();
        await first.Recorder.WaitForAsync(id, "ended:1000");
    }

    [Fact]
    public async Task ResumeCountBeyondA64BitNumber_IsRefusedWith4400()
    {
        // Nineteen nines wrapped to a negative count, read as messages already released: the live session was ended
        // with 4413 instead of the offer being refused as malformed.
        await using var server = await TestServer.StartAsync(configure: options => options.KeepAliveInterval = TimeSpan.Zero);
        var url = server.Url("/session/chat/count");
        var client = await ResumeClient.ConnectAsync(url);
        await using var _ = client;
        await client.ReceiveAsync();
        using var raw = new System.Net.WebSockets.ClientWebSocket();
        raw.Options.AddSubProtocol("velithon.resume.v1");
        raw.Options.AddSubProtocol($"velithon.resume.v1.9999999999999999999.{client.Token}");
        await raw.ConnectAsync(url, CancellationToken.None);
        var result = await raw.ReceiveAsync(new byte[4096], CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4400, raw.CloseStatus);
    }

    [Fact]
    public async Task UserIdProviderThatThrowsOnAResume_RefusesItWith4403_AndLogsNoError()
    {
        // No handler runs for a resume: the provider's exception escaped the request as an unhandled exception (500 and
        // an error log) instead of refusing the resume.
        await using var server = await TestServer.StartAsync(configure: options =>
        {
            options.KeepAliveInterval = TimeSpan.Zero;
            options.UserIdProvider = ws => ws.Query.ContainsKey("broken") ? throw new InvalidOperationException("no user store") : null;
        });
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var client = await ResumeClient.ConnectAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionForbidden, await client.ResumeRefusedAsync(new Uri(proxy.Base, Chat + "?broken=1")));
        Assert.Empty(server.Logs.Messages(Microsoft.Extensions.Logging.LogLevel.Error));
        await client.ResumeAsync(new Uri(proxy.Base, Chat));
        await client.CloseAsync();
    }

    [Fact]
    public async Task SendOnlyHandler_ASendDuringTheGap_StillResumes()
    {
        // The feed never receives, so the client's acknowledgements are never read and its buffer is full of messages
        // the client has; the first send of a gap used to end the session (4413) though the client lacked only it.
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var url = new Uri(proxy.Base, "/session/feed");
        var client = await ResumeClient.ConnectAsync(url);
        await using var _ = client;
        Assert.Equal("hello", await client.ReceiveAsync());
        for (int i = 1; i <= 6; i++)
        {
            await server.Hub.Group("session-feed").SendTextAsync("g" + i);
            Assert.Equal("g" + i, await client.ReceiveAsync());
        }

        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);
        await server.Hub.Group("session-feed").SendTextAsync("g7");

        await client.ResumeAsync(url);
        Assert.Equal("g7", await client.ReceiveAsync());
        Assert.Equal(1, Sessions(server).Count);
    }
}
