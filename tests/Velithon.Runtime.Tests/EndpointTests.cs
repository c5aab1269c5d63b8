using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Velithon.Runtime.Tests;

/// <summary>Endpoint classes end to end: lifecycle order, injection, receive kinds and typed messages.</summary>
public sealed class EndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task NormalClose_RunsTheLifecycleInOrder()
    {
        var id = Guid.NewGuid().ToString();
        using (var client = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={id}")))
        {
            Assert.Equal("welcome", await client.ReceiveTextAsync());
            await client.SendTextAsync("a");
            Assert.Equal("got a", await client.ReceiveTextAsync());
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Client.Timeout);
        }

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "complete:Connected:none", "receive:a", "disconnect:1000", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task ClientDrop_RunsDisconnectWith1006()
    {
        var id = Guid.NewGuid().ToString();
        var client = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        client.Abort();
        client.Dispose();

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "complete:Connected:none", "disconnect:1006", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task ServerClose_RunsDisconnectWithTheServersCode()
    {
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("close");
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal((WebSocketCloseStatus)4000, status);
        Assert.Equal("server says bye", description);

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "complete:Connected:none", "receive:close", "disconnect:4000", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task ExceptionInReceive_RunsErrorThenClosesWith1011()
    {
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("throw");
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "complete:Connected:none", "receive:throw", "error:boom", "disconnect:1011", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task RejectionInConnect_Answers403_AndSkipsDisconnect()
    {
        var id = Guid.NewGuid().ToString();
        var (status, body) = await Client.HandshakeAsync(new Uri(Server.HttpBase, $"/lifecycle/reject?id={id}"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Not today", body);

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task ExceptionInConnect_RunsErrorAndAnswers500()
    {
        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.InternalServerError, await Client.ConnectExpectingRejectionAsync(Server.Url($"/lifecycle/fail-connect?id={id}")));

        var events = await Server.Recorder.WaitForAsync(id, "scope-disposed");
        Assert.Equal(["connect:Connecting", "error:connect failed", "dispose", "scope-disposed"], events);
    }

    [Fact]
    public async Task ConnectMayChooseTheSubprotocol()
    {
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(Server.Url($"/lifecycle/subprotocol?id={id}"), options =>
        {
            options.AddSubProtocol("chat.v1");
            options.AddSubProtocol("chat.v2");
        });
        Assert.Equal("chat.v2", client.SubProtocol);
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        Assert.Contains("complete:Connected:chat.v2", Server.Recorder.Snapshot(id));
    }

    [Fact]
    public async Task MissingConstructorValue_Answers400BeforeAnyLifecycleMethod()
    {
        var (status, body) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/lifecycle/normal"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The query parameter 'id' is required.", body);
    }

    [Fact]
    public async Task ScopedServicesArePerConnection_SingletonsShared()
    {
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();
        using (var a = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={first}")))
        using (var b = await Client.ConnectAsync(Server.Url($"/lifecycle/normal?id={second}")))
        {
            Assert.Equal("welcome", await a.ReceiveTextAsync());
            Assert.Equal("welcome", await b.ReceiveTextAsync());
            Assert.DoesNotContain("scope-disposed", Server.Recorder.Snapshot(first));
            await a.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Client.Timeout);
            await Server.Recorder.WaitForAsync(first, "scope-disposed");

            // The other connection's scope lives on until it ends.
            Assert.DoesNotContain("scope-disposed", Server.Recorder.Snapshot(second));
            await b.SendTextAsync("still");
            Assert.Equal("got still", await b.ReceiveTextAsync());
        }

        await Server.Recorder.WaitForAsync(second, "scope-disposed");
    }

    [Fact]
    public async Task TextAndBytes_GoToTheirOverrides_WithTypedConstructorValues()
    {
        using var client = await Client.ConnectAsync(Server.Url("/endpoint/echo/7"));
        await client.SendTextAsync("hi");
        Assert.Equal("7: hi", await client.ReceiveTextAsync());
        await client.SendAsync(new byte[] { 9, 8, 7 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (type, data) = await client.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 9, 8, 7 }, data);

        var (status, body) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/endpoint/echo/seven"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The route parameter 'channel' has the value 'seven', which is not an integer (Int32).", body);
    }

    [Fact]
    public async Task BinaryToATextOnlyEndpoint_ClosesWith1003()
    {
        using var client = await Client.ConnectAsync(Server.Url("/endpoint/text"));
        await client.SendTextAsync("abc");
        Assert.Equal("ABC", await client.ReceiveTextAsync());
        await client.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
        Assert.Equal("This endpoint accepts only text messages.", description);
    }

    [Fact]
    public async Task TypedMessages_AreDispatchedByTheirType()
    {
        using var client = await Client.ConnectAsync(Server.Url("/game/g1"));
        await client.SendTextAsync("""{"type":"move","x":3,"y":4}""");
        Assert.Equal("g1 move 3,4", await client.ReceiveTextAsync());

        await client.SendTextAsync("""{"user":"ada","type":"chat","text":"gg","sequence":1}""");
        using (var chat = JsonDocument.Parse(await client.ReceiveTextAsync()))
        {
            Assert.Equal("re: gg", chat.RootElement.GetProperty("text").GetString());
        }

        await client.SendTextAsync("""{"sent":41,"type":"ping"}""");
        using var ping = JsonDocument.Parse(await client.ReceiveTextAsync());
        Assert.Equal(42, ping.RootElement.GetProperty("sent").GetInt64());
    }

    [Theory]
    [InlineData("""{"type":"teleport"}""", WebSocketCloseStatus.InvalidMessageType, "The message type 'teleport' is not handled here.")]
    [InlineData("""{"x":1}""", WebSocketCloseStatus.InvalidMessageType, "The message has no string property 'type'.")]
    [InlineData("""{"type":"move","x":"left"}""", WebSocketCloseStatus.InvalidPayloadData, "The message is not valid JSON for the message type 'move'.")]
    [InlineData("""not json""", WebSocketCloseStatus.InvalidPayloadData, "The message is not a JSON object.")]
    [InlineData("""[1,2]""", WebSocketCloseStatus.InvalidPayloadData, "The message is not a JSON object.")]
    public async Task UndispatchableMessages_CloseWithTheDocumentedCode(string message, WebSocketCloseStatus expected, string reason)
    {
        using var bystander = await Client.ConnectAsync(Server.Url("/game/other"));
        using var client = await Client.ConnectAsync(Server.Url("/game/g2"));
        await client.SendTextAsync("""{"type":"move","x":1,"y":1}""");
        Assert.Equal("g2 move 1,1", await client.ReceiveTextAsync());
        await client.SendTextAsync(message);
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(expected, status);
        Assert.Equal(reason, description);

        await bystander.SendTextAsync("""{"type":"move","x":2,"y":2}""");
        Assert.Equal("other move 2,2", await bystander.ReceiveTextAsync());
    }

    [Fact]
    public async Task PythonOriginalBroadcastExample_ReachesEveryClient()
    {
        var clients = new List<ClientWebSocket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                clients.Add(await Client.ConnectAsync(Server.Url("/broadcast")));
            }

            // The registration runs in OnConnectCompleteAsync, after accept: wait until all four are in.
            await WaitUntilAsync(() => BroadcastEndpoint.Count >= 4);
            await clients[0].SendTextAsync("hello everyone");
            foreach (var client in clients)
            {
                Assert.Equal("hello everyone", await client.ReceiveTextAsync());
            }

            await clients[3].CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Client.Timeout);
            clients[3].Dispose();
            clients.RemoveAt(3);
            await WaitUntilAsync(() => BroadcastEndpoint.Count == 3);

            await clients[1].SendTextAsync("three left");
            foreach (var client in clients)
            {
                Assert.Equal("three left", await client.ReceiveTextAsync());
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Client.Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

/// <summary>Typed messages with <see cref="InvalidMessageBehavior.SendError"/>: errors are answered, the connection stays.</summary>
public sealed class SendErrorEndpointTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(configure: options => options.InvalidMessageBehavior = InvalidMessageBehavior.SendError);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UndispatchableMessages_AreAnsweredWithAnError_AndTheConnectionGoesOn()
    {
        using var client = await Client.ConnectAsync(_server.Url("/game/g3"));
        await client.SendTextAsync("""{"type":"teleport"}""");
        Assert.Equal("""{"type":"error","error":"The message type \u0027teleport\u0027 is not handled here."}""", await client.ReceiveTextAsync());
        await client.SendTextAsync("{oops");
        Assert.Equal("""{"type":"error","error":"The message is not a JSON object."}""", await client.ReceiveTextAsync());
        await client.SendTextAsync("""{"type":"move","x":5,"y":6}""");
        Assert.Equal("g3 move 5,6", await client.ReceiveTextAsync());
    }
}
