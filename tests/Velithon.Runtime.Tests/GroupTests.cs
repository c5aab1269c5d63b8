using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>Groups and broadcast over real sockets: membership, delivery order, exclusion, slow consumers.</summary>
public sealed class GroupTests
{
    private static async Task<ClientWebSocket> JoinAsync(TestServer server, string pathAndQuery)
    {
        var client = await Client.ConnectAsync(server.Url(pathAndQuery));
        Assert.Equal("joined", await client.ReceiveTextAsync());
        return client;
    }

    [Fact]
    public async Task BroadcastToGroupOf100_DeliversEveryMessageOnceAndInOrder()
    {
        await using var server = await TestServer.StartAsync();
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < 100; i++)
        {
            clients.Add(await JoinAsync(server, "/rooms/hundred"));
        }

        Assert.Equal(100, server.Hub.GetMemberCount("hundred"));
        const int Messages = 200;
        var receivers = clients.Select(async client =>
        {
            var received = new List<string>();
            while (true)
            {
                var text = await client.ReceiveTextAsync();
                if (text == "end")
                {
                    return received;
                }

                received.Add(text);
            }
        }).ToList();

        for (int i = 0; i < Messages; i++)
        {
            Assert.Equal(100, await server.Hub.Group("hundred").SendTextAsync($"m{i}"));
        }

        await server.Hub.Group("hundred").SendTextAsync("end");
        var expected = Enumerable.Range(0, Messages).Select(i => $"m{i}").ToList();
        foreach (var received in await Task.WhenAll(receivers))
        {
            Assert.Equal(expected, received);
        }

        foreach (var client in clients)
        {
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            client.Dispose();
        }

