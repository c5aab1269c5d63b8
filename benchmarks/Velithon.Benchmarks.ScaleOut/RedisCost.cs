using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Scaling;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// What Redis itself spends on the backplane's traffic, on raw RESP connections so no client library's work is in the
/// figures: CPU per published message by number of subscribers (Redis's own <c>used_cpu_user + used_cpu_sys</c>,
/// which the other processes on the machine do not change, unlike wall-clock throughput), and memory per channel and
/// per subscription (<c>used_memory</c>).
/// </summary>
public static class RedisCost
{
    /// <summary>The size of a Velithon envelope carrying a 45-character chat message (19 bytes of header).</summary>
    private const int PayloadBytes = 64;
    private const int Pipeline = 100;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<string> MeasureAsync(int rounds, int[] subscriberCounts, int publishes)
    {
        await using var redis = await RedisProcess.StartAsync();
        using var info = await RespClient.ConnectAsync(redis.Port);
        var text = new StringBuilder();
        text.AppendLine(string.Create(Invariant, $"Redis CPU per published {PayloadBytes}-byte message and publish throughput, {publishes:N0} publishes per round, pipelined {Pipeline} deep on one connection, {rounds} rounds (median, min–max)."));
        text.AppendLine();
        text.AppendLine("| command | subscribers | Redis CPU µs per publish | µs per subscriber (beyond none) | publishes/s | deliveries/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (bool sharded in new[] { false, true })
        {
            double? none = null;
            foreach (int subscribers in subscriberCounts)
            {
                var cpu = new List<double>();
                var rates = new List<double>();
                for (int round = 0; round < rounds; round++)
                {
                    var (cpuMicroseconds, rate) = await RoundAsync(redis.Port, info, sharded, subscribers, publishes, $"bench:{(sharded ? "s" : "c")}:{subscribers}:{round}");
                    cpu.Add(cpuMicroseconds);
                    rates.Add(rate);
                }

                // Redis's cost is about a + b × subscribers: b from the difference with the row without subscribers.
                if (subscribers == 0)
                {
                    none = Median(cpu);
                }

                string perSubscriber = subscribers > 0 && none is { } a ? ((Median(cpu) - a) / subscribers).ToString("F2", Invariant) : "";
                text.AppendLine(string.Create(Invariant,
                    $"| {(sharded ? "SPUBLISH" : "PUBLISH")} | {subscribers} | {Median(cpu):F2} ({cpu.Min():F2}–{cpu.Max():F2}) | {perSubscriber} | {Median(rates):N0} ({rates.Min():N0}–{rates.Max():N0}) | {Median(rates) * subscribers:N0} |"));
            }
        }

        return text.ToString();
    }

    private static async Task<(double CpuMicroseconds, double Rate)> RoundAsync(int port, RespClient info, bool sharded, int subscribers, int publishes, string channel)
    {
        var readers = new List<(RespClient Client, PushCounter Counter, Task Reading)>();
        try
        {
            for (int i = 0; i < subscribers; i++)
            {
                var client = await RespClient.ConnectAsync(port);
                client.Command(sharded ? "SSUBSCRIBE" : "SUBSCRIBE", channel);
                var counter = new PushCounter();
                readers.Add((client, counter, Task.Run(() => Drain(client, counter))));
            }

            using var publisher = await RespClient.ConnectAsync(port);
            string payload = new('x', PayloadBytes);
            var batch = new List<byte>();
            for (int i = 0; i < Pipeline; i++)
            {
                batch.AddRange(RespClient.Encode(sharded ? "SPUBLISH" : "PUBLISH", channel, payload));
            }

            byte[] bytes = [.. batch];
            double cpuBefore = info.CpuSeconds();
            var clock = Stopwatch.StartNew();
            for (int sent = 0; sent < publishes; sent += Pipeline)
            {
                publisher.WriteRaw(bytes);
                for (int i = 0; i < Pipeline; i++)
                {
                    publisher.ReadReply();
                }
            }

            var deadline = Stopwatch.StartNew();
            while (readers.Any(reader => reader.Counter.Messages < publishes))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                {
                    throw new TimeoutException("Subscribers did not receive every message.");
                }

                await Task.Delay(1);
            }

            double seconds = clock.Elapsed.TotalSeconds;
            double cpu = info.CpuSeconds() - cpuBefore;
            return (cpu * 1e6 / publishes, publishes / seconds);
        }
        finally
        {
            foreach (var (client, _, reading) in readers)
            {
                client.Dispose();
                try
                {
                    await reading;
                }
                catch (Exception exception) when (exception is IOException or ObjectDisposedException)
                {
                    // Closed under the reader, as intended.
                }
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Drain(RespClient client, PushCounter counter)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read = client.Stream.Read(buffer);
            if (read == 0)
            {
                return;
            }

            counter.Feed(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// Redis memory for <paramref name="channels"/> subscriptions, two ways: each on its own channel (one subscriber per
    /// channel), and ten subscribers on each of a tenth as many channels. From the two, bytes per channel and per
    /// subscription. Then what one Velithon server holds per subscribed topic (the Redis backplane and
    /// StackExchange.Redis), from its managed heap.
    /// </summary>
    public static async Task<string> MeasureMemoryAsync(int channels)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(Invariant, $"Redis used_memory for {channels:N0} subscriptions (connections opened before the first figure)."));
        text.AppendLine();
        text.AppendLine("| command | channels × subscribers | bytes per subscription | per channel | per further subscriber |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (bool sharded in new[] { false, true })
        {
            double perPairSingle = await SubscribeBytesAsync(sharded, channels, connections: 1, sameChannels: false);
            double perPairShared = await SubscribeBytesAsync(sharded, channels, connections: 10, sameChannels: true);

            // m = c·channels + s·subscriptions; single: channels = subscriptions = C; shared: channels = C / 10.
            double perChannel = (perPairSingle - perPairShared) * 10 / 9;
            double perSubscriber = perPairSingle - perChannel;
            string command = sharded ? "SSUBSCRIBE" : "SUBSCRIBE";
            text.AppendLine(string.Create(Invariant, $"| {command} | {channels:N0} × 1 | {perPairSingle:N0} | {perChannel:N0} | {perSubscriber:N0} |"));
            text.AppendLine(string.Create(Invariant, $"| {command} | {channels / 10:N0} × 10 | {perPairShared:N0} | | |"));
        }

#if !ONE_CHANNEL
        text.AppendLine();
        text.AppendLine(await ServerBytesPerTopicAsync(Math.Min(channels, 20_000)));
#endif
        return text.ToString();
    }

    private static async Task<double> SubscribeBytesAsync(bool sharded, int channels, int connections, bool sameChannels)
    {
        await using var redis = await RedisProcess.StartAsync();
        using var info = await RespClient.ConnectAsync(redis.Port);
        var clients = new List<RespClient>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                clients.Add(await RespClient.ConnectAsync(redis.Port));
            }

            double before = info.Info("memory", "used_memory");
            int perConnection = channels / connections;
            for (int c = 0; c < connections; c++)
            {
                for (int start = 0; start < perConnection; start += 1000)
                {
                    var names = Enumerable.Range(start, Math.Min(1000, perConnection - start))
                        .Select(i => sameChannels ? $"velithon:g:room{i:D7}" : $"velithon:g:room{c:D2}{i:D7}").ToArray();
                    clients[c].Write([sharded ? "SSUBSCRIBE" : "SUBSCRIBE", .. names]);
                    for (int i = 0; i < names.Length; i++)
                    {
                        clients[c].ReadReply();
                    }
                }
            }

            double after = info.Info("memory", "used_memory");
            return (after - before) / (perConnection * connections);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

#if !ONE_CHANNEL
    /// <summary>
    /// A Velithon server's managed memory per subscribed group topic: the backplane's own record and the client
    /// library's subscription and ordered queue, asked for through the backplane's public contract
    /// (<see cref="WebSocketBackplane.SubscribeAsync"/>) as the hub asks for it.
    /// </summary>
    private static async Task<string> ServerBytesPerTopicAsync(int topics)
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var server = await ScaleOutServer.StartAsync(redis.Port, "memory");
        var backplane = server.Services.GetServices<WebSocketBackplane>().Single();
        long before = Heap();
        for (int i = 0; i < topics; i++)
        {
            await backplane.SubscribeAsync(BackplaneTopic.ForGroup($"room{i:D7}"), CancellationToken.None);
        }

        long after = Heap();
        return string.Create(Invariant, $"A Velithon server's managed heap per subscribed group topic (backplane and StackExchange.Redis), {topics:N0} topics: {(after - before) / (double)topics:N0} bytes.");

        static long Heap()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }
#endif
}
