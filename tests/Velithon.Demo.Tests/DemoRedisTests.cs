using System.Net.WebSockets;
using Velithon.Redis.Tests;
using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>Two demo instances on two ports with <c>Demo__Redis</c> set share their chat rooms through a real redis-server.</summary>
public sealed class DemoRedisTests
{
    [Fact]
    public async Task TwoInstances_WithRedisConfigured_ShareChatRooms()
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string> { ["Demo__Redis"] = redis.Configuration };
        await using var first = await DemoProcess.StartAsync(environment);
        await using var second = await DemoProcess.StartAsync(environment);
        Assert.NotEqual(first.Address.Port, second.Address.Port);

        int annJoinSeen = 0;
        using var ann = await Client.ConnectAsync(first.WebSocketUrl("/chat/shared?name=ann"));
        DemoScenarios.AssertEvent(await DemoScenarios.ReceiveJsonAsync(ann), "welcome", "shared", "ann", null, members: 1);

        // Each instance counts its own members; the join reaches the other instance through Redis.
        using var bob = await Client.ConnectAsync(second.WebSocketUrl("/chat/shared?name=bob"));
        DemoScenarios.AssertEvent(await NextForBobAsync(), "welcome", "shared", "bob", null, members: 1);
        DemoScenarios.AssertEvent(await DemoScenarios.ReceiveJsonAsync(ann), "joined", "shared", "bob", null, members: 1);

        await ann.SendTextAsync("across instances");
        DemoScenarios.AssertEvent(await DemoScenarios.ReceiveJsonAsync(ann), "message", "shared", "ann", "across instances", members: 1);
        DemoScenarios.AssertEvent(await NextForBobAsync(), "message", "shared", "ann", "across instances", members: 1);
        Assert.True(annJoinSeen <= 1);

        await bob.SendTextAsync("heard you");
        DemoScenarios.AssertEvent(await DemoScenarios.ReceiveJsonAsync(ann), "message", "shared", "bob", "heard you", members: 1);

        await ann.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal("", first.Errors);
        Assert.Equal("", second.Errors);

        // Ann's join notice went to Redis before Bob's instance had anyone in the room, and an instance subscribes to a
        // room only from its first member on, so Bob should not see it; the publish is fire-and-forget, so one that
        // reached Redis late is tolerated once, anywhere before Ann's message. Nothing else may come in between.
        async Task<System.Text.Json.JsonDocument> NextForBobAsync()
        {
            var next = await DemoScenarios.ReceiveJsonAsync(bob);
            if (next.RootElement.GetProperty("type").GetString() == "joined" && next.RootElement.GetProperty("user").GetString() == "ann")
            {
                annJoinSeen++;
                next.Dispose();
                next = await DemoScenarios.ReceiveJsonAsync(bob);
            }

            return next;
        }
    }
}
