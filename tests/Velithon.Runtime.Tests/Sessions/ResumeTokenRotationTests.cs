using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Hosting;
using Velithon.Sessions;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// A resume token resumes once (docs/resumable-sessions.md, "The token"): each resume gives the client the next token
/// right after its 'R', and a token already used is refused with 4410 whatever the session is doing, which it goes on
/// doing. The token used to stay good for the session's whole life: whoever saw one (a log, a proxy, a shared device)
/// could take the session over at any later drop on an anonymous route.
/// </summary>
public sealed class ResumeTokenRotationTests
{
    private const string Chat = "/session/chat/rotate";

    private static Task<TestServer> StartAsync(IDataProtectionProvider? keys = null) =>
        TestServer.StartAsync(
            configure: options => options.KeepAliveInterval = TimeSpan.Zero,
            configureBuilder: builder =>
            {
                if (keys is not null)
                {
                    builder.Services.AddSingleton(keys);
                }
            });

    private static SessionRegistry Sessions(TestServer server) => server.Services.GetRequiredService<VelithonRuntime>().Sessions;

    private static async Task<(ResumeClient Client, string ConnectionId)> OpenAsync(Uri url)
    {
        var client = await ResumeClient.ConnectAsync(url);
        string hello = await client.ReceiveAsync();
        return (client, hello.Split(' ')[1]);
    }

    private static async Task DropAsync(TestServer server, CuttableProxy proxy, ResumeClient client)
    {
        proxy.Cut();
        await client.Reading.WaitAsync(Client.Timeout);
        await Client.EventuallyAsync(() => Sessions(server).Detached == 1);
    }

    [Fact]
    public async Task UsedToken_WhileTheSessionIsAttached_IsRefusedWith4410_AndTheSessionGoesOn()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var url = new Uri(proxy.Base, Chat);
        var (client, id) = await OpenAsync(url);
        await using var _ = client;
        await client.SendAsync("m1");
        Assert.Equal("r:m1", await client.ReceiveAsync());

        await DropAsync(server, proxy, client);
        string used = client.Token!;
        long usedCount = client.Received;
        await client.ResumeAsync(url);
        Assert.NotEqual(used, client.Token);

        // Whoever saw the resume's offer replays it as it was, or with a count of 0, which asked for messages the
        // session had let go and so ended it (4413).
        foreach (long received in new[] { usedCount, 0L })
        {
            var (socket, first, status) = await OfferAsync(server.Url(Chat), used, received);
            socket.Dispose();
            Assert.Equal(((string?)null, (WebSocketCloseStatus?)WebSocketCloseCode.SessionGone), (first, status));
        }

