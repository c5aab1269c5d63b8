using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Connections;
using Velithon.Hosting;
using Velithon.Protocol;
using Velithon.Sessions;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// The edges of a resumable session's life (docs/resumable-sessions.md): what its replaced transport may still
/// report, a resume against its ending, a send against its close, a canceled send, and its window against a resume.
/// Where two threads race, the test makes the losing order happen every time: through a transport it controls, at the
/// point the runtime counts a metric, or by calling the session where the racing caller reaches it.
/// </summary>
public sealed class ResumableSessionRaceTests
{
    private const string Chat = "/session/chat/race";

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

    private static ServerWebSocket Latest(TestServer server) => (ServerWebSocket)server.Services.GetRequiredService<SessionTracker>().Latest();

    private static async Task<(ResumeClient Client, string ConnectionId)> OpenAsync(Uri url)
    {
        var client = await ResumeClient.ConnectAsync(url);
        string hello = await client.ReceiveAsync();
        return (client, hello.Split(' ')[1]);
    }

    [Theory]
    [InlineData("close")]
    [InlineData("violation")]
    public async Task ReplacedTransport_ReportsACloseOrAViolationAfterTheResume_TheSessionGoesOn(string late)
    {
        // The handler's receive was waiting on the old transport when the resume replaced it; what arrives there after
        // that used to end the resumed session: a close with the new transport's status (1005), a violation with its
        // code, none (0).
        await using var server = await StartAsync();
        var (client, id) = await OpenAsync(server.Url(Chat));
        await using var _ = client;
        await client.SendAsync("m1");
        Assert.Equal("r:m1", await client.ReceiveAsync());

        // A half-open transport takes over the session (as a resume would), and the handler's receive waits on it.
        var connection = Latest(server);
        var halfOpen = new HalfOpenStream();
        var old = new FrameWebSocket(halfOpen, isServer: true, "velithon.resume.v1", deflate: null, abortTransport: null, new ConnectionClock(TimeProvider.System));
        int code = connection.Session!.Resume(old, new DefaultHttpContext(), client.Received, generation: 0, out var attached, out string reason);
        Assert.True(code == 0, reason);
        Assert.NotNull(attached);
        await client.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        await halfOpen.Reading.WaitAsync(TimeSpan.FromSeconds(30));

        // The client resumes for real, with the token that resume issued; only then do the old connection's last bytes
        // arrive (masked with a zero key).
        await client.ResumeAsync(server.Url(Chat), connection.Session.Token);
        halfOpen.Deliver(late == "close" ? [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8] : [0x83, 0x80, 0, 0, 0, 0]);

        await client.SendAsync("m2");
        Assert.Equal("r:m2", await client.ReceiveAsync());
        Assert.Equal(["in:m1", "in:m2"], await server.Recorder.WaitForAsync(id, "in:m2"));
        await client.CloseAsync();
        Assert.Equal(["in:m1", "in:m2", "ended:1000", "scope-disposed"], await server.Recorder.WaitForAsync(id, "scope-disposed"));
    }

    [Fact]
    public async Task ResumeDuringTheCloseHandshake_IsRefusedWith4410()
    {
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;

        // The server closes; its close frame vanishes on the way, so the handshake waits for the client's answer.
        proxy.Freeze();
        var connection = Latest(server);
        var closing = connection.CloseAsync(4000, "bye");
        client.Abort();
        await client.Reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionGone, await client.ResumeRefusedAsync(new Uri(proxy.Base, Chat)));

