using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Velithon.Redis.Tests;

/// <summary>
/// Requests of a typed contract across servers, on a real redis-server: a request goes only to a connection of the
/// server that asks (where its reply, timeout and cancellation are tracked); another server's connection is refused
/// with an error naming both servers, and a typed message reaches it through the backplane instead.
/// </summary>
public sealed class ContractAcrossServersTests(SingleRedisFixture fixture) : IClassFixture<SingleRedisFixture>
{
    [Fact]
    public async Task RequestToAConnectionOfAnotherServer_IsRefusedNamingBoth_WhileItsOwnServerAsksIt_AndAMessageGoesThroughTheBackplane()
    {
        string prefix = "contract-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await ChatServer.StartAsync(fixture.Redis.Configuration, prefix);
        await using var b = await ChatServer.StartAsync(fixture.Redis.Configuration, prefix);
        using var client = new ClientWebSocket();
        await client.ConnectAsync(b.Url("/ask"), CancellationToken.None).WaitAsync(TestClient.Timeout);
        using var youAre = await ReceiveAsync(client);
        Assert.Equal("you-are", youAre.RootElement.GetProperty("type").GetString());
        string connectionId = youAre.RootElement.GetProperty("payload").GetProperty("connectionId").GetString()!;

        // Server A does not hold the connection: no typed socket, so no request, and the error says where it is.
        var refused = Assert.Throws<InvalidOperationException>(() => AskSocket.From(a.Hub, connectionId));
        string serverOfB = connectionId[..connectionId.IndexOf('.', StringComparison.Ordinal)];
        Assert.Contains($"'{connectionId}' is held by the server '{serverOfB}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hub.Connection(", refused.Message, StringComparison.Ordinal);

        // Server B holds it: the request goes out, and the client's reply completes it.
        Task<Answer> asking = AskSocket.From(b.Hub, connectionId).RequestAsync(new WhoIs("who are you?"));
        using (var question = await ReceiveAsync(client))
        {
            Assert.Equal("who-is", question.RootElement.GetProperty("type").GetString());
            long id = question.RootElement.GetProperty("id").GetInt64();
            await SendAsync(client, $$$"""{"type":"reply","id":{{{id}}},"payload":{"text":"the client on b"}}""");
        }

        Assert.Equal("the client on b", (await asking.WaitAsync(TestClient.Timeout)).Text);

        // A one-way typed message from A reaches it through the backplane.
        Assert.Equal(0, await AskSocket.BroadcastAsync(a.Hub.Connection(connectionId), new YouAre("via a")));
        using var relayed = await ReceiveAsync(client);
        Assert.Equal("""{"type":"you-are","payload":{"connectionId":"via a"}}""", relayed.RootElement.GetRawText());

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TestClient.Timeout);
    }

    [Fact]
    public async Task UnknownConnectionId_IsRefusedAsNotHeldHere()
    {
        string prefix = "contract-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await ChatServer.StartAsync(fixture.Redis.Configuration, prefix);

        var refused = Assert.Throws<InvalidOperationException>(() => AskSocket.From(a.Hub, "not-an-id"));
        Assert.Contains("holds no open connection 'not-an-id'", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> ReceiveAsync(ClientWebSocket client)
    {
        var buffer = new byte[4096];
        var result = await client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TestClient.Timeout);
        Assert.True(result.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, result.Count));
    }

    private static Task SendAsync(ClientWebSocket client, string text) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TestClient.Timeout);
}
