using System.Globalization;
using Velithon.Benchmarks.ScaleOut;

// The scale-out harness of docs/scale-out.md. benchmarks/scale-out.sh runs it all (both designs, then the Redis figures).
//   fanout [--servers 2,4,8] [--groups 10,100,1000] [--members 5] [--messages 2000] [--placement random|spread:K] [--seed 1] [--cluster] [--output FILE]
//       N servers on Kestrel in this process over one real redis-server, rooms of --members members, M chat messages;
//       what Redis sends each server, counted on the wire. One tab-separated line per point in FILE. --cluster: a
//       three-node Redis Cluster instead (servers counted by their metrics, and what each node did)
//   compare BASELINE.tsv SUBJECT.tsv     the two designs side by side, as markdown
//   redis-cost [--rounds 3] [--subscribers 0,1,2,8,32] [--publishes 200000]
//       Redis CPU per PUBLISH / SPUBLISH by number of subscribers, and publish throughput, on raw connections
//   redis-memory [--channels 100000]     Redis memory per channel and per subscription, classic and sharded
//   server-cpu SUBJECT.dll [--members 100,1000] [--deliveries 300000] [--rounds 3]
//       a Velithon server's CPU (user + system) per delivery of a broadcast, the server in its own process
var arguments = args.Length > 0 ? args : ["fanout"];
string mode = arguments[0];
string? Option(string name) => Array.IndexOf(arguments, name) is int at and >= 0 && at + 1 < arguments.Length ? arguments[at + 1] : null;
int[] Numbers(string name, string fallback) => (Option(name) ?? fallback).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
#if ONE_CHANNEL
const string Design = "one-channel";
#else
const string Design = "per-topic";
#endif

switch (mode)
{
    case "fanout":
    {
        int members = Numbers("--members", "5")[0];
        int messages = Numbers("--messages", "2000")[0];
        int seed = Numbers("--seed", "1")[0];
        var placement = Placement.Parse(Option("--placement") ?? "random");
        await using var redis = await RedisTarget.StartAsync(cluster: arguments.Contains("--cluster"));
        var results = new List<FanOutScenario.Result>();
        foreach (int servers in Numbers("--servers", "2,4,8"))
        {
            foreach (int groups in Numbers("--groups", "10,100,1000"))
            {
                var result = await FanOutScenario.RunAsync(redis, Design, placement, servers, groups, members, messages, seed);
                results.Add(result);
                Console.Error.WriteLine(Report.ToLine(result));
                if (Option("--output") is { } output)
                {
                    await File.AppendAllTextAsync(output, Report.ToLine(result) + "\n");
                }
            }
        }

        Console.WriteLine(Report.Table(results));
        break;
    }

    case "compare":
    {
        static List<FanOutScenario.Result> Read(string path) => File.ReadAllLines(path).Where(line => line.Length > 0).Select(Report.FromLine).ToList();
        var baseline = Read(arguments[1]);
        var subject = Read(arguments[2]);
        Console.WriteLine(Report.Table([.. baseline, .. subject]));
        Console.WriteLine(Report.Compare(baseline, subject));
        break;
    }

    case "redis-cost":
        Console.WriteLine(await RedisCost.MeasureAsync(Numbers("--rounds", "3")[0], Numbers("--subscribers", "0,1,2,8,32"), Numbers("--publishes", "200000")[0]));
        break;

    case "redis-memory":
        Console.WriteLine(await RedisCost.MeasureMemoryAsync(Numbers("--channels", "100000")[0]));
        break;

    case "server-cpu":
        Console.WriteLine(await ServerCpu.MeasureAsync(arguments[1], Numbers("--members", "100,1000"), Numbers("--deliveries", "300000")[0], Numbers("--rounds", "3")[0]));
        break;

    default:
        Console.Error.WriteLine("usage: fanout | compare A B | redis-cost | redis-memory (see Program.cs)");
        return 2;
}

return 0;
