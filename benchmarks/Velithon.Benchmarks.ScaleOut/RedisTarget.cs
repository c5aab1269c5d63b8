using System.Diagnostics;
using System.Globalization;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// The Redis a fleet uses: one <c>redis-server</c>, or a three-node Redis Cluster (three primaries, no replicas) on
/// loopback ports, joined with <c>redis-cli --cluster create</c> as the tests do, each node with its own bus port.
/// </summary>
public sealed class RedisTarget : IAsyncDisposable
{
    private RedisTarget(IReadOnlyList<RedisProcess> nodes, bool cluster)
    {
        Nodes = nodes;
        Cluster = cluster;
    }

    public IReadOnlyList<RedisProcess> Nodes { get; }

    public bool Cluster { get; }

    /// <summary>Every node, so the client finds the cluster from any.</summary>
    public string Configuration => string.Join(',', Nodes.Select(node => node.Configuration));

    public static async Task<RedisTarget> StartAsync(bool cluster)
    {
        if (!cluster)
        {
            return new RedisTarget([await RedisProcess.StartAsync()], cluster: false);
        }

        var nodes = new List<RedisProcess>();
        for (int i = 0; i < 3; i++)
        {
            nodes.Add(await RedisProcess.StartAsync(
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", RedisProcess.FreePort().ToString(CultureInfo.InvariantCulture)));
        }

        var create = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--cluster", "create", .. nodes.Select(node => node.Configuration), "--cluster-replicas", "0", "--cluster-yes"])
        {
            create.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(create) ?? throw new InvalidOperationException("redis-cli did not start."))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed.");
            }
        }

        var clock = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            using var client = await RespClient.ConnectAsync(node.Port);
            while (!((string)client.Command("CLUSTER", "INFO")!).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("The cluster did not become ready.");
                }

                await Task.Delay(50);
            }
        }

        return new RedisTarget(nodes, cluster: true);
    }

    /// <summary>
    /// What each node has done so far: pub/sub commands it ran (<c>PUBLISH</c> + <c>SPUBLISH</c>), messages it sent on
    /// the cluster bus to propagate them (<c>cluster_stats_messages_publish*_sent</c>), and its CPU seconds.
    /// </summary>
    public async Task<(long Publishes, long BusSent, double Cpu)[]> NodeStatsAsync()
    {
        var stats = new (long, long, double)[Nodes.Count];
        for (int i = 0; i < Nodes.Count; i++)
        {
            using var client = await RespClient.ConnectAsync(Nodes[i].Port);
            string commands = (string)client.Command("INFO", "commandstats")!;
            long publishes = Calls(commands, "cmdstat_publish:") + Calls(commands, "cmdstat_spublish:");
            long bus = 0;
            if (Cluster)
            {
                var cluster = RespClient.ParseInfo((string)client.Command("CLUSTER", "INFO")!);
                bus = (long)(cluster.GetValueOrDefault("cluster_stats_messages_publish_sent") + cluster.GetValueOrDefault("cluster_stats_messages_publishshard_sent"));
            }

            stats[i] = (publishes, bus, client.CpuSeconds());
        }

        return stats;

        static long Calls(string commandStats, string command)
        {
            int at = commandStats.IndexOf(command + "calls=", StringComparison.Ordinal);
            if (at < 0)
            {
                return 0;
            }

            int start = at + command.Length + "calls=".Length;
            int end = commandStats.IndexOf(',', start);
            return long.Parse(commandStats.AsSpan(start, end - start), CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
