using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Velithon.Runtime.Tests;
using Velithon.Runtime.Tests.Sessions;

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

    /// <summary>
    /// A client that offers velithon.resume.v1 (the page's protocol, spoken here by hand) drops its connection, with
    /// no close frame: it resumes the same session, what the room said and what it sent during the gap arrive once,
    /// and the room hears no one leave or join. The session's token rests on Data Protection, in the native binary too.
    /// </summary>
    public static async Task ChatRoomSessionResumesAfterADropAsync(DemoProcess demo)
    {
        string room = "resume-" + Guid.NewGuid().ToString("N")[..8];
        var url = demo.WebSocketUrl($"/chat/{room}?name=ann");
        await using var ann = await ResumeClient.ConnectAsync(url);
        Assert.Equal("velithon.resume.v1", ann.SelectedSubProtocol);
        AssertEvent(JsonDocument.Parse(await ann.ReceiveAsync()), "welcome", room, "ann", null, members: 1);
        using var bob = await Client.ConnectAsync(demo.WebSocketUrl($"/chat/{room}?name=bob"));
        AssertEvent(await ReceiveJsonAsync(bob), "welcome", room, "bob", null, members: 2);
        AssertEvent(JsonDocument.Parse(await ann.ReceiveAsync()), "joined", room, "bob", null, members: 2);

        ann.Abort();
        await ann.Reading.WaitAsync(Client.Timeout);
        // The detached session stays in the room; what it misses waits in the session, what ann sends in the client.
        await bob.SendTextAsync("are you there?");
        AssertEvent(await ReceiveJsonAsync(bob), "message", room, "bob", "are you there?", members: 2);
        await ann.SendAsync("back soon");

        await ann.ResumeAsync(url);
        AssertEvent(JsonDocument.Parse(await ann.ReceiveAsync()), "message", room, "bob", "are you there?", members: 2);
        AssertEvent(JsonDocument.Parse(await ann.ReceiveAsync()), "message", room, "ann", "back soon", members: 2);
        // Bob's next event is ann's message: no "left" and no second "joined" came before it.
        AssertEvent(await ReceiveJsonAsync(bob), "message", room, "ann", "back soon", members: 2);

        await ann.CloseAsync();
        AssertEvent(await ReceiveJsonAsync(bob), "left", room, "ann", null, members: 1);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
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
        foreach (string panel in new[] { "id=\"echo\"", "id=\"chat\"", "id=\"status\"", "id=\"token\"", "id=\"board\"" })
        {
            Assert.Contains(panel, html, StringComparison.Ordinal);
        }

        // No build step and nothing from elsewhere: every script and style sheet is a file of this server.
        Assert.DoesNotContain("http://", html.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        // The board panel's typed client is generated: the server maps it (MapVelithonClients), AOT build too.
        foreach (string asset in new[] { "/demo.js", "/resumable-socket.js", "/demo.css", "/velithon/TaskBoardSocket.js" })
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

    /// <summary>
    /// The task board's declared contract, spoken as its envelope: the server asks each page who its user is (a
    /// request), pages ask for the board (a request), commands are broadcast to the board as typed events, and a
    /// command its validation refuses, or an unknown one, is answered with an error envelope on an open connection.
    /// </summary>
    public static async Task TaskBoardSpeaksItsContractAsync(DemoProcess demo)
    {
        string board = "board-" + Guid.NewGuid().ToString("N")[..8];
        using var ann = await Client.ConnectAsync(demo.WebSocketUrl($"/board/{board}"));
        await IntroduceAsync(ann, board, "ann");
        AssertEnvelope(await ReceiveJsonAsync(ann), "member-joined", """{"name":"ann","members":1}""");

        await ann.SendTextAsync("""{"type":"get-board","id":1,"payload":{}}""");
        AssertEnvelope(await ReceiveJsonAsync(ann), "reply", $$"""{"board":"{{board}}","tasks":[]}""", id: 1);

        using var bob = await Client.ConnectAsync(demo.WebSocketUrl($"/board/{board}"));
        await IntroduceAsync(bob, board, "bob");
        AssertEnvelope(await ReceiveJsonAsync(ann), "member-joined", """{"name":"bob","members":2}""");
        AssertEnvelope(await ReceiveJsonAsync(bob), "member-joined", """{"name":"bob","members":2}""");

        await ann.SendTextAsync("""{"type":"add","payload":{"title":"write tests"}}""");
        foreach (var page in new[] { ann, bob })
        {
            AssertEnvelope(await ReceiveJsonAsync(page), "task-added", """{"task":{"id":1,"title":"write tests","column":"todo"},"by":"ann"}""");
        }

        await bob.SendTextAsync("""{"type":"move","payload":{"id":1,"column":"doing"}}""");
        foreach (var page in new[] { ann, bob })
        {
            AssertEnvelope(await ReceiveJsonAsync(page), "task-moved", """{"id":1,"column":"doing","by":"bob"}""");
        }

        // Refused by validation ([RegularExpression] on Column) and by the set (no such type): errors, not closes.
        await bob.SendTextAsync("""{"type":"move","payload":{"id":1,"column":"someday"}}""");
        using (var refused = await ReceiveJsonAsync(bob))
        {
            Assert.Equal("error", refused.RootElement.GetProperty("type").GetString());
            Assert.True(refused.RootElement.GetProperty("errors").TryGetProperty("column", out _), refused.RootElement.GetRawText());
        }

        await bob.SendTextAsync("""{"type":"fly","payload":{}}""");
        using (var unknown = await ReceiveJsonAsync(bob))
        {
            Assert.Equal("error", unknown.RootElement.GetProperty("type").GetString());
            Assert.Contains("fly", unknown.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await ann.SendTextAsync("""{"type":"add","payload":{"title":"ship"}}""");
        foreach (var page in new[] { ann, bob })
        {
            AssertEnvelope(await ReceiveJsonAsync(page), "task-added", """{"task":{"id":2,"title":"ship","column":"todo"},"by":"ann"}""");
        }

        await bob.SendTextAsync("""{"type":"remove","payload":{"id":1}}""");
        foreach (var page in new[] { ann, bob })
        {
            AssertEnvelope(await ReceiveJsonAsync(page), "task-removed", """{"id":1,"by":"bob"}""");
        }

        await bob.SendTextAsync("""{"type":"get-board","id":9,"payload":{}}""");
        AssertEnvelope(await ReceiveJsonAsync(bob), "reply", $$$"""{"board":"{{{board}}}","tasks":[{"id":2,"title":"ship","column":"todo"}]}""", id: 9);

        await ann.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    /// <summary>Answers the server's <c>who-are-you</c> request, which a page receives first.</summary>
    private static async Task IntroduceAsync(ClientWebSocket page, string board, string name)
    {
        using var question = await ReceiveJsonAsync(page);
        var root = question.RootElement;
        Assert.Equal("who-are-you", root.GetProperty("type").GetString());
        Assert.Equal(board, root.GetProperty("payload").GetProperty("board").GetString());
        long id = root.GetProperty("id").GetInt64();
        await page.SendTextAsync($$$"""{"type":"reply","id":{{{id}}},"payload":{"name":"{{{name}}}"}}""");
    }

    private static void AssertEnvelope(JsonDocument envelope, string type, string payload, long? id = null)
    {
        using (envelope)
        {
            var root = envelope.RootElement;
            Assert.Equal(type, root.GetProperty("type").GetString());
            if (id is not null)
            {
                Assert.Equal(id, root.GetProperty("id").GetInt64());
            }

            Assert.Equal(payload, root.GetProperty("payload").GetRawText());
        }
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
