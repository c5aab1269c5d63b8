using System.Net.WebSockets;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// What a contract route does with a message it cannot dispatch, per route: two routes of one server with the same
/// handlers, one with the options' policy (Close), one with <c>[InvalidMessages(InvalidMessageBehavior.SendError)]</c>.
/// </summary>
public sealed class ContractPolicyTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, WebSocketCloseStatus, string, string> Invalid => new()
    {
        {
            """{"type":"teleport","payload":{}}""",
            WebSocketCloseStatus.InvalidMessageType, "The message type 'teleport' is not handled here.",
            """{"type":"error","error":"The message type \u0027teleport\u0027 is not handled here."}"""
        },
        {
            """{"type":"move-card","payload":{"cardId":"one"}}""",
            WebSocketCloseStatus.InvalidPayloadData, "The 'move-card' message has an invalid payload, or is a request without an id.",
            """{"type":"error","error":"The \u0027move-card\u0027 message has an invalid payload, or is a request without an id."}"""
        },
        {
            """{"type":"get-board","id":4,"payload":[]}""",
            WebSocketCloseStatus.InvalidPayloadData, "The 'get-board' message has an invalid payload.",
            """{"type":"error","id":4,"error":"The \u0027get-board\u0027 message has an invalid payload."}"""
        },
        {
            """{"type":"get-board"}""",
            WebSocketCloseStatus.InvalidPayloadData, "The 'get-board' message has an invalid payload, or is a request without an id.",
            """{"type":"error","error":"The \u0027get-board\u0027 message has an invalid payload, or is a request without an id."}"""
        },
        {
            """{"type":"add-card","payload":{}}""",
            WebSocketCloseStatus.InvalidPayloadData, "Invalid 'add-card': title",
            """{"type":"error","error":"The \u0027add-card\u0027 message is invalid.","errors":{"title":["The Title field is required."]}}"""
        },
        {
            "[1,2,3]",
            WebSocketCloseStatus.InvalidPayloadData, "The message is not a JSON object.",
            """{"type":"error","error":"The message is not a JSON object."}"""
        },
        {
            """{"payload":{"title":"A"}}""",
            WebSocketCloseStatus.InvalidMessageType, "The message has no string property 'type'.",
            """{"type":"error","error":"The message has no string property \u0027type\u0027."}"""
        },
        {
            """{"\ud800":1,"type":"add-card","payload":{"title":"A"}}""",
            WebSocketCloseStatus.InvalidPayloadData, "The message is not a JSON object.",
            """{"type":"error","error":"The message is not a JSON object."}"""
        },
        {
            """{"type":"\udc00teleport"}""",
            WebSocketCloseStatus.InvalidPayloadData, "The message is not a JSON object.",
            """{"type":"error","error":"The message is not a JSON object."}"""
        },
        {
            """{"type":"add-card","payload":{"title":"\ud800"}}""",
            WebSocketCloseStatus.InvalidPayloadData, "The 'add-card' message has an invalid payload, or is a request without an id.",
            """{"type":"error","error":"The \u0027add-card\u0027 message has an invalid payload, or is a request without an id."}"""
        },
        {
            """{"type":"get-board","id":-3}""",
            WebSocketCloseStatus.InvalidPayloadData, "The message's 'id' must be an integer from 1 to 2^53-1; a reply or cancel needs one.",
            """{"type":"error","error":"The message\u0027s \u0027id\u0027 must be an integer from 1 to 2^53-1; a reply or cancel needs one."}"""
        },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidMessage_OnTheDefaultRoute_ClosesTheConnection(string message, WebSocketCloseStatus status, string reason, string error)
    {
        _ = error;
        using var client = await Client.ConnectAsync(_server.Url("/contract/p1"));
        await client.SendTextAsync(message);

        Assert.Equal((status, reason), await client.ReceiveCloseAsync());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidMessage_OnTheSendErrorRoute_IsAnsweredWithAnErrorEnvelope_AndTheConnectionGoesOn(string message, WebSocketCloseStatus status, string reason, string error)
    {
        _ = (status, reason);
        using var client = await Client.ConnectAsync(_server.Url("/contract-errors/p2"));
        await client.SendTextAsync(message);

        Assert.Equal(error, await client.ReceiveTextAsync());
        await client.SendTextAsync("""{"type":"get-board","id":9}""");
        Assert.Equal(9, (await client.ReceiveEnvelopeAsync("reply")).Id());
    }

    [Fact]
    public async Task MessagesReadAheadBehindAMessageThatClosesTheConnection_AreNotDispatched()
    {
        // Unread, they would be dropped by the close handshake; read ahead while a handler ran, they must be too.
        using var client = await Client.ConnectAsync(_server.Url("/contract/p6"));
        string hold = ContractProbe.NewKey();
        string ask = ContractProbe.NewKey();
        await client.SendTextAsync($$$"""{"type":"hold","payload":{"key":"{{{hold}}}"}}""");
        await client.SendTextAsync("""{"type":"teleport"}""");
        await client.SendTextAsync($$$"""{"type":"ask","payload":{"key":"{{{ask}}}"}}""");
        var contract = ((Velithon.Connections.ServerWebSocket)Assert.Single(_server.Hub.GetConnections())).Contract!;
        await Client.EventuallyAsync(() => contract.AheadCount == 2);

        ContractProbe.Signal(hold);

        Assert.Equal("held " + hold, (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("column").GetString());
        Assert.Equal((WebSocketCloseStatus.InvalidMessageType, "The message type 'teleport' is not handled here."), await client.ReceiveCloseAsync());
        await Client.EventuallyAsync(() => _server.Hub.GetConnections().Count == 0);
        Assert.False(ContractProbe.HasOutcome(ask));
    }

    [Fact]
    public async Task BinaryMessage_OnTheSendErrorRoute_IsAnsweredWithAnError()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract-errors/p3"));
        await client.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        Assert.Equal("""{"type":"error","error":"A binary message is not an envelope of this route\u0027s contract; send JSON text."}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task ValidationCloseReason_NamesEachFailingMemberOnce_WithinTheCloseFrame()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/p4"));
        await client.SendTextAsync($$$"""{"type":"add-card","payload":{"title":"{{{new string('x', 81)}}}"}}""");

        Assert.Equal((WebSocketCloseStatus.InvalidPayloadData, "Invalid 'add-card': title"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task UnknownTypeLongerThanACloseFrame_IsCutWithinTheLimit()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/p5"));
        string type = new('é', 100);
        await client.SendTextAsync($$$"""{"type":"{{{type}}}"}""");

        var (status, reason) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
        Assert.StartsWith("The message type 'ééé", reason, StringComparison.Ordinal);
        Assert.EndsWith("...", reason, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(reason!), 100, 123);
    }

    [Theory]
    [InlineData("""{"\ud800":1,"type":"move","x":1,"y":2}""")]
    [InlineData("""{"type":"\udc00move"}""")]
    public async Task JsonMessagesEndpoint_EscapeThatIsNotUtf16_IsAMalformedMessage_NotAServerError(string message)
    {
        using var errors = await Client.ConnectAsync(_server.Url("/game-errors/g3"));
        await errors.SendTextAsync(message);

        Assert.Equal("""{"type":"error","error":"The message is not a JSON object."}""", await errors.ReceiveTextAsync());
        await errors.SendTextAsync("""{"type":"move","x":1,"y":2}""");
        Assert.Equal("g3 move 1,2", await errors.ReceiveTextAsync());
    }

    [Fact]
    public async Task JsonMessagesEndpoint_WithInvalidMessagesOnTheRoute_AnswersErrors_WhileTheOptionsSayClose()
    {
        using var errors = await Client.ConnectAsync(_server.Url("/game-errors/g1"));
        await errors.SendTextAsync("""{"type":"teleport"}""");
        Assert.Equal("""{"type":"error","error":"The message type \u0027teleport\u0027 is not handled here."}""", await errors.ReceiveTextAsync());
        await errors.SendTextAsync("""{"type":"move","x":1,"y":2}""");
        Assert.Equal("g1 move 1,2", await errors.ReceiveTextAsync());

        using var closes = await Client.ConnectAsync(_server.Url("/game/g2"));
        await closes.SendTextAsync("""{"type":"teleport"}""");
        Assert.Equal((WebSocketCloseStatus.InvalidMessageType, "The message type 'teleport' is not handled here."), await closes.ReceiveCloseAsync());
    }
}
