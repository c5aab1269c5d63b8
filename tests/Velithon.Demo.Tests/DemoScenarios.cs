using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>
/// What a user of the demo does with each endpoint, written once so the JIT build and the Native AOT binary
/// are held to the same behaviour.
/// </summary>
public static class DemoScenarios
{
    public static async Task EchoRepliesWithPrefixAsync(DemoProcess demo)
    {
        using var client = await Client.ConnectAsync(demo.WebSocketUrl("/echo"));
        await client.SendTextAsync("hello demo");
        Assert.Equal("Echo: hello demo", await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    public static async Task ChatRoomRelaysJoinMessageAndLeaveAsync(DemoProcess demo)
    {
        string room = "room-" + Guid.NewGuid().ToString("N")[..8];
        using var ann = await Client.ConnectAsync(demo.WebSocketUrl($"/chat/{room}?name=ann"));
        AssertEvent(await ReceiveJsonAsync(ann), "welcome", room, "ann", null, members: 1);

        using var bob = await Client.ConnectAsync(demo.WebSocketUrl($"/chat/{room}?name=bob"));
        AssertEvent(await ReceiveJsonAsync(bob), "welcome", room, "bob", null, members: 2);
        AssertEvent(await ReceiveJsonAsync(ann), "joined", room, "bob", null, members: 2);

        using var elsewhere = await Client.ConnectAsync(demo.WebSocketUrl($"/chat/{room}-other?name=eve"));
        AssertEvent(await ReceiveJsonAsync(elsewhere), "welcome", room + "-other", "eve", null, members: 1);

        await ann.SendTextAsync("hi bob");
        AssertEvent(await ReceiveJsonAsync(ann), "message", room, "ann", "hi bob", members: 2);
        AssertEvent(await ReceiveJsonAsync(bob), "message", room, "ann", "hi bob", members: 2);

        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        AssertEvent(await ReceiveJsonAsync(ann), "left", room, "bob", null, members: 1);

        // The other room heard none of it: its next event is its own.
        await elsewhere.SendTextAsync("anyone?");
        AssertEvent(await ReceiveJsonAsync(elsewhere), "message", room + "-other", "eve", "anyone?", members: 1);
    }

    public static async Task StatusSendsJsonEverySecondAsync(DemoProcess demo)
    {
        using var client = await Client.ConnectAsync(demo.WebSocketUrl("/status"));
        using var first = await ReceiveJsonAsync(client);
        using var second = await ReceiveJsonAsync(client);

        Assert.Equal(1, first.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(2, second.RootElement.GetProperty("sequence").GetInt64());
        Assert.True(first.RootElement.GetProperty("connections").GetInt32() >= 1);
        Assert.True(second.RootElement.GetProperty("time").GetDateTimeOffset() >= first.RootElement.GetProperty("time").GetDateTimeOffset());
        Assert.True(first.RootElement.TryGetProperty("chatRooms", out _));
        Assert.True(first.RootElement.TryGetProperty("uptimeSeconds", out _));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Closed, client.State);
    }

    public static async Task QueryTokenIsRequiredAsync(DemoProcess demo)
    {
        using var anonymous = await Client.ConnectAsync(demo.WebSocketUrl("/ws"));
        var (status, description) = await anonymous.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("Missing token", description);

        using var authenticated = await Client.ConnectAsync(demo.WebSocketUrl("/ws?token=s3cret"));
        Assert.Equal("Authenticated with token s3cret", await authenticated.ReceiveTextAsync());
        await authenticated.SendTextAsync("hello");
        Assert.Equal("s3cret: hello", await authenticated.ReceiveTextAsync());
        await authenticated.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    public static async Task ServesThePageAsync(DemoProcess demo)
    {
        using var http = new HttpClient { BaseAddress = demo.Address, Timeout = Client.Timeout };

        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        foreach (string panel in new[] { "id=\"echo\"", "id=\"chat\"", "id=\"status\"", "id=\"token\"" })
        {
            Assert.Contains(panel, html, StringComparison.Ordinal);
        }

        // No build step and nothing from elsewhere: every script and style sheet is a file of this server.
        Assert.DoesNotContain("http://", html.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        // The board panel's typed client is generated: the server maps it (MapVelithonClients), AOT build too.
        foreach (string asset in new[] { "/demo.js", "/demo.css", "/velithon/TaskBoardSocket.js" })
        {
            using var response = await http.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Contains("export function connectBoard(", await http.GetStringAsync("/velithon/TaskBoardSocket.js"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The demo's own binary as a client (<c>board-client</c>), through the C# client generated from the task
    /// board's contract: answers who-are-you, is announced, adds a task, asks for the board, closes.
    /// </summary>
    public static async Task TypedClientTalksToTheBoardAsync(DemoProcess demo, string program, params string[] programArguments)
    {
        string board = "client-" + Guid.NewGuid().ToString("N")[..8];
        var (exitCode, lines, errors) = await ExternalProcess.RunAsync(
            program, [.. programArguments, "board-client", demo.Address.ToString(), board, "dotnet-client", "ship it"]);

        Assert.True(exitCode == 0, $"{errors}\nOutput so far:\n{string.Join("\n", lines)}");
        Assert.Equal(
            [
                $"asked on {board}",
                "joined as dotnet-client (1 here)",
                "added #1 \"ship it\" in todo by dotnet-client",
                $"board {board}: ship it",
                "closed Closed",
            ],
            lines);
    }

    public static async Task<JsonDocument> ReceiveJsonAsync(ClientWebSocket client) =>
        JsonDocument.Parse(await client.ReceiveTextAsync());

    public static void AssertEvent(JsonDocument message, string type, string room, string user, string? text, int members)
    {
        using (message)
        {
            var root = message.RootElement;
            Assert.Equal(type, root.GetProperty("type").GetString());
            Assert.Equal(room, root.GetProperty("room").GetString());
            Assert.Equal(user, root.GetProperty("user").GetString());
            Assert.Equal(text, root.GetProperty("text").GetString());
            Assert.Equal(members, root.GetProperty("members").GetInt32());
        }
    }
}
