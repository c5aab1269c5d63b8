using Microsoft.AspNetCore.Mvc.Testing;
using Velithon.Testing;

namespace Velithon.Demo.Tests;

/// <summary>
/// The whole demo application hosted in memory by <see cref="WebApplicationFactory{TEntryPoint}"/> and driven by
/// Velithon.Testing, the way a user tests their own application: no process, no port.
/// </summary>
public sealed class DemoInMemoryTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private VelithonTestClient Client => new(factory.Server);

    [Fact]
    public async Task ChatRoom_InMemory_RelaysJoinMessageAndLeave()
    {
        await using var ann = await Client.ConnectAsync("/chat/memory?name=ann");
        AssertEvent(await ann.ReceiveJsonElementAsync(), "welcome", "ann", null, members: 1);

        await using var bob = await Client.ConnectAsync("/chat/memory?name=bob");
        AssertEvent(await bob.ReceiveJsonElementAsync(), "welcome", "bob", null, members: 2);
        AssertEvent(await ann.ReceiveJsonElementAsync(), "joined", "bob", null, members: 2);

        await bob.SendTextAsync("hello in memory");
        AssertEvent(await ann.ReceiveJsonElementAsync(), "message", "bob", "hello in memory", members: 2);
        AssertEvent(await bob.ReceiveJsonElementAsync(), "message", "bob", "hello in memory", members: 2);

        await bob.CloseAsync(WebSocketCloseCode.NormalClosure, "bye");
        AssertEvent(await ann.ReceiveJsonElementAsync(), "left", "bob", null, members: 1);
    }

    [Fact]
    public async Task Ws_WithoutToken_InMemory_ClosesWithPolicyViolation()
    {
        await using var anonymous = await Client.ConnectAsync("/ws");
        Assert.Equal((WebSocketCloseCode.PolicyViolation, "Missing token"), await anonymous.ReceiveCloseAsync());

        await using var authenticated = await Client.ConnectAsync("/ws?token=abc");
        Assert.Equal("Authenticated with token abc", await authenticated.ReceiveTextAsync());
    }

    private static void AssertEvent(System.Text.Json.JsonElement message, string type, string user, string? text, int members)
    {
        Assert.Equal(type, message.GetProperty("type").GetString());
        Assert.Equal("memory", message.GetProperty("room").GetString());
        Assert.Equal(user, message.GetProperty("user").GetString());
        Assert.Equal(text, message.GetProperty("text").GetString());
        Assert.Equal(members, message.GetProperty("members").GetInt32());
    }
}
