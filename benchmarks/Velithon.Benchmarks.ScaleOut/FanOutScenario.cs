using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// One point of the fan-out matrix: N servers, G rooms of <c>members</c> members each, placed on the servers by
/// <see cref="Placement"/>, then M chat messages, each sent by a random member of a random room and broadcast by its
/// server to the room. Counts what Redis sends each server during the messages (on the wire, through each server's
/// <see cref="CountingProxy"/>) beside what the placement predicts for a design that sends a room's message only to
/// the servers holding its members.
/// </summary>
public static class FanOutScenario
{
    public sealed record Result(
        string Design, string Placement, int Servers, int Groups, int Members, int Messages,
        long[] Received, long[] Predicted, long[] Bytes, long Deliveries, long ExpectedDeliveries,
        long Subscriptions, long Channels, double RedisCpuMs, double Seconds, long MetricReceived, long MetricPublished, string Nodes = "");

    public static async Task<Result> RunAsync(RedisTarget redis, string design, Placement placement, int servers, int groups, int members, int messages, int seed)
    {
        var random = new Random(seed);
        string prefix = $"bench{seed}n{servers}g{groups}";
        var fleet = new List<ScaleOutServer>();
        var clients = new List<Member>();
        try
        {
            for (int i = 0; i < servers; i++)
            {
                fleet.Add(await StartServerAsync(redis, prefix, i + 1));
            }

            // Where each member connects.
            var rooms = new List<Member>[groups];
            var connects = new List<(int Group, int Server)>();
            for (int g = 0; g < groups; g++)
            {
                rooms[g] = [];
                foreach (int server in placement.Place(random, servers, members))
                {
                    connects.Add((g, server));
                }
            }

            var counter = new DeliveryCounter();
            using (var gate = new SemaphoreSlim(32))
            {
                var joining = connects.Select(async connect =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var member = await Member.JoinAsync(fleet[connect.Server].BaseUri, connect.Group, connect.Server, counter);
                        lock (rooms)
                        {
                            rooms[connect.Group].Add(member);
                            clients.Add(member);
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }).ToList();
                await Task.WhenAll(joining);
            }

            // The one-channel build subscribes at start, the per-topic one before each join completes; either way the
            // fleet is quiet now.
            await QuietAsync(fleet);
            var infos = new List<RespClient>();
            foreach (var node in redis.Nodes)
            {
                infos.Add(await RespClient.ConnectAsync(node.Port));
            }

            long channels = 0;
            long subscriptions = 0;
            foreach (var info in infos)
            {
                var stats = RespClient.ParseInfo((string)info.Command("INFO", "stats")!);
                channels += (long)(stats.GetValueOrDefault("pubsub_channels") + stats.GetValueOrDefault("pubsubshard_channels"));
                subscriptions += CountSubscriptions((string)info.Command("CLIENT", "LIST")!);
            }

            long[] before = fleet.Select(Received).ToArray();
            long[] bytesBefore = fleet.Select(server => server.Proxy?.Bytes ?? 0).ToArray();
            long metricReceivedBefore = fleet.Sum(server => server.Metric("velithon.backplane.messages.received"));
            long metricPublishedBefore = fleet.Sum(server => server.Metric("velithon.backplane.messages.published"));
            var nodesBefore = await redis.NodeStatsAsync();
            var predicted = new long[servers];
            long expected = 0;
            var clock = Stopwatch.StartNew();

            const int Batch = 100;
            for (int i = 0; i < messages; i++)
            {
                var room = rooms[random.Next(groups)];
                var sender = room[random.Next(room.Count)];
                foreach (int server in room.Select(member => member.Server).Distinct())
                {
                    predicted[server]++;
                }

                expected += room.Count;
                await sender.SendAsync(string.Create(CultureInfo.InvariantCulture, $"message {i:D8} to room {sender.Group:D6} ....."));
                if ((i + 1) % Batch == 0 || i == messages - 1)
                {
                    // Bounded: a slow member's queue is 256 messages, and a batch stays far below it.
                    await counter.WaitForAsync(expected, TimeSpan.FromSeconds(60));
                }
            }

            double seconds = clock.Elapsed.TotalSeconds;
            await QuietAsync(fleet);
            var nodesAfter = await redis.NodeStatsAsync();
            foreach (var info in infos)
            {
                info.Dispose();
            }

            double cpu = nodesAfter.Sum(node => node.Cpu) - nodesBefore.Sum(node => node.Cpu);
            string nodes = redis.Cluster
                ? string.Join("; ", nodesAfter.Select((node, i) => string.Create(CultureInfo.InvariantCulture,
                    $"node {i + 1}: {node.Publishes - nodesBefore[i].Publishes:N0} publishes, {node.BusSent - nodesBefore[i].BusSent:N0} sent on the bus, {(node.Cpu - nodesBefore[i].Cpu) * 1000:N0} ms CPU")))
                : "";
            return new Result(
                design, placement.Name + (redis.Cluster ? " (cluster)" : ""), servers, groups, members, messages,
                fleet.Select((server, i) => Received(server) - before[i]).ToArray(),
                predicted,
                fleet.Select((server, i) => (server.Proxy?.Bytes ?? 0) - bytesBefore[i]).ToArray(),
                counter.Count, expected, subscriptions, channels, cpu * 1000, seconds,
                fleet.Sum(server => server.Metric("velithon.backplane.messages.received")) - metricReceivedBefore,
                fleet.Sum(server => server.Metric("velithon.backplane.messages.published")) - metricPublishedBefore,
                nodes);
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.CloseAsync()));
            foreach (var server in fleet)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the fleet's next server.</summary>
    private static async Task<ScaleOutServer> StartServerAsync(RedisTarget redis, string prefix, int fleetSize)
    {
#if ONE_CHANNEL
        // The one-channel backplane subscribes once at start and tries again only when a lost connection is restored:
        // when its first SUBSCRIBE finds the new connection not yet usable (seen here on a loaded machine, "No
        // connection is active/available"), that server never receives anything. Its successor retries until Redis
        // confirms. So a server that has not subscribed within 5 seconds is replaced, and the fleet measured is the
        // one that design gives when it starts well.
        for (int attempt = 0; ; attempt++)
        {
            var server = await StartAsync();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                // On a cluster each node counts the subscriptions made on it.
                long subscribed = 0;
                foreach (var node in redis.Nodes)
                {
                    using var info = await RespClient.ConnectAsync(node.Port);
                    subscribed += (long)((object?[])info.Command("PUBSUB", "NUMSUB", prefix + ":broadcast")!)[1]!;
                }

                if (subscribed >= fleetSize)
                {
                    return server;
                }

                await Task.Delay(20);
            }

            await server.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException("A one-channel server did not subscribe in four attempts.");
            }
        }
