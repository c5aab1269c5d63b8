using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Runtime.Tests;

/// <summary>The WebSocket API end to end: Kestrel on 127.0.0.1, ClientWebSocket as the peer.</summary>
public sealed class EndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task EchoText_AnswersEachMessageWithPrefix()
    {
        using var client = await Client.ConnectAsync(Server.Url("/echo"));
        await client.SendTextAsync("hello");
        Assert.Equal("Echo: hello", await client.ReceiveTextAsync());
        await client.SendTextAsync("héllo wörld ✓");
        Assert.Equal("Echo: héllo wörld ✓", await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    [Fact]
    public async Task EchoOverHttp2_ExtendedConnectReachesTheRoute()
    {
        using var client = await Client.ConnectHttp2Async(new Uri(Server.Http2Base, "/echo"));
        await client.SendTextAsync("over h2");
        Assert.Equal("Echo: over h2", await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        using var protocol = await Client.ConnectHttp2Async(new Uri(Server.Http2Base, "/protocol"));
        Assert.Equal("HTTP/2 CONNECT", await protocol.ReceiveTextAsync());
        using var http1 = await Client.ConnectAsync(Server.Url("/protocol"));
        Assert.Equal("HTTP/1.1 GET", await http1.ReceiveTextAsync());
    }

    [Fact]
    public async Task ConcurrentReceive_IsRefused_AndTheFirstReceiveStillGetsTheMessage()
    {
        using var client = await Client.ConnectAsync(Server.Url("/receive-twice"));
        Assert.Equal("second receive refused: A receive is already in progress on this connection; receive one message at a time.",
            await client.ReceiveTextAsync());
        await client.SendTextAsync("hello");
        Assert.Equal("first got: hello", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task EchoBytes_ReturnsTheSameBytes()
    {
        using var client = await Client.ConnectAsync(Server.Url("/echo"));
        var payload = new byte[40_000];
        new Random(42).NextBytes(payload);
        await client.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task AbruptDrop_SurfacesAs1006()
    {
        var id = Guid.NewGuid().ToString();
        var client = await Client.ConnectAsync(Server.Url($"/observe?id={id}"));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        client.Abort();
        client.Dispose();

        var ending = await Server.Probe.WaitAsync(id);
        Assert.Equal(WebSocketCloseCode.AbnormalClosure, ending.Code);
        Assert.True(ending.AbortedFired);
    }

    [Fact]
    public async Task FragmentedMessage_IsReassembled()
    {
        using var client = await Client.ConnectAsync(Server.Url("/echo"));
        var parts = new[] { "frag", "ment", "ed ✓" };
        for (int i = 0; i < parts.Length; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(parts[i]), WebSocketMessageType.Text, i == parts.Length - 1, CancellationToken.None);
        }

        Assert.Equal("Echo: fragmented ✓", await client.ReceiveTextAsync());

        // A large binary message in many fragments, past the initial receive buffer.
        var payload = new byte[50_000];
        new Random(7).NextBytes(payload);
        for (int offset = 0; offset < payload.Length; offset += 999)
        {
            int count = Math.Min(999, payload.Length - offset);
            await client.SendAsync(payload.AsMemory(offset, count), WebSocketMessageType.Binary, offset + count == payload.Length, CancellationToken.None);
        }

        var (_, data) = await client.ReceiveMessageAsync();
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task OversizedMessage_ClosesWith1009_AndOthersKeepWorking()
    {
        using var bystander = await Client.ConnectAsync(Server.Url("/echo"));
        using var client = await Client.ConnectAsync(Server.Url("/echo"));
        await client.SendAsync(new byte[TestServer.MaxMessageSize + 1], WebSocketMessageType.Binary, true, CancellationToken.None);
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
        Assert.Equal($"A message may be at most {TestServer.MaxMessageSize} bytes.", description);

        await bystander.SendTextAsync("still here");
        Assert.Equal("Echo: still here", await bystander.ReceiveTextAsync());

        // Exactly at the limit is fine.
        using var atLimit = await Client.ConnectAsync(Server.Url("/echo"));
        await atLimit.SendAsync(new byte[TestServer.MaxMessageSize], WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal(TestServer.MaxMessageSize, (await atLimit.ReceiveMessageAsync()).Data.Length);
    }

    [Fact]
    public async Task InvalidUtf8InText_ClosesWith1007_AndTheHandlerSeesIt()
    {
        using var bystander = await Client.ConnectAsync(Server.Url("/echo"));
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(Server.Url($"/observe?id={id}"));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        await client.SendAsync(new byte[] { 0x68, 0xC3, 0x28 }, WebSocketMessageType.Text, true, CancellationToken.None);
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, (await Server.Probe.WaitAsync(id)).Code);

        await bystander.SendTextAsync("unaffected");
        Assert.Equal("Echo: unaffected", await bystander.ReceiveTextAsync());
    }

    [Fact]
    public async Task InvalidUtf8SplitAcrossFragments_ClosesWith1007()
    {
        using var client = await Client.ConnectAsync(Server.Url("/echo"));

        // A valid two-byte sequence split across fragments is fine...
        await client.SendAsync(new byte[] { 0x61, 0xC3 }, WebSocketMessageType.Text, false, CancellationToken.None);
        await client.SendAsync(new byte[] { 0xA9 }, WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("Echo: aé", await client.ReceiveTextAsync());

        // ...an invalid continuation byte in the second fragment is not.
        await client.SendAsync(new byte[] { 0x61, 0xC3 }, WebSocketMessageType.Text, false, CancellationToken.None);
        await client.SendAsync(new byte[] { 0x28 }, WebSocketMessageType.Text, true, CancellationToken.None);
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
    }

    [Fact]
    public async Task InvalidUtf8OverHttp2_ClosesWith1007()
    {
        using var client = await Client.ConnectHttp2Async(new Uri(Server.Http2Base, "/echo"));
        await client.SendAsync(new byte[] { 0xFF }, WebSocketMessageType.Text, true, CancellationToken.None);
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
    }

    [Fact]
    public async Task BinaryMessageWhereTextIsExpected_ClosesWith1003()
    {
        using var client = await Client.ConnectAsync(Server.Url("/text-only"));
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
        Assert.Equal("Expected a text message, received a binary one.", description);
    }

    [Fact]
    public async Task ConcurrentSends_AreAllDeliveredIntact()
    {
        const int tasks = 8;
        const int count = 250;
        using var client = await Client.ConnectAsync(Server.Url($"/burst/{tasks}/{count}"));
        var next = new int[tasks];
        while (true)
        {
            var message = await client.ReceiveTextAsync();
            if (message == "done")
            {
                break;
            }

            var fields = message.Split(':', 3);
            int task = int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
            int index = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(next[task], index);
            Assert.Equal(Handlers.BurstMessage(task, index), message);
            next[task]++;
        }

        Assert.All(next, delivered => Assert.Equal(count, delivered));
    }

    [Fact]
    public async Task HandlerException_ClosesWith1011_AndTheNextConnectionWorks()
    {
        using (var client = await Client.ConnectAsync(Server.Url("/crash")))
        {
            await client.SendTextAsync("go");
            var (status, _) = await client.ReceiveCloseAsync();
            Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        }

        Assert.Equal(HttpStatusCode.InternalServerError, await Client.ConnectExpectingRejectionAsync(Server.Url("/crash?beforeAccept=true")));
        Assert.Contains(Server.Logs.Entries, entry => entry.Exception is InvalidOperationException { Message: "The handler failed on purpose." });

        using var next = await Client.ConnectAsync(Server.Url("/echo"));
        await next.SendTextAsync("after the crash");
        Assert.Equal("Echo: after the crash", await next.ReceiveTextAsync());
    }

    [Fact]
    public async Task PlainHttpRequest_ToAWebSocketOnlyPath_Gets426()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(Server.HttpBase, "/echo"));
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("This endpoint accepts only WebSocket connections.", await response.Content.ReadAsStringAsync());
        Assert.Equal("websocket", Assert.Single(response.Headers.Upgrade).Name);

        // Over HTTP/2 the same answer, without the HTTP/1.1-only connection headers.
        using var http2 = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response2 = await http2.GetAsync(new Uri($"http://127.0.0.1:{Server.Http2Base.Port}/echo"));
        Assert.Equal(HttpStatusCode.UpgradeRequired, response2.StatusCode);
        Assert.Equal(HttpVersion.Version20, response2.Version);
    }

    [Fact]
    public async Task SharedPath_ServesHttpAndWebSocket()
    {
        using var http = new HttpClient();
        Assert.Equal("http", await http.GetStringAsync(new Uri(Server.HttpBase, "/shared")));

        using var client = await Client.ConnectAsync(Server.Url("/shared"));
        Assert.Equal("websocket", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task ConnectionInfo_ExposesUrlClientHeadersQueryPathAndStates()
    {
        using var client = await Client.ConnectAsync(Server.Url("/info/lobby?q=search%20me"), options => options.SetRequestHeader("X-Test", "header value"));
        var lines = (await client.ReceiveTextAsync()).Split('\n');
        Assert.Equal(Server.Url("/info/lobby?q=search%20me").ToString(), lines[0]);
        Assert.Equal("127.0.0.1", lines[1]);
        Assert.Equal("True", lines[2]);
        Assert.Equal("header value", lines[3]);
        Assert.Equal("search me", lines[4]);
        Assert.Equal("lobby", lines[5]);
        Assert.Equal("lobby", lines[6]);
        Assert.Equal("Connecting/Connecting", lines[7]);
        Assert.Equal("Connected/Connected", lines[8]);
    }

    [Fact]
    public async Task ReceiveTextMessages_EndsQuietlyWhenTheClientCloses()
    {
        using var client = await Client.ConnectAsync(Server.Url("/enumerate"));
        await client.SendTextAsync("a");
        Assert.Equal("1:a", await client.ReceiveTextAsync());
        await client.SendTextAsync("b");
        Assert.Equal("2:b", await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "finished", CancellationToken.None).WaitAsync(Client.Timeout);

        var ending = await Server.Probe.WaitAsync("enumerate");
        Assert.Equal(new Ending(1000, "finished", WebSocketState.Disconnected, AbortedFired: true), ending);
    }

    [Fact]
    public async Task ReceiveTextMessages_ThrowsWhenTheClientClosesWithAnApplicationCode()
    {
        using var client = await Client.ConnectAsync(Server.Url("/enumerate?key=app-code"));
        await client.SendTextAsync("a");
        Assert.Equal("1:a", await client.ReceiveTextAsync());
        await client.CloseAsync((WebSocketCloseStatus)4000, "odd", CancellationToken.None).WaitAsync(Client.Timeout);

        var ending = await Server.Probe.WaitAsync("app-code:threw");
        Assert.Equal(new Ending(4000, "odd", WebSocketState.Disconnected, AbortedFired: true), ending);
    }

    [Fact]
    public async Task ReceiveMessages_EchoesBothKinds_AndEndsQuietlyWhenTheClientCloses()
    {
        using var client = await Client.ConnectAsync(Server.Url("/enumerate-messages"));
        await client.SendTextAsync("a");
        Assert.Equal("a", await client.ReceiveTextAsync());
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3 }, data);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "finished", CancellationToken.None).WaitAsync(Client.Timeout);

        var ending = await Server.Probe.WaitAsync("enumerate-messages");
        Assert.Equal(new Ending(1000, "finished", WebSocketState.Disconnected, AbortedFired: true), ending);
    }

    [Fact]
    public async Task ReceiveMessages_ThrowsWhenTheClientClosesWithAnApplicationCode()
    {
        using var client = await Client.ConnectAsync(Server.Url("/enumerate-messages?key=messages-app-code"));
        await client.SendTextAsync("a");
        Assert.Equal("a", await client.ReceiveTextAsync());
        await client.CloseAsync((WebSocketCloseStatus)4000, "odd", CancellationToken.None).WaitAsync(Client.Timeout);

        var ending = await Server.Probe.WaitAsync("messages-app-code:threw");
        Assert.Equal(new Ending(4000, "odd", WebSocketState.Disconnected, AbortedFired: true), ending);
    }
}