        // The client's connection is still the session's: nothing detached, nothing replaced, nothing ended.
        Assert.False(client.Reading.IsCompleted);
        await client.SendAsync("m2");
        Assert.Equal("r:m2", await client.ReceiveAsync());
        Assert.Equal(["in:m1", "in:m2"], await server.Recorder.WaitForAsync(id, "in:m2"));
        Assert.Equal(0, Sessions(server).Detached);
        Assert.Equal(1, metrics.Total("velithon.sessions.resumes"));
        Assert.Equal(2, metrics.Total("velithon.sessions.refusals", "velithon.session.refusal_code=4410"));
        await client.CloseAsync();
        Assert.Equal(["in:m1", "in:m2", "ended:1000", "scope-disposed"], await server.Recorder.WaitForAsync(id, "scope-disposed"));
    }

    [Fact]
    public async Task UsedTokens_WhileTheSessionWaits_AreRefused_AndEachRotatedTokenResumesTheNextDrop()
    {
        await using var server = await StartAsync();
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var url = new Uri(proxy.Base, Chat);
        var (client, id) = await OpenAsync(url);
        await using var _ = client;
        List<string> tokens = [client.Token!];

        for (int drop = 1; drop <= 3; drop++)
        {
            await DropAsync(server, proxy, client);
            await client.SendAsync("m" + drop);

            // Every token of an earlier resume, offered while the session waits for its client: refused, and the
            // session still waits.
            foreach (string used in tokens.SkipLast(1))
            {
                var (socket, first, status) = await OfferAsync(server.Url(Chat), used, client.Received);
                socket.Dispose();
                Assert.Equal(((string?)null, (WebSocketCloseStatus?)WebSocketCloseCode.SessionGone), (first, status));
            }

            Assert.Equal(1, Sessions(server).Detached);
            await client.ResumeAsync(url);
            Assert.DoesNotContain(client.Token, tokens);
            tokens.Add(client.Token!);
            Assert.Equal("r:m" + drop, await client.ReceiveAsync());
        }

        Assert.Equal(["in:m1", "in:m2", "in:m3"], await server.Recorder.WaitForAsync(id, "in:m3"));
        Assert.Equal(3, metrics.Total("velithon.sessions.resumes"));
        Assert.Equal(0 + 1 + 2, metrics.Total("velithon.sessions.refusals", "velithon.session.refusal_code=4410"));
        await client.CloseAsync();
        await server.Recorder.WaitForAsync(id, "ended:1000");
    }

    [Fact]
    public async Task TwoResumesWithOneToken_OneWins_TheOtherIsRefusedWith4410()
    {
        // Both offers pass the token's checks, then meet at the session: each resume protects its next token just before
        // it takes the session's lock, and the gate holds the first there until the second arrives.
        var keys = new GatedDataProtection();
        await using var server = await StartAsync(keys);
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        using var metrics = new MetricRecorder(server);
        var (client, id) = await OpenAsync(new Uri(proxy.Base, Chat));
        await using var _ = client;
        await DropAsync(server, proxy, client);

        keys.HoldTogether(2);
        var offers = await Task.WhenAll(
            OfferAsync(server.Url(Chat), client.Token!, client.Received),
            OfferAsync(server.Url(Chat), client.Token!, client.Received));
        try
        {
            var winner = Assert.Single(offers, offer => offer.First is not null);
            var loser = Assert.Single(offers, offer => offer.First is null);
            Assert.StartsWith("R", winner.First, StringComparison.Ordinal);
            Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.SessionGone, loser.Status);
            string next = await winner.Socket.ReceiveTextAsync();
            Assert.StartsWith("T", next, StringComparison.Ordinal);
            Assert.NotEqual(client.Token, next[1..]);

            // The session goes on over the winner's connection (past whatever it replays and acknowledges).
            await winner.Socket.SendTextAsync("Dwon");
            string message;
            do
            {
                message = await winner.Socket.ReceiveTextAsync();
            }
            while (message != "Dr:won");

            Assert.Equal(["in:won"], await server.Recorder.WaitForAsync(id, "in:won"));
            Assert.Equal(0, Sessions(server).Detached);
            Assert.Equal(1, metrics.Total("velithon.sessions.resumes"));
            Assert.Equal(1, metrics.Total("velithon.sessions.refusals", "velithon.session.refusal_code=4410"));
        }
        finally
        {
            foreach (var offer in offers)
            {
                offer.Socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Offers to resume with <paramref name="token"/> on a connection of its own: the server's first message ('R' when it
    /// resumed), or the code it refused with (the close answered), or neither when the connection was cut.
    /// </summary>
    private static async Task<(ClientWebSocket Socket, string? First, WebSocketCloseStatus? Status)> OfferAsync(Uri url, string token, long received)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("velithon.resume.v1");
        socket.Options.AddSubProtocol($"velithon.resume.v1.{received}.{token}");
        try
        {
            using var timeout = new CancellationTokenSource(Client.Timeout);
            await socket.ConnectAsync(url, timeout.Token);
            var (type, data) = await socket.ReceiveMessageAsync();
            if (type != WebSocketMessageType.Close)
            {
                return (socket, Encoding.UTF8.GetString(data), null);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            return (socket, null, socket.CloseStatus);
        }
        catch (WebSocketException)
        {
            // Cut: a resume that won at first and was then replaced by another.
            return (socket, null, null);
        }
    }
}
