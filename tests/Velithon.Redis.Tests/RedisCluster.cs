using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Velithon.Redis.Tests;

/// <summary>
/// A real three-node Redis Cluster (three primaries, no replicas) on loopback ports: three <c>redis-server
/// --cluster-enabled yes</c> processes, each in its own temporary directory with its own cluster bus port, joined by
/// <c>redis-cli --cluster create</c>. Ready once every node reports <c>cluster_state:ok</c>. Disposing kills the
/// processes and deletes the directories, also when starting failed halfway.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly List<RedisServer> _nodes = [];

    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>The StackExchange.Redis configuration: every node, so the client finds the cluster from any.</summary>
    public string Configuration => string.Join(",", _nodes.Select(node => node.Configuration));

    public static async Task<RedisCluster> StartAsync()
    {
        var cluster = new RedisCluster();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                // Redis 7 takes the bus port as an option; the default (port + 10000) may be taken or out of range.
                cluster._nodes.Add(await RedisServer.StartAsync(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-port", RedisServer.FreePort().ToString()));
            }

            await RedisCli.RunAsync(["--cluster", "create", .. cluster._nodes.Select(node => node.Configuration), "--cluster-replicas", "0", "--cluster-yes"]);
            await cluster.WaitUntilReadyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
    }

    /// <summary>Polls CLUSTER INFO on every node until each says the cluster is ok (every slot served).</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        foreach (var node in _nodes)
        {
            while (!(await ClusterInfoAsync(node.Port, timeout.Token)).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    /// <summary>CLUSTER INFO over a plain RESP exchange: a bulk string reply.</summary>
    private static async Task<string> ClusterInfoAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n"u8.ToArray(), cancellationToken);
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (!HasStateLine(reply.ToString()))
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return reply.ToString();

        static bool HasStateLine(string text) =>
            text.IndexOf("cluster_state:", StringComparison.Ordinal) is >= 0 and var at && text.IndexOf("\r\n", at, StringComparison.Ordinal) > at;
    }
}