        await Client.EventuallyAsync(() => server.Hub.GetMemberCount("hundred") == 0);
        Assert.DoesNotContain("hundred", server.Hub.GetGroupNames());
    }

    [Fact]
    public async Task RelayExceptSender_ReachesTheOthersOnlyAndGroupsStayApart()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await JoinAsync(server, "/rooms/red");
        using var bob = await JoinAsync(server, "/rooms/red");
        using var carol = await JoinAsync(server, "/rooms/blue");

        await alice.SendTextAsync("hello red");
        Assert.Equal("hello red", await bob.ReceiveTextAsync());

        // Alice and Carol must not have received it: the next thing each sees is this marker.
        await server.Hub.All.SendTextAsync("marker");
        Assert.Equal("marker", await alice.ReceiveTextAsync());
        Assert.Equal("marker", await bob.ReceiveTextAsync());
        Assert.Equal("marker", await carol.ReceiveTextAsync());

        var members = server.Hub.GetMembers("red");
        Assert.Equal(2, members.Count);
        Assert.All(members, member => Assert.Equal(["red"], server.Hub.GetGroups(member)));
        Assert.Equal(3, server.Hub.ConnectionCount);
        Assert.Equal(["blue", "red"], server.Hub.GetGroupNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BytesBroadcast_ReachesEveryMemberIncludingTheSender()
    {
        await using var server = await TestServer.StartAsync();
        using var first = await JoinAsync(server, "/rooms/bytes");
        using var second = await JoinAsync(server, "/rooms/bytes");

        byte[] payload = [1, 2, 3, 250];
        await first.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
        foreach (var client in new[] { first, second })
        {
            var (type, data) = await client.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(payload, data);
        }
    }

    [Fact]
    public async Task EndpointClass_JoinsAGroupAndBroadcastsJson()
    {
        await using var server = await TestServer.StartAsync();
        using var first = await Client.ConnectAsync(server.Url("/lobby"));
        var joined = JsonSerializer.Deserialize(await first.ReceiveTextAsync(), TestJsonContext.Default.ChatMessage);
        Assert.Equal(new ChatMessage("server", "someone joined", 1), joined);

        using var second = await Client.ConnectAsync(server.Url("/lobby"));
        foreach (var client in new[] { first, second })
        {
            var message = JsonSerializer.Deserialize(await client.ReceiveTextAsync(), TestJsonContext.Default.ChatMessage);
            Assert.Equal(new ChatMessage("server", "someone joined", 2), message);
        }

        await second.SendTextAsync("hi from second");
        Assert.Equal("hi from second", await first.ReceiveTextAsync());
    }

    [Fact]
    public async Task Membership_EndsWithTheConnection()
    {
        await using var server = await TestServer.StartAsync();
        var client = await JoinAsync(server, "/rooms/short");
        var member = Assert.Single(server.Hub.GetMembers("short"));
        Assert.False(server.Hub.AddToGroup(member, "short"));
        Assert.True(server.Hub.AddToGroup(member, "other"));
        Assert.Equal(["other", "short"], server.Hub.GetGroups(member).Order(StringComparer.Ordinal));
        Assert.True(server.Hub.RemoveFromGroup(member, "other"));
        Assert.False(server.Hub.RemoveFromGroup(member, "other"));
        Assert.Equal(0, server.Hub.GetMemberCount("other"));

        client.Abort();
        client.Dispose();
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 0);
        Assert.Equal(0, server.Hub.GetMemberCount("short"));
        Assert.Empty(server.Hub.GetGroups(member));
        Assert.False(server.Hub.AddToGroup(member, "short"));
        Assert.Equal(0, await server.Hub.Group("short").SendTextAsync("nobody"));
    }

    [Fact]
    public async Task StalledMember_LosesMessagesWhileTheOthersGetAllAndMemoryStaysBounded()
    {
        const int QueueLimit = 64;
        const int MessageSize = 16 * 1024;
        const int Messages = 2000;
        const int Batch = 32;
        await using var server = await TestServer.StartAsync(configure: options =>
        {
            options.BroadcastQueueLimit = QueueLimit;
            options.SlowConsumerPolicy = SlowConsumerPolicy.DropMessage;
        });
        using var metrics = new MetricRecorder(server);

        await using var stalled = await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, "/rooms/stall");
        Assert.Equal("joined", Encoding.UTF8.GetString((await stalled.ReadFrameAsync())!.Payload));

        // From here on the stalled client never reads again.
        var readers = new List<ClientWebSocket>();
        for (int i = 0; i < 4; i++)
        {
            readers.Add(await JoinAsync(server, "/rooms/stall"));
        }

        var progress = new int[readers.Count];
        var batchReached = Enumerable.Range(0, Messages / Batch).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var receiving = readers.Select((client, index) => Task.Run(async () =>
        {
            for (int expected = 0; expected < Messages; expected++)
            {
                var (type, data) = await client.ReceiveMessageAsync();
                Assert.Equal(WebSocketMessageType.Binary, type);
                Assert.Equal(MessageSize, data.Length);
                Assert.Equal(expected, BinaryPrimitives.ReadInt32BigEndian(data));
                Volatile.Write(ref progress[index], expected + 1);
                if ((expected + 1) % Batch == 0 && progress.All(count => Volatile.Read(ref count) >= expected + 1))
                {
                    batchReached[expected / Batch].TrySetResult();
                }
            }
        })).ToList();

        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var payload = new byte[MessageSize];
        int deliveredToAll = 0;
        for (int i = 0; i < Messages; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(payload, i);
            int recipients = await server.Hub.Group("stall").SendBytesAsync(payload);
            deliveredToAll += recipients == 5 ? 1 : 0;

            // Pace the broadcast to the readers (not to the stalled client): they must never fall a queue behind.
            if ((i + 1) % Batch == 0)
            {
                await batchReached[i / Batch].Task.WaitAsync(Client.Timeout);
            }
        }

        await Task.WhenAll(receiving).WaitAsync(Client.Timeout);
        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);

        // 2000 x 16 KiB = 31 MiB went to a client that reads nothing; the server holds at most its queue.
        Assert.True(memoryAfter - memoryBefore < 8 * 1024 * 1024, $"Managed memory grew by {(memoryAfter - memoryBefore) / 1024} KiB while a member stalled.");
        long dropped = metrics.Total("velithon.broadcast.dropped", "velithon.slow_consumer_policy=drop_message");
        Assert.True(dropped > Messages / 2, $"Only {dropped} messages were dropped for the stalled member.");
        Assert.Equal(Messages, deliveredToAll + dropped);
        Assert.Equal(5, server.Hub.ConnectionCount);

        foreach (var reader in readers)
        {
            reader.Abort();
            reader.Dispose();
        }
    }

    [Theory]
    [InlineData(SlowConsumerPolicy.ClosePolicyViolation, WebSocketCloseCode.PolicyViolation)]
    [InlineData(SlowConsumerPolicy.CloseTryAgainLater, WebSocketCloseCode.TryAgainLater)]
    public async Task StalledMember_IsClosedWithThePolicysCode(SlowConsumerPolicy policy, int expectedCode)
    {
        // The close handshake a stalled peer cannot answer ends at the close timeout, on a test clock: the test moves
        // it once the server has started that timer, instead of waiting a second.
        var clock = new Velithon.Testing.TestClock();
        var closeTimeout = TimeSpan.FromSeconds(1);
        await using var server = await TestServer.StartAsync(
            configure: options =>
            {
                options.BroadcastQueueLimit = 8;
                options.SlowConsumerPolicy = policy;
                options.CloseTimeout = closeTimeout;
            },
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var metrics = new MetricRecorder(server);
        string id = $"stalled-{policy}";
        await using var stalled = await RawWebSocket.ConnectWithSmallReceiveBufferAsync(server.Http1Base, $"/rooms/closing?id={id}");
        Assert.Equal("joined", Encoding.UTF8.GetString((await stalled.ReadFrameAsync())!.Payload));
        using var reader = await JoinAsync(server, "/rooms/closing");

        var ending = server.Probe.WaitAsync(id);
        var closing = clock.WaitForTimerAsync(closeTimeout);
        var payload = new byte[16 * 1024];
        for (int i = 0; i < 10_000 && !ending.IsCompleted && !closing.IsCompleted; i++)
        {
            await server.Hub.Group("closing").Except(server.Hub.GetMembers("closing").First(member => member.Url.Query.Length == 0)).SendBytesAsync(payload);
            if (i % 16 == 15)
            {
                await Task.Yield();
            }
        }

        await closing;
        clock.Advance(closeTimeout);
        var end = await ending.WaitAsync(Client.Timeout);
        Assert.Equal(expectedCode, end.Code);
        Assert.True(metrics.Total("velithon.broadcast.dropped") >= 1);

        // The reader, which got nothing (it was excluded), is untouched.
        await reader.SendTextAsync("still here");
        await server.Hub.Group("closing").SendTextAsync("and served");
        Assert.Equal("and served", await reader.ReceiveTextAsync());
    }
}