        // The close timeout ends the handshake; the session ends once, with the server's code, and never detached.
        clock.Advance(TimeSpan.FromSeconds(5));
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
        await server.Recorder.WaitForAsync(id, "ended:4000");
        await Client.EventuallyAsync(() => Sessions(server).Count == 0);
        Assert.Equal(0, Sessions(server).Detached);
    }

    [Fact]
    public async Task SendThatLostTheRaceToAGracefulClose_IsRefused_AndTheCloseStaysGraceful()
    {
        // A broadcast checks that the connection is open, then reaches the session; when the close began in between,
        // its send failed on the transport (a close frame had gone out) and the session took that for a drop: it
        // detached and aborted the transport under the close handshake.
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        using var metrics = new MetricRecorder(server);
        int detaches = 0;
        metrics.Measured = (name, value) =>
        {
            if (name == "velithon.sessions.detached" && value > 0)
            {
                Interlocked.Increment(ref detaches);
            }
        };

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("velithon.resume.v1");
        await socket.ConnectAsync(server.Url(Chat), CancellationToken.None);
        Assert.StartsWith("T", await socket.ReceiveTextAsync(), StringComparison.Ordinal);
        string hello = await socket.ReceiveTextAsync();
        string id = hello.Split(' ')[1];

        var connection = Latest(server);
        var closing = connection.CloseAsync(4000, "bye");
        var late = connection.Session!.SendAsync("Dlate"u8.ToArray(), WebSocketMessageType.Text, CancellationToken.None);
        await Assert.ThrowsAsync<WebSocketDisconnectException>(() => late.AsTask());

        // The client reads the close frame and answers it: the handshake completes.
        var result = await socket.ReceiveAsync(new byte[1024], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)4000, socket.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(4000, connection.CloseCode);

        // The handler's receive reports the client's answer (1000), as on any connection the server closed.
        Assert.Equal(["ended:1000", "scope-disposed"], await server.Recorder.WaitForAsync(id, "scope-disposed"));
        Assert.Equal(0, Volatile.Read(ref detaches));
    }

    [Fact]
    public async Task SendCanceledBeforeItWentOut_IsNeitherSentNorReplayed_AndTheTransportStays()
    {
        // The canceled send was numbered and kept, and its cancellation taken for a transport failure: the session
        // detached, and the message the caller was told was canceled reached the client on the resume.
        await using var server = await StartAsync();
        using var metrics = new MetricRecorder(server);
        var url = server.Url("/session/cancel");
        var (client, id) = await OpenAsync(url);
        await using var _ = client;

        await client.SendAsync("x");
        await server.Recorder.WaitForAsync(id, "canceled");
        if (client.Reading.IsCompleted)
        {
            await client.ResumeAsync(url);
        }

        Assert.Equal("after:x", await client.ReceiveAsync());
        await client.SendAsync("y");
        Assert.Equal("after:y", await client.ReceiveAsync());
        Assert.Equal(0, metrics.Total("velithon.sessions.resumes"));
        Assert.Equal(0, Sessions(server).Detached);
        await client.CloseAsync();
        Assert.Equal(["canceled", "canceled", "ended:1000"], await server.Recorder.WaitForAsync(id, "ended:1000"));
    }

    [Fact]
    public async Task ResumeArrivingAsTheWindowExpires_IsRefused_AndTheSessionEndsOnce()
    {
        // The expiry checked that the session was detached, then ended it; a resume attached in between, got its 'R'
        // and replays, and was then cut by the expiry. The resume here arrives at that exact point: as the expiry is
        // counted, before the session ends.
        var clock = new FakeTimeProvider();
        await using var server = await StartAsync(clock);
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        proxy.Cut();
        await client.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);

        (bool Resumed, WebSocketCloseStatus? Status)? during = null;
        metrics.Measured = (name, _) =>
        {
            if (name == "velithon.sessions.expiries")
            {
                during = TryResumeAsync(new Uri(proxy.Base, Chat), client.Token!, client.Received).GetAwaiter().GetResult();
            }
        };
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal((false, (WebSocketCloseStatus?)WebSocketCloseCode.SessionGone), during);
        Assert.Equal(["ended:1006", "scope-disposed"], await server.Recorder.WaitForAsync(id, "scope-disposed"));
        await Client.EventuallyAsync(() => Sessions(server).Count == 0);
        Assert.Equal(0, Sessions(server).Detached);
        Assert.Equal(1, metrics.Total("velithon.sessions.expiries"));
        Assert.Equal(0, metrics.Total("velithon.sessions.resumes"));
        Assert.Equal(0, metrics.Total("velithon.sessions.detached"));
    }

    [Fact]
    public async Task WindowTimerOfAnEarlierDrop_FiringLate_DoesNotEndTheSession()
    {
        // A timer's callback may run after the timer was disposed (it had started). The window's callback of the first
        // drop, running after a resume and a second drop, found the session detached and ended it long before the
        // second window passed.
        var timers = new ManualTimers();
        await using var server = await StartAsync(timers);
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var url = new Uri(proxy.Base, Chat);
        var (client, id) = await OpenAsync(url);
        await using var _ = client;

        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);
        var first = Assert.Single(timers.With(TimeSpan.FromSeconds(30)));
        await client.ResumeAsync(url);
        Assert.True(first.Disposed);
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);
        Assert.Equal(2, timers.With(TimeSpan.FromSeconds(30)).Length);

        first.Fire();
        Assert.DoesNotContain(server.Recorder.Snapshot(id), item => item.StartsWith("ended:", StringComparison.Ordinal));
        await client.ResumeAsync(url);
        await client.SendAsync("back");
        Assert.Equal("r:back", await client.ReceiveAsync());

        // The current window's own timer still ends a session left detached.
        proxy.Cut();
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);
        timers.With(TimeSpan.FromSeconds(30))[^1].Fire();
        await server.Recorder.WaitForAsync(id, "ended:1006");
    }

    /// <summary>Offers to resume on a fresh connection and reports whether the server answered 'R', or how it closed.</summary>
    private static async Task<(bool Resumed, WebSocketCloseStatus? Status)> TryResumeAsync(Uri url, string token, long received)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("velithon.resume.v1");
        socket.Options.AddSubProtocol($"velithon.resume.v1.{received}.{token}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(url, timeout.Token);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return (false, socket.CloseStatus);
        }

        bool resumed = buffer[0] == (byte)'R';
        socket.Abort();
        return (resumed, null);
    }
}