#else
        return await StartAsync();
#endif

        Task<ScaleOutServer> StartAsync() => redis.Cluster
            ? ScaleOutServer.StartOnClusterAsync(redis.Configuration, prefix)
            : ScaleOutServer.StartAsync(redis.Nodes[0].Port, prefix);
    }

    /// <summary>
    /// Redis messages the server received: counted on the wire by its proxy, or on a cluster (no proxy) by its metrics:
    /// messages from other servers, plus its own, which Redis echoes to it since it is subscribed to what it publishes
    /// to. The one-channel build has no metrics: 0 on a cluster.
    /// </summary>
    private static long Received(ScaleOutServer server) =>
        server.Proxy?.Messages ?? server.Metric("velithon.backplane.messages.received") + server.Metric("velithon.backplane.messages.published");

    /// <summary>Waits until no server's proxy has seen a new byte from Redis for 300 ms (at most 20 s).</summary>
    private static async Task QuietAsync(List<ScaleOutServer> fleet)
    {
        long last = -1;
        int stable = 0;
        var deadline = Stopwatch.StartNew();
        while (stable < 3 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
            long now = fleet.Sum(server => server.Proxy?.Bytes ?? server.Metric("velithon.backplane.messages.received"));
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
    }

    /// <summary>The sum of <c>sub=</c> and <c>ssub=</c> over Redis's clients: channel subscriptions held.</summary>
    private static long CountSubscriptions(string clientList)
    {
        long total = 0;
        foreach (var field in clientList.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (field.StartsWith("sub=", StringComparison.Ordinal) || field.StartsWith("ssub=", StringComparison.Ordinal))
            {
                total += long.Parse(field.AsSpan(field.IndexOf('=', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary>Deliveries to every member, and a wait for a number of them that wakes on the delivery that reaches it.</summary>
    public sealed class DeliveryCounter
    {
        private long _count;
        private long _target = long.MaxValue;
        private TaskCompletionSource? _reached;

        public long Count => Interlocked.Read(ref _count);

        public void Add()
        {
            if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _target))
            {
                Volatile.Read(ref _reached)?.TrySetResult();
            }
        }

        /// <summary>One waiter at a time.</summary>
        public async Task WaitForAsync(long expected, TimeSpan timeout)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _reached, reached);
            Volatile.Write(ref _target, expected);
            if (Count >= expected)
            {
                return;
            }

            try
            {
                await reached.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{Count} of {expected} deliveries after {timeout}.");
            }
        }
    }

    /// <summary>A member: a real WebSocket client in one room on one server, counting what it receives.</summary>
    public sealed class Member
    {
        private readonly ClientWebSocket _socket;
        private readonly Task _reading;

        private Member(ClientWebSocket socket, int group, int server, DeliveryCounter counter)
        {
            _socket = socket;
            Group = group;
            Server = server;
            _reading = ReadAsync(counter);
        }

        public int Group { get; }

        public int Server { get; }

        public static async Task<Member> JoinAsync(Uri server, int group, int index, DeliveryCounter counter)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(server, $"/rooms/room{group:D6}"), CancellationToken.None);
            var buffer = new byte[64];
            var joined = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (Encoding.UTF8.GetString(buffer, 0, joined.Count) != "joined")
            {
                throw new InvalidOperationException("The room did not say joined.");
            }

            return new Member(socket, group, index, counter);
        }

        public Task SendAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        private async Task ReadAsync(DeliveryCounter counter)
        {
            var buffer = new byte[256];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (result.EndOfMessage)
                    {
                        counter.Add();
                    }
                }
            }
            catch (WebSocketException)
            {
                // The server went away first.
            }
        }

        public async Task CloseAsync()
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                await _reading.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is WebSocketException or TimeoutException or ObjectDisposedException)
            {
                // Closing is best effort between measurements.
            }

            _socket.Dispose();
        }
    }
}
