using System.Net.WebSockets;
using System.Text.Json;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>Messages both ways on a contract route, over Kestrel: one-way cases, client requests and their replies, broadcasts.</summary>
public sealed class ContractMessagingTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OneWayMessages_AreDispatchedInOrder_AndAnsweredWithEnvelopes()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b1?welcome=1"));
        var welcome = await client.ReceiveEnvelopeAsync("card-added");
        Assert.Equal("welcome to b1", welcome.Payload().GetProperty("title").GetString());
        Assert.False(welcome.TryGetProperty("id", out _));

        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"First"}}""");
        await client.SendTextAsync("""{"payload":{"cardId":4,"column":"done"},"type":"move-card"}""");
        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"Second"}}""");

        Assert.Equal("First", (await client.ReceiveEnvelopeAsync("card-added")).Payload().GetProperty("title").GetString());
        Assert.Equal("""{"type":"card-moved","payload":{"cardId":4,"column":"done"}}""", await client.ReceiveTextAsync());
        Assert.Equal("Second", (await client.ReceiveEnvelopeAsync("card-added")).Payload().GetProperty("title").GetString());
    }

    [Fact]
    public async Task ClientRequest_IsAnsweredWithAReply_CarryingItsId()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b2"));
        await client.SendTextAsync("""{"type":"get-board","id":7}""");
        Assert.Equal("""{"type":"reply","id":7,"payload":{"cards":[]}}""", await client.ReceiveTextAsync());

        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"A"}}""");
        var added = await client.ReceiveEnvelopeAsync("card-added");
        await client.SendTextAsync("""{"type":"get-board","id":9007199254740991,"payload":{}}""");

        var reply = await client.ReceiveEnvelopeAsync("reply");
        Assert.Equal(9007199254740991, reply.Id());
        var cards = reply.Payload().GetProperty("cards");
        Assert.Equal(1, cards.GetArrayLength());
        Assert.Equal(added.Payload().GetProperty("cardId").GetInt32(), cards[0].GetProperty("cardId").GetInt32());
    }

    [Fact]
    public async Task RequestHandlerThrowingWebSocketRequestException_AnswersAnError_AndTheConnectionGoesOn()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b3"));
        await client.SendTextAsync("""{"type":"fail-please","id":12,"payload":{"text":"not today"}}""");

        Assert.Equal("""{"type":"error","id":12,"error":"not today"}""", await client.ReceiveTextAsync());
        await client.SendTextAsync("""{"type":"get-board","id":13}""");
        Assert.Equal(13, (await client.ReceiveEnvelopeAsync("reply")).Id());
    }

    [Fact]
    public async Task RequestHandlerThrowingAnotherException_EndsTheConnectionAsAHandlerErrorDoes()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b8"));
        await client.SendTextAsync("""{"type":"fail-please","id":1,"payload":{"text":"crash"}}""");

        Assert.Equal((WebSocketCloseStatus.InternalServerError, "Internal server error"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task ClientCancel_IsIgnored_AndTheReplyStillComes()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b4"));
        string key = ContractProbe.NewKey();
        await client.SendTextAsync($$$"""{"type":"ask-me","id":3,"payload":{"question":"{{{key}}}"}}""");
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        await client.SendTextAsync("""{"type":"cancel","id":3}""");
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{ask.Id()}}},"payload":{"name":"Ann"}}""");

        Assert.Equal("""{"type":"reply","id":3,"payload":{"text":"hello Ann"}}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Broadcast_SendsOneEnvelopeToEveryConnection()
    {
        using var first = await Client.ConnectAsync(_server.Url("/contract/b5"));
        using var second = await Client.ConnectAsync(_server.Url("/contract/b5"));
        await Client.EventuallyAsync(() => _server.Hub.ConnectionCount >= 2);

        int sent = await TestBoardSocket.BroadcastAsync(_server.Hub.All, new CardAdded(42, "everyone"));

        Assert.True(sent >= 2);
        const string expected = """{"type":"card-added","payload":{"cardId":42,"title":"everyone"}}""";
        Assert.Equal(expected, await first.ReceiveTextAsync());
        Assert.Equal(expected, await second.ReceiveTextAsync());
    }

    [Fact]
    public async Task From_OnAConnectionOfAnotherContractOrNone_NamesTheTypes()
    {
        using var other = await Client.ConnectAsync(_server.Url("/contract-from/other"));
        string message = await other.ReceiveTextAsync();
        Assert.Contains(typeof(TestBoardSocket).FullName!, message, StringComparison.Ordinal);
        Assert.Contains(typeof(OtherTestSocket).FullName!, message, StringComparison.Ordinal);

        using var none = await Client.ConnectAsync(_server.Url("/contract-from/none"));
        message = await none.ReceiveTextAsync();
        Assert.Contains("no typed contract", message, StringComparison.Ordinal);
        Assert.Contains(typeof(OtherTestSocket).FullName!, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointClass_RequestInOnConnectComplete_IsAnswered_WhileEarlierMessagesWaitForTheLoop()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract-endpoint/b6"));
        var ask = await client.ReceiveEnvelopeAsync("ask-name");
        Assert.Equal("Who are you?", ask.Payload().GetProperty("prompt").GetString());

        // Sent before the reply: read ahead and dispatched once OnConnectCompleteAsync is done, after its message.
        await client.SendTextAsync("""{"type":"move-card","payload":{"cardId":1,"column":"early"}}""");
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{ask.Id()}}},"payload":{"name":"Ann"}}""");

        Assert.Equal("Ann joined b6", (await client.ReceiveEnvelopeAsync("card-added")).Payload().GetProperty("title").GetString());
        Assert.Equal("early", (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("column").GetString());
    }

    [Fact]
    public async Task BinaryMessage_OnTheDefaultPolicy_Closes1003()
    {
        using var client = await Client.ConnectAsync(_server.Url("/contract/b7"));
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
    }
}
