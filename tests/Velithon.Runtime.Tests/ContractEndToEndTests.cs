using System.Net.WebSockets;
using System.Text.Json;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A generated contract on Kestrel, with ClientWebSocket speaking the wire format of docs/contracts.md: one-way
/// messages, a client's request and its reply, the server's requests, and validation failures under both policies.
/// </summary>
public sealed class ContractEndToEndTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("/contract/board/b1", "b1:milk")]
    [InlineData("/contract/board2/b2", "b2:milk")]
    public async Task Message_ReachesItsHandler_WhichSendsATypedMessage(string path, string title)
    {
        using var client = await ConnectAsync(path);
        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"milk"}}""");

        using var sent = await ReceiveJsonAsync(client);
        Assert.Equal("card-added", Type(sent));
        Assert.False(sent.RootElement.TryGetProperty("id", out _));
        Assert.Equal(1, sent.RootElement.GetProperty("payload").GetProperty("cardId").GetInt32());
        Assert.Equal(title, sent.RootElement.GetProperty("payload").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/contract/board/b1", "b1", 1)]
    [InlineData("/contract/board2/b2", "b2", 2)]
    public async Task ClientRequest_GetsItsReplyWithItsId(string path, string boardId, int cards)
    {
        using var client = await ConnectAsync(path);

        // Properties in another order, and no payload: a case that deserializes from {} needs none.
        await client.SendTextAsync("""{"id":7,"type":"get-board"}""");

        using var reply = await ReceiveJsonAsync(client);
        Assert.Equal("reply", Type(reply));
        Assert.Equal(7, reply.RootElement.GetProperty("id").GetInt64());
        Assert.Equal(boardId, reply.RootElement.GetProperty("payload").GetProperty("boardId").GetString());
        Assert.Equal(cards, reply.RootElement.GetProperty("payload").GetProperty("cards").GetInt32());
    }

    [Fact]
    public async Task ServerRequestFromOnConnectComplete_CompletesWithTheClientsReply()
    {
        using var client = await Client.ConnectAsync(Server.Url("/contract/board/b1?ask=1"));

        using var ask = await ReceiveJsonAsync(client);
        Assert.Equal("ask-name", Type(ask));
        Assert.Equal("Who are you?", ask.RootElement.GetProperty("payload").GetProperty("prompt").GetString());
        long id = ask.RootElement.GetProperty("id").GetInt64();
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{id}}},"payload":{"name":"Ada"}}""");

        using var greeting = await ReceiveJsonAsync(client);
        Assert.Equal("hello Ada", greeting.RootElement.GetProperty("payload").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/contract/board/b1")]
    [InlineData("/contract/board2/b2")]
    public async Task ServerRequestFromAHandler_ReadsTheReplyBehindOtherMessages(string path)
    {
        using var client = await ConnectAsync(path);
        await client.SendTextAsync("""{"type":"introduce"}""");
        using var ask = await ReceiveJsonAsync(client);
        Assert.Equal("ask-name", Type(ask));
        long id = ask.RootElement.GetProperty("id").GetInt64();

        // A message before the reply waits for the handler that awaits the reply; it is not lost.
        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"later"}}""");
        await client.SendTextAsync($$$"""{"type":"reply","id":{{{id}}},"payload":{"name":"Grace"}}""");

        using var met = await ReceiveJsonAsync(client);
        Assert.Equal("met Grace", met.RootElement.GetProperty("payload").GetProperty("title").GetString());
        using var later = await ReceiveJsonAsync(client);
        Assert.EndsWith(":later", later.RootElement.GetProperty("payload").GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidMessage_WithSendError_GetsTheErrorsByJsonNameAndTheConnectionGoesOn()
    {
        using var client = await ConnectAsync("/contract/board/b1");
        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"far too long a title"}}""");

        using var error = await ReceiveJsonAsync(client);
        Assert.Equal("error", Type(error));
        var title = Assert.Single(error.RootElement.GetProperty("errors").EnumerateObject());
        Assert.Equal("title", title.Name);
        Assert.Equal("The field Title must be a string with a maximum length of 10.", Assert.Single(title.Value.EnumerateArray()).GetString());

        // A missing required property, and IValidatableObject (with a [JsonPropertyName] member beside it).
        await client.SendTextAsync("""{"type":"add-card","id":3,"payload":{}}""");
        using var required = await ReceiveJsonAsync(client);
        Assert.Equal("The Title field is required.", required.RootElement.GetProperty("errors").GetProperty("title")[0].GetString());
        await client.SendTextAsync("""{"type":"rename-board","payload":{"name":"a","old_name":"a"}}""");
        using var same = await ReceiveJsonAsync(client);
        Assert.Equal("The new name must differ from the old one.", same.RootElement.GetProperty("errors").GetProperty("name")[0].GetString());

        await client.SendTextAsync("""{"type":"rename-board","payload":{"name":"b","old_name":"a"}}""");
        using var renamed = await ReceiveJsonAsync(client);
        Assert.Equal("a->b", renamed.RootElement.GetProperty("payload").GetProperty("title").GetString());
    }

    [Fact]
    public async Task InvalidRequest_WithSendError_IsAnsweredWithAnErrorForItsId()
    {
        using var client = await ConnectAsync("/contract/board/b1");
        await client.SendTextAsync("""{"type":"get-board","payload":{}}""");

        // A request without an id is malformed: the handler never runs.
        using var error = await ReceiveJsonAsync(client);
        Assert.Equal("error", Type(error));
        Assert.False(error.RootElement.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task InvalidMessage_WithTheDefaultPolicy_ClosesWith1007NamingTheMember()
    {
        using var client = await ConnectAsync("/contract/board2/b2");
        await client.SendTextAsync("""{"type":"add-card","payload":{"title":"far too long a title"}}""");

        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
        Assert.Contains("title", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownType_WithTheDefaultPolicy_ClosesWith1003()
    {
        using var client = await ConnectAsync("/contract/board2/b2");
        await client.SendTextAsync("""{"type":"card-added","payload":{"cardId":1,"title":"x"}}""");

        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, status);
    }

    [Fact]
    public async Task RefusedMessages_CountAgainstTheMessageRateLimit()
    {
        // [MessageRateLimit(3, ...)]: an unknown type, malformed JSON and a message its validation refuses use the
        // three tokens; the fourth message, valid, is over the limit and closes with 1008.
        using var client = await Client.ConnectAsync(fixture.Server.Url("/contract/limited"));
        foreach (string refused in new[]
        {
            """{"type":"fly","payload":{}}""",
            """{"type":"note","payload":""",
            """{"type":"note","payload":{"text":"far more than twenty characters"}}""",
        })
        {
            await client.SendTextAsync(refused);
            using var error = await ReceiveJsonAsync(client);
            Assert.Equal("error", Type(error));
        }

        await client.SendTextAsync("""{"type":"note","payload":{"text":"fine"}}""");
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
    }

    /// <summary>Connects and reads the static route's welcome, so both forms start at their first reply.</summary>
    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var client = await Client.ConnectAsync(Server.Url(path));
        if (path.StartsWith("/contract/board2/", StringComparison.Ordinal))
        {
            using var welcome = await ReceiveJsonAsync(client);
            Assert.Equal("card-added", Type(welcome));
        }

        return client;
    }

    private static async Task<JsonDocument> ReceiveJsonAsync(ClientWebSocket client) => JsonDocument.Parse(await client.ReceiveTextAsync());

    private static string? Type(JsonDocument envelope) => envelope.RootElement.GetProperty("type").GetString();
}
