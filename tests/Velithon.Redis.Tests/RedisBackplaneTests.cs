using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Velithon.Redis.Tests;

/// <summary>Two Velithon servers sharing chat rooms through a real redis-server.</summary>
public sealed class RedisBackplaneTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BroadcastOnOneServer_ReachesTheGroupOnTheOther_InOrder_AndNoOtherGroup()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var serverA = await ChatServer.StartAsync(redis.Configuration);
        await using var serverB = await ChatServer.StartAsync(redis.Configuration);
        await using var alice = await RoomClient.JoinAsync(serverA, "/rooms/red");
        await using var bob = await RoomClient.JoinAsync(serverB, "/rooms/red");
        await using var carol = await RoomClient.JoinAsync(serverB, "/rooms/blue");
        await WaitUntilConnectedAsync(serverA, "red", bob);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(1, await serverA.Hub.Group("red").SendTextAsync($"m{i}"));
        }

        var expected = Enumerable.Range(0, 100).Select(i => $"m{i}").ToList();
        Assert.Equal(expected, await bob.ReceiveAfterProbesAsync(100));
        Assert.Equal(expected, await alice.ReceiveAfterProbesAsync(100));

        // A message a client sends on server B reaches its room on server A, and only that room.
        await bob.SendAsync("hello from B");
        Assert.Equal("hello from B", await alice.ReceiveAsync());
        Assert.Equal("hello from B", await bob.ReceiveAsync());
        await serverA.Hub.Group("blue").SendTextAsync("blue only");
        Assert.Equal("blue only", await carol.ReceiveAsync());

        // Broadcasts to everyone cross too.
        await serverB.Hub.All.SendTextAsync("everyone");
        Assert.Equal("everyone", await alice.ReceiveAsync());
        Assert.Equal("everyone", await bob.ReceiveAsync());
        Assert.Equal("everyone", await carol.ReceiveAsync());
    }

    [Fact]
    public async Task RedisOutage_KeepsLocalDelivery_LogsOnce_AndCrossServerDeliveryResumes()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var serverA = await ChatServer.StartAsync(redis.Configuration);
        await using var serverB = await ChatServer.StartAsync(redis.Configuration);
        await using var alice = await RoomClient.JoinAsync(serverA, "/rooms/green");
        await using var bob = await RoomClient.JoinAsync(serverB, "/rooms/green");
        await WaitUntilConnectedAsync(serverA, "green", bob);

        await redis.KillAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            // Keep broadcasting through the outage: every one is delivered locally, and it is logged once.
            for (int i = 0; !timeout.IsCancellationRequested; i++)
            {
                Assert.Equal(1, await serverA.Hub.Group("green").SendTextAsync($"local{i}"));
                // Alice is in the group too, so the connection probes reach her first, in order, however late.
                Assert.Equal($"local{i}", (await alice.ReceiveAfterProbesAsync(1)).Single());
                if (i >= 20 && Count(serverA, "RedisUnreachable") == 1)
                {
                    break;
                }

                await Task.Delay(20, timeout.Token);
            }
        }

        Assert.Equal(1, Count(serverA, "RedisUnreachable"));
        Assert.Contains(serverA.Logs.Entries, entry => entry.EventName == "RedisUnreachable" && entry.Level == LogLevel.Warning);

        await redis.RestartAsync();
        bob.Clear();
        await WaitUntilConnectedAsync(serverA, "green", bob);
        Assert.Equal(1, Count(serverA, "RedisUnreachable"));
        Assert.Equal(1, Count(serverA, "RedisRestored"));

        await serverA.Hub.Group("green").SendTextAsync("after the outage");
        Assert.Equal("after the outage", (await bob.ReceiveAfterProbesAsync(1)).Single());
    }

    private static int Count(ChatServer server, string eventName) =>
        server.Logs.Entries.Count(entry => entry.EventName == eventName);

    /// <summary>
    /// Broadcasts probes from <paramref name="from"/> until <paramref name="member"/>, on another server, gets
    /// one: the subscription and the connection to Redis are then live. Bounded by the timeout.
    /// </summary>
    private static async Task WaitUntilConnectedAsync(ChatServer from, string group, RoomClient member)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        for (int i = 0; ; i++)
        {
            await from.Hub.Group(group).SendTextAsync($"probe{i}");
            if (await member.TryReceiveAsync(TimeSpan.FromMilliseconds(100)) is { } text)
            {
                Assert.StartsWith("probe", text);
                return;
            }

            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A ClientWebSocket in a room, with its messages read into a channel so tests can wait with timeouts.</summary>
    private sealed class RoomClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
        private readonly Task _reading;

        private RoomClient(ClientWebSocket socket)
        {
            _socket = socket;
            _reading = ReadAsync();
        }

        public static async Task<RoomClient> JoinAsync(ChatServer server, string path)
        {
            var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(server.Url(path), timeout.Token);
            var client = new RoomClient(socket);
            Assert.Equal("joined", await client.ReceiveAsync());
            return client;
        }

        public Task SendAsync(string text) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);

        public async Task<string> ReceiveAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        public async Task<string?> TryReceiveAsync(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                return await _messages.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        /// <summary>Skips leftover probes, then returns the next <paramref name="count"/> messages.</summary>
        public async Task<List<string>> ReceiveAfterProbesAsync(int count)
        {
            var received = new List<string>();
            while (received.Count < count)
            {
                var text = await ReceiveAsync();
                if (received.Count > 0 || !text.StartsWith("probe", StringComparison.Ordinal))
                {
                    received.Add(text);
                }
            }

            return received;
        }

        public void Clear()
        {
            while (_messages.Reader.TryRead(out _))
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Abort();
            await _reading;
            _socket.Dispose();
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    // Messages here are small: one frame each.
                    await _messages.Writer.WriteAsync(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
            }
            catch (WebSocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            catch (OperationCanceledException)
            {
                // DisposeAsync aborted the socket.
            }
            finally
            {
                _messages.Writer.TryComplete();
            }
        }
    }
}
