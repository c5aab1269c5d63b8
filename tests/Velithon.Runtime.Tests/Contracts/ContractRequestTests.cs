using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests.Contracts;

/// <summary>
/// Requests from the server to the client (<c>RequestAsync</c>) and their ends: the reply, an error, a reply that does
/// not deserialize, the timeout on the runtime's clock, the caller's cancellation, the connection's end, the bound on
/// pending requests; and a handler awaiting one while the client sends other messages first.
/// </summary>
public sealed class ContractRequestTests
{
    [Fact]
    public async Task ServerRequest_Answered_CompletesWithTheReply()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r1"));
        string key = await AskAsync(client);

        var ask = await client.ReceiveEnvelopeAsync("ask-name");
        Assert.Equal(1, ask.Id());
        Assert.Equal($"{key} 0", ask.Payload().GetProperty("prompt").GetString());
        await client.SendTextAsync("""{"id":1,"payload":{"name":"Ann"},"type":"reply"}""");

        Assert.Equal("reply:Ann", await ContractProbe.OutcomeAsync(key));
    }

    [Fact]
    public async Task ServerRequest_AnsweredWithError_ThrowsWebSocketRequestException_WithThePeersText()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r2"));
        string key = await AskAsync(client);
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        await client.SendTextAsync($$$"""{"type":"error","id":{{{ask.Id()}}},"error":"I'd rather not"}""");

        Assert.Equal("error:I'd rather not", await ContractProbe.OutcomeAsync(key));
    }

    [Fact]
    public async Task ServerRequest_ReplyThatDoesNotDeserialize_ThrowsWebSocketRequestException_AndTheConnectionStays()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r3"));
        string key = await AskAsync(client);
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        await client.SendTextAsync($$$"""{"type":"reply","id":{{{ask.Id()}}},"payload":{"name":5}}""");

        Assert.StartsWith("error:The reply to the 'ask-name' request (id 1) is not valid JSON for NameReply", await ContractProbe.OutcomeAsync(key), StringComparison.Ordinal);
        await client.SendTextAsync("""{"type":"get-board","id":2}""");
        Assert.Equal(2, (await client.ReceiveEnvelopeAsync("reply")).Id());
    }

    [Fact]
    public async Task ServerRequest_TimedOut_SendsCancel_ThrowsTimeoutException_AndALateReplyIsIgnored()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map,
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var client = await Client.ConnectAsync(server.Url("/contract/r4"));
        string key = await AskAsync(client, timeoutMilliseconds: 5000);
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        clock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(ContractProbe.HasOutcome(key));
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal($$$"""{"type":"cancel","id":{{{ask.Id()}}}}""", await client.ReceiveTextAsync());
        Assert.Equal("timeout", await ContractProbe.OutcomeAsync(key));

        // Too late: ignored, and the connection goes on.
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{ask.Id()}}},"payload":{"name":"Ann"}}""");
        await client.SendTextAsync("""{"type":"get-board","id":2}""");
        Assert.Equal(2, (await client.ReceiveEnvelopeAsync("reply")).Id());
    }

    [Fact]
    public async Task ServerRequest_WithoutATimeoutOfItsOwn_UsesTheOptionsRequestTimeout()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map,
            configure: options => options.RequestTimeout = TimeSpan.FromSeconds(2),
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var client = await Client.ConnectAsync(server.Url("/contract/r5"));
        string key = await AskAsync(client);
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal($$$"""{"type":"cancel","id":{{{ask.Id()}}}}""", await client.ReceiveTextAsync());
        Assert.Equal("timeout", await ContractProbe.OutcomeAsync(key));
    }

    [Fact]
    public async Task ServerRequest_CanceledByItsToken_SendsCancel_AndThrowsOperationCanceledException()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r6"));
        string key = await AskAsync(client);
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        await ContractProbe.Cancellation(key).CancelAsync();

        Assert.Equal($$$"""{"type":"cancel","id":{{{ask.Id()}}}}""", await client.ReceiveTextAsync());
        Assert.Equal("canceled", await ContractProbe.OutcomeAsync(key));
    }

    [Fact]
    public async Task ServerRequest_ConnectionEnds_FailsWithWebSocketDisconnectException_CarryingTheCloseCode()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r7"));
        string key = await AskAsync(client, count: 2);
        await client.ReceiveEnvelopeAsync("ask-name");
        await client.ReceiveEnvelopeAsync("ask-name");

        await client.CloseAsync((WebSocketCloseStatus)4000, "bye", CancellationToken.None).WaitAsync(Client.Timeout);

        Assert.Equal("disconnect:4000", await ContractProbe.OutcomeAsync(key, 0));
        Assert.Equal("disconnect:4000", await ContractProbe.OutcomeAsync(key, 1));
    }

    [Fact]
    public async Task ServerRequests_BeyondMaxPendingRequests_AreRefusedAtOnce_WithoutBeingSent()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map, configure: options => options.MaxPendingRequests = 2);
        using var client = await Client.ConnectAsync(server.Url("/contract/r8"));
        string key = await AskAsync(client, count: 3);

        Assert.Equal("refused", await ContractProbe.OutcomeAsync(key, 2));
        var first = await client.ReceiveEnvelopeAsync("ask-name");
        var second = await client.ReceiveEnvelopeAsync("ask-name");
        Assert.Equal((1L, 2L), (first.Id(), second.Id()));

        // Once one is answered, a place is free again.
        await client.SendTextAsync("""{"type":"reply","id":1,"payload":{"name":"Ann"}}""");
        Assert.Equal("reply:Ann", await ContractProbe.OutcomeAsync(key, 0));
        string next = await AskAsync(client);
        Assert.Equal(3, (await client.ReceiveEnvelopeAsync("ask-name")).Id());
        await client.SendTextAsync("""{"type":"reply","id":3,"payload":{"name":"Bo"}}""");
        Assert.Equal("reply:Bo", await ContractProbe.OutcomeAsync(next));
        Assert.False(ContractProbe.HasOutcome(key, 1));
    }

    [Fact]
    public async Task HandlerAwaitingARequest_WhileTheClientSendsOtherMessagesFirst_DoesNotDeadlock_AndKeepsTheirOrder()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r9"));
        await client.SendTextAsync("""{"type":"ask-me","id":5,"payload":{"question":"Name?"}}""");
        var ask = await client.ReceiveEnvelopeAsync("ask-name");

        // The handler of request 5 waits for this reply; the messages before it wait for that handler.
        await client.SendTextAsync("""{"type":"move-card","payload":{"cardId":1,"column":"a"}}""");
        await client.SendTextAsync("""{"type":"get-board","id":6}""");
        await client.SendTextAsync("""{"type":"move-card","payload":{"cardId":2,"column":"b"}}""");
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{ask.Id()}}},"payload":{"name":"Ann"}}""");

        Assert.Equal("""{"type":"reply","id":5,"payload":{"text":"hello Ann"}}""", await client.ReceiveTextAsync());
        Assert.Equal("a", (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("column").GetString());
        Assert.Equal(6, (await client.ReceiveEnvelopeAsync("reply")).Id());
        Assert.Equal("b", (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("column").GetString());
    }

    [Fact]
    public async Task HeldHandler_ReadsAheadAtMost16Messages_ThenDispatchesThemInOrder()
    {
        await using var server = await TestServer.StartAsync(mapMore: ContractRoutes.Map);
        using var client = await Client.ConnectAsync(server.Url("/contract/r10"));
        string hold = ContractProbe.NewKey();
        await client.SendTextAsync($$$"""{"type":"hold","payload":{"key":"{{{hold}}}"}}""");

        // More than the read-ahead holds: reading pauses after 16, and the rest wait in the transport.
        for (int i = 0; i < 20; i++)
        {
            await client.SendTextAsync($$$"""{"type":"move-card","payload":{"cardId":{{{i}}},"column":"c"}}""");
        }

        var contract = ((Velithon.Connections.ServerWebSocket)Assert.Single(server.Hub.GetConnections())).Contract!;
        await Client.EventuallyAsync(() => contract.AheadCount == ContractSocket.MaxReadAhead);

        ContractProbe.Signal(hold);
        Assert.Equal("held " + hold, (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("column").GetString());
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i, (await client.ReceiveEnvelopeAsync("card-moved")).Payload().GetProperty("cardId").GetInt32());
        }
    }

    /// <summary>Has the server send <paramref name="count"/> requests in the background; returns the key their outcomes are recorded under.</summary>
    private static async Task<string> AskAsync(ClientWebSocket client, int count = 1, int timeoutMilliseconds = 0)
    {
        string key = ContractProbe.NewKey();
        await client.SendTextAsync($$$"""{"type":"ask","payload":{"key":"{{{key}}}","count":{{{count}}},"timeoutMilliseconds":{{{timeoutMilliseconds}}}}}""");
        return key;
    }
}
