using System.Diagnostics;
using System.Net.WebSockets;

namespace Velithon.Benchmarks;

/// <summary>
/// One echo measurement: throughput, latency percentiles, server allocations per message, and the server's CPU time
/// per message (what a throughput figure on shared cores is made of).
/// </summary>
public sealed record EchoResult(
    double MessagesPerSecond, double P50Microseconds, double P99Microseconds, double P999Microseconds, double AllocatedBytesPerMessage,
    double CpuMicrosecondsPerMessage = double.NaN);

/// <summary>One broadcast measurement: deliveries per second and fan-out latency (send to last delivery).</summary>
public sealed record BroadcastResult(double DeliveriesPerSecond, double P50Milliseconds, double P99Milliseconds);

/// <summary>The load scenarios, each bounded in time and count.</summary>
public static class Scenarios
{
    /// <summary>
    /// <paramref name="connections"/> clients each send a message and wait for its echo, in a loop, for
    /// <paramref name="duration"/> after a warm-up; every round trip's latency is recorded.
    /// </summary>
    public static async Task<EchoResult> EchoAsync(ServerProcess server, string path, int connections, int size, WebSocketMessageType kind, TimeSpan duration)
    {
        var clients = await ConnectManyAsync(server, path, connections);
        try
        {
            var payload = new byte[size];
            Array.Fill(payload, (byte)'v');
            await RunEchoLoopsAsync(clients, payload, kind, TimeSpan.FromSeconds(0.5), record: null);

            var before = await server.ReadStatsAsync();
            var cpuBefore = server.ReadCpuTime();
            var latencies = new List<long>[connections];
            var clock = Stopwatch.StartNew();
            long messages = await RunEchoLoopsAsync(clients, payload, kind, duration, latencies);
            double seconds = clock.Elapsed.TotalSeconds;
            var cpuAfter = server.ReadCpuTime();
            var after = await server.ReadStatsAsync();

            var all = latencies.SelectMany(l => l).ToArray();
            Array.Sort(all);
            double ticksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;
            double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] / ticksPerMicrosecond;

            // The stats request itself allocates a little; over tens of thousands of messages it rounds away.
            return new EchoResult(
                messages / seconds, Percentile(0.50), Percentile(0.99), Percentile(0.999), (after.Allocated - before.Allocated) / (double)messages,
                (cpuAfter - cpuBefore).TotalMicroseconds / messages);
        }
        finally
        {
            await CloseManyAsync(clients);
        }
    }

    /// <summary>Opens and closes connections (handshake, close handshake) from several workers for <paramref name="duration"/>.</summary>
    public static async Task<double> HandshakesAsync(ServerProcess server, string path, int workers, TimeSpan duration)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                using var client = new ClientWebSocket();
                await client.ConnectAsync(new Uri(server.WebSocketBase, path), CancellationToken.None);
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                Interlocked.Increment(ref count);
            }
        });
        await Task.WhenAll(tasks);
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Server resident memory per idle connection: RSS with <paramref name="connections"/> open minus RSS before, divided.</summary>
    public static async Task<double> IdleMemoryPerConnectionAsync(ServerProcess server, string path, int connections)
    {
        // One connection first, so code paths and pools are warm in both servers before the baseline reading.
        var warm = await ConnectManyAsync(server, path, 1);
        await RunEchoLoopsAsync(warm, new byte[32], WebSocketMessageType.Binary, TimeSpan.FromSeconds(0.5), record: null);
        await CloseManyAsync(warm);
        await server.CollectAsync();
        await Task.Delay(500);
        long before = server.ResidentBytes();

        var clients = await ConnectManyAsync(server, path, connections);
        try
        {
            // Each connection echoes one message, so every server-side loop has run and gone idle.
            await RunEchoLoopsAsync(clients, new byte[32], WebSocketMessageType.Binary, TimeSpan.Zero, record: null, onePerClient: true);
            await server.CollectAsync();
            await Task.Delay(1000);
            long after = server.ResidentBytes();
            return (after - before) / (double)connections;
        }
        finally
        {
            await CloseManyAsync(clients);
        }
    }

    /// <summary>
    /// <paramref name="members"/> clients join the broadcast route; one of them sends a 32-byte message at a
    /// time and waits until every member (itself included) has received it. Fan-out latency is from the send
    /// to the last delivery; deliveries per second count every member's copy.
    /// </summary>
    public static async Task<BroadcastResult> BroadcastAsync(ServerProcess server, string path, int members, int broadcasts)
    {
        var clients = await ConnectManyAsync(server, path, members);
        try
        {
            int received = 0;
            TaskCompletionSource? allReceived = null;
            using var stop = new CancellationTokenSource();
            var readers = clients.Select(async client =>
            {
                var buffer = new byte[1024];
                while (!stop.IsCancellationRequested)
                {
                    ValueWebSocketReceiveResult result;
                    try
                    {
                        result = await client.ReceiveAsync(buffer.AsMemory(), stop.Token);
                    }
                    catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
                    {
                        return;
                    }

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (result.EndOfMessage && Interlocked.Increment(ref received) == members)
                    {
                        Volatile.Read(ref allReceived)!.TrySetResult();
                    }
                }
            }).ToList();

            var payload = new byte[32];
            var latencies = new List<double>(broadcasts);
            var clock = new Stopwatch();
            for (int i = -Math.Max(3, broadcasts / 10); i < broadcasts; i++)
            {
                // The first tenth warms up and is not counted.
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref allReceived, done);
                Volatile.Write(ref received, 0);
                long start = Stopwatch.GetTimestamp();
                if (i == 0)
                {
                    clock.Start();
                }

                await clients[0].SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
                if (i >= 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            double seconds = clock.Elapsed.TotalSeconds;
            stop.Cancel();
            await Task.WhenAll(readers);
            latencies.Sort();
            return new BroadcastResult(
                (double)members * broadcasts / seconds,
                latencies[latencies.Count / 2],
                latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]);
        }
        finally
        {
            await CloseManyAsync(clients);
        }
    }

    private static async Task<ClientWebSocket[]> ConnectManyAsync(ServerProcess server, string path, int count)
    {
        var clients = new ClientWebSocket[count];
        var uri = new Uri(server.WebSocketBase, path);
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = new ClientWebSocket();
                client.Options.KeepAliveInterval = TimeSpan.Zero;
                await client.ConnectAsync(uri, CancellationToken.None);
                clients[i] = client;
            }
            finally
            {
                gate.Release();
            }
        }));
        return clients;
    }

    private static async Task CloseManyAsync(ClientWebSocket[] clients)
    {
        await Task.WhenAll(clients.Select(async client =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                client.Dispose();
            }
        }));
    }

    private static async Task<long> RunEchoLoopsAsync(
        ClientWebSocket[] clients, byte[] payload, WebSocketMessageType kind, TimeSpan duration, List<long>[]? record, bool onePerClient = false)
    {
        long total = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select(async (client, index) =>
        {
            var buffer = new byte[payload.Length + 1024];
            var samples = record is null ? null : record[index] = new List<long>(64 * 1024);
            long count = 0;
            do
            {
                long start = Stopwatch.GetTimestamp();
                await client.SendAsync(payload, kind, endOfMessage: true, CancellationToken.None);
                int received = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None);
                    received += result.Count;
                }
                while (!result.EndOfMessage);

                samples?.Add(Stopwatch.GetTimestamp() - start);
                count++;
            }
            while (!onePerClient && Stopwatch.GetTimestamp() < end);

            Interlocked.Add(ref total, count);
        }));
        return total;
    }
}
