using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Velithon.Benchmarks;
using Velithon.Benchmarks.Charts;
using Velithon.Benchmarks.Results;

// Runs the baseline (hand-written Kestrel) and the subject (Velithon) against the same scenarios,
// alternating them over several rounds in one run, and prints each figure's median and the ratio
// Velithon / baseline. Usage:
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- [--rounds 7] [--seconds 3] [--idle 10000] [--connections 1,64,256] [--broadcast 1000,10000] [--output FILE] [--servers baseline,velithon,velithon-endpoint]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- aot BASELINE_BINARY SUBJECT_BINARY [--rounds 5] [--idle 10000]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- callgrind BASELINE_BINARY SUBJECT_BINARY [--startup | --handshakes | --broadcast 100 | [--deflate | --text] [--size 32]] [--also NAME=BINARY] [--path NAME=/route]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- idle-connections --server NAME=BINARY [--connections 10000,250000] (see benchmarks/idle-connections.sh)
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- demo DEMO_NATIVE_BINARY DEMO_JIT_FOLDER [--rounds 5]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- charts RESULTS_FOLDER
// Every measuring mode takes --results FOLDER: it then also writes its figures, every round, as FOLDER/NAME.json;
// the charts mode draws the SVG charts of docs/benchmarks.md from those files into the same folder.
RunLog.Begin();
string? resultsFolder = Array.IndexOf(args, "--results") is int resultsAt and >= 0 ? args[resultsAt + 1] : null;
if (args.Length > 0 && args[0] == "charts")
{
    foreach (string written in ChartSet.Write(args[1]))
    {
        Console.WriteLine(written);
    }

    return;
}

if (args.Length > 0 && args[0] == "idle-client")
{
    // One client process of idle-connections (below), started by it.
    await IdleClient.RunAsync(args);
    return;
}

if (args.Length > 0 && args[0] == "idle-connections")
{
    // idle-connections --server NAME=BINARY [--server ...] [--connections 10000,50000,250000] [--per-server N] [--per-client N]
    //   [--sources 10] [--concurrency 64] [--hold 0] [--output FILE]: many idle connections, then a ping on each (benchmarks/idle-connections.sh).
    string? Setting(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    var idleServers = new List<(string, string)>();
    for (int at = Array.IndexOf(args, "--server"); at >= 0; at = Array.IndexOf(args, "--server", at + 1))
    {
        idleServers.Add((args[at + 1][..args[at + 1].IndexOf('=')], args[at + 1][(args[at + 1].IndexOf('=') + 1)..]));
    }

    string idleReport = await IdleConnections.RunAsync(idleServers, new IdleConnections.Settings(
        Counts: (Setting("--connections") ?? "10000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
        PerServer: int.Parse(Setting("--per-server") ?? "19000", CultureInfo.InvariantCulture),
        PerClient: int.Parse(Setting("--per-client") ?? "19000", CultureInfo.InvariantCulture),
        Sources: int.Parse(Setting("--sources") ?? "10", CultureInfo.InvariantCulture),
        Concurrency: int.Parse(Setting("--concurrency") ?? "64", CultureInfo.InvariantCulture),
        HoldSeconds: double.Parse(Setting("--hold") ?? "0", CultureInfo.InvariantCulture)));
    Console.WriteLine(idleReport);
    if (Setting("--output") is { } idleOutput)
    {
        await File.WriteAllTextAsync(idleOutput, idleReport);
    }

    return;
}

if (args.Length > 0 && args[0] == "aot")
{
    // aot BASELINE_BINARY SUBJECT_BINARY [--rounds N] [--idle N]: Native AOT start-up, size and idle memory.
    int aotRounds = Array.IndexOf(args, "--rounds") is int at and >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 5;
    (string, string)[] native = [("baseline", args[1]), ("velithon", args[2])];
    Console.WriteLine(await NativeAot.MeasureAsync(native, aotRounds));
    if (Array.IndexOf(args, "--idle") is int idleAt and >= 0)
    {
        // --idle N: also memory per idle connection of the native builds, N connections each.
        Console.WriteLine(await NativeAot.MeasureIdleMemoryAsync(native, aotRounds, int.Parse(args[idleAt + 1], CultureInfo.InvariantCulture)));
    }

    await SaveResultsAsync("aot");
    return;
}

if (args.Length > 0 && args[0] == "demo")
{
    // demo NATIVE_BINARY JIT_PUBLISH_FOLDER [--rounds N]: the sample's Native AOT build next to its JIT build.
    int demoRounds = Array.IndexOf(args, "--rounds") is int at and >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 5;
    string[] Urls(int port) => ["--urls", $"http://127.0.0.1:{port}"];
    string jitFolder = args[2];
    long jitSize = Directory.EnumerateFiles(jitFolder, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
    Console.WriteLine(await NativeAot.MeasureAsync(
        [
            new NativeAot.Server("demo, Native AOT (binary)", args[1], Urls, new FileInfo(args[1]).Length, Path.GetDirectoryName(Path.GetFullPath(args[1]))!),
            new NativeAot.Server("demo, JIT (publish folder)", "dotnet", port => [Path.Combine(jitFolder, "Velithon.Demo.dll"), .. Urls(port)], jitSize, jitFolder),
        ],
        demoRounds,
        "start to first accepted connection and echo (ms)"));
    await SaveResultsAsync("demo");
    return;
}

if (args.Length > 0 && args[0] == "callgrind")
{
    // callgrind BASELINE_BINARY SUBJECT_BINARY [--startup | --handshakes | --broadcast N | [--deflate | --text] [--size 32]]: server
    // instructions from exec to the first echo, per echoed message (messages must divide by the connections), with --deflate over
    // permessage-deflate, with --text as text messages, per handshake (handshakes must divide by the workers), or per
    // broadcast to N members.
    // --also NAME=BINARY measures one more server in the same run (another build of the subject, say);
    // --path NAME=/route echoes on (or, with --handshakes, connects to) another route of that server (the subject's
    // /echo-string or /echo-endpoint, say); a NAME not given otherwise is the subject's binary once more.
    var measured = new List<(string, string)> { ("baseline", args[1]), ("velithon", args[2]) };
    for (int at = Array.IndexOf(args, "--also"); at >= 0; at = Array.IndexOf(args, "--also", at + 1))
    {
        var (name, binary) = (args[at + 1][..args[at + 1].IndexOf('=')], args[at + 1][(args[at + 1].IndexOf('=') + 1)..]);
        measured.Add((name, binary));
    }

    var paths = new Dictionary<string, string>();
    for (int at = Array.IndexOf(args, "--path"); at >= 0; at = Array.IndexOf(args, "--path", at + 1))
    {
        paths[args[at + 1][..args[at + 1].IndexOf('=')]] = args[at + 1][(args[at + 1].IndexOf('=') + 1)..];
    }

    // A --path for a name not measured yet measures the subject's binary once more under that name, on that route.
    foreach (string name in paths.Keys.Where(name => !measured.Exists(server => server.Item1 == name)))
    {
        measured.Add((name, args[2]));
    }

    int size = Array.IndexOf(args, "--size") is int sizeAt and >= 0 ? int.Parse(args[sizeAt + 1], CultureInfo.InvariantCulture) : 32;
    Console.WriteLine(
        args.Contains("--startup") ? await Callgrind.MeasureStartupAsync(measured, repetitions: 3)
        : args.Contains("--handshakes") ? await Callgrind.MeasureHandshakesAsync(measured, workers: 4, handshakes: 1_000, repetitions: 3, paths)
        : Array.IndexOf(args, "--broadcast") is int broadcastAt and >= 0 ? await Callgrind.MeasureBroadcastAsync(
            measured, members: int.Parse(args[broadcastAt + 1], CultureInfo.InvariantCulture), broadcasts: 100, repetitions: 3)
        : await Callgrind.MeasureEchoAsync(measured, connections: 64, size, messages: 12_800, repetitions: 3, deflate: args.Contains("--deflate"),
            text: args.Contains("--text"), paths: paths));
    await SaveResultsAsync(
        args.Contains("--handshakes") ? "callgrind-handshake"
        : args.Contains("--startup") ? "callgrind-startup"
        : Array.IndexOf(args, "--broadcast") is int membersAt and >= 0 ? $"callgrind-broadcast-{args[membersAt + 1]}"
        : $"callgrind-echo-{(args.Contains("--deflate") ? "deflate" : args.Contains("--text") ? "text" : "binary")}-{size}");
    return;
}

var options = Options.Parse(args);
string configuration = typeof(Options).Assembly.Location.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
string root = FindRepositoryRoot();
string Server(string project) => Path.Combine(root, "benchmarks", project, "bin", configuration, "net10.0", project + ".dll");
var servers = new (string Name, string Assembly, string Path)[]
{
    ("baseline", Server("Velithon.Benchmarks.Baseline"), "/echo"),
    ("velithon", Server("Velithon.Benchmarks.Subject"), "/echo"),
    ("velithon-endpoint", Server("Velithon.Benchmarks.Subject"), "/echo-endpoint"),
}.Where(s => options.Servers.Contains(s.Name)).ToArray();

var echoCases = new List<(int Connections, int Size, WebSocketMessageType Kind)>();
foreach (int connections in options.Connections)
{
    foreach (int size in new[] { 32, 4096 })
    {
        foreach (var kind in new[] { WebSocketMessageType.Text, WebSocketMessageType.Binary })
        {
            echoCases.Add((connections, size, kind));
        }
    }
}

// Figures in the order they are first measured, each with every round of every server.
var figures = new List<Figure>();
void Record(string server, string scenario, string metric, bool higherIsBetter, double value)
{
    var figure = figures.Find(f => f.Scenario == scenario && f.Metric == metric);
    if (figure is null)
    {
        figures.Add(figure = new Figure(scenario, metric, higherIsBetter, []));
    }

    (figure.Values.TryGetValue(server, out var list) ? list : figure.Values[server] = []).Add(value);
}

for (int round = 0; round < options.Rounds; round++)
{
    // Alternate the order so neither server always runs on a warmer or cooler machine.
    var order = round % 2 == 0 ? servers : servers.Reverse().ToArray();
    foreach (var (name, assembly, path) in order)
    {
        Console.Error.WriteLine($"round {round + 1}/{options.Rounds}: {name}");
        await using (var server = await ServerProcess.StartAsync(name, assembly))
        {
            foreach (var (connections, size, kind) in echoCases)
            {
                var echo = await Scenarios.EchoAsync(server, path, connections, size, kind, TimeSpan.FromSeconds(options.Seconds));
                string label = $"echo {KindName(kind)} {size} B x{connections}";
                Record(name, label, "msg/s", true, echo.MessagesPerSecond);
                Record(name, label, "p50 us", false, echo.P50Microseconds);
                Record(name, label, "p99 us", false, echo.P99Microseconds);
                Record(name, label, "p99.9 us", false, echo.P999Microseconds);
                Record(name, label, "alloc B/msg", false, echo.AllocatedBytesPerMessage);
                Record(name, label, "server CPU us/msg", false, echo.CpuMicrosecondsPerMessage);
            }

            if (options.Connections.Length > 0)
            {
                Record(name, "handshakes", "handshakes/s", true, await Scenarios.HandshakesAsync(server, path, workers: 8, TimeSpan.FromSeconds(options.Seconds)));
            }
        }

        foreach (int members in name == "velithon-endpoint" ? [] : options.BroadcastMembers)
        {
            // A fresh process per group size; both kinds of the subject share /broadcast (a static handler).
            await using var server = await ServerProcess.StartAsync(name, assembly);
            var broadcast = await Scenarios.BroadcastAsync(server, "/broadcast", members, broadcasts: members >= 10_000 ? 50 : 200);
            Record(name, $"broadcast x{members}", "deliveries/s", true, broadcast.DeliveriesPerSecond);
            Record(name, $"broadcast x{members}", "fan-out p50 ms", false, broadcast.P50Milliseconds);
            Record(name, $"broadcast x{members}", "fan-out p99 ms", false, broadcast.P99Milliseconds);
        }

        if (options.IdleConnections > 0)
        {
            // A fresh process, so the reading is not skewed by what the echo runs left in the heap.
            await using var server = await ServerProcess.StartAsync(name, assembly);
            Record(name, $"idle x{options.IdleConnections}", "KiB/conn", false, await Scenarios.IdleMemoryPerConnectionAsync(server, path, options.IdleConnections) / 1024);
        }
    }
}

string title = $"Rounds: {options.Rounds}, alternating, {options.Seconds} s per echo figure. Ratio: median of the subject / median of the baseline; "
    + "paired: median of the per-round ratios (each round's subject against the baseline's in the same round), with their range.";
var report = new StringBuilder();
report.AppendLine(title);
report.AppendLine();
report.AppendLine("| Figure | baseline (min–max) | velithon (min–max) | ratio | paired (min–max) | velithon-endpoint | ratio | paired |");
report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var figure in figures)
{
    RunLog.Add(title, figure);
    report.AppendLine(CultureInfo.InvariantCulture,
        $"| {figure.Name} | {Spread(figure, "baseline")} | {Spread(figure, "velithon")} | {Ratio(figure.Ratio("velithon"))} | {Paired(figure, "velithon")} "
        + $"| {Format(figure.Median("velithon-endpoint"))} | {Ratio(figure.Ratio("velithon-endpoint"))} | {Ratio(figure.PairedRatio("velithon-endpoint"))} |");
}

Console.WriteLine(report);
if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, report.ToString());
}

await SaveResultsAsync("load");

// The command as a reader types it: native.sh names itself (VELITHON_BENCHMARK_ENTRY) and the binaries it published
// are left out, as is the results folder, so no path of the machine that ran it is recorded.
string DescribeCommand()
{
    bool native = args.Length > 0 && args[0] is "aot" or "callgrind" or "demo";
    var shown = new List<string>();
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--results")
        {
            i++;
        }
        else if (native && i is 1 or 2)
        {
            if (i == 1 && Environment.GetEnvironmentVariable("VELITHON_BENCHMARK_ENTRY") is null)
            {
                shown.Add("BINARY BINARY");
            }
        }
        else
        {
            shown.Add(i > 0 && args[i - 1] == "--also" ? args[i].Split('=')[0] + "=BINARY" : args[i]);
        }
    }

    string entry = Environment.GetEnvironmentVariable("VELITHON_BENCHMARK_ENTRY") ?? "dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator --";
    return string.Join(' ', [entry, .. shown]);
}

async Task SaveResultsAsync(string name)
{
    if (resultsFolder is not null)
    {
        await RunLog.ToResultSet(name, DescribeCommand()).SaveAsync(resultsFolder);
        Console.Error.WriteLine($"results: {Path.Combine(resultsFolder, name + ".json")}");
    }
}

static string KindName(WebSocketMessageType kind) => kind == WebSocketMessageType.Text ? "text" : "binary";

static string Format(double value) => double.IsNaN(value) ? "-" : value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

static string Ratio(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "-" : ratio.ToString("0.000", CultureInfo.InvariantCulture);

static string Spread(Figure figure, string server) =>
    figure.Values.TryGetValue(server, out var values)
        ? $"{Format(figure.Median(server))} ({Format(values.Min())}–{Format(values.Max())})"
        : "-";

static string Paired(Figure figure, string server) =>
    figure.PairedRatios(server) is { Count: > 0 } ratios
        ? $"{Ratio(figure.PairedRatio(server))} ({Ratio(ratios.Min())}–{Ratio(ratios.Max())})"
        : "-";

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Velithon.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run the load generator from inside the repository.");
}

/// <summary>Command-line options.</summary>
internal sealed record Options(int Rounds, double Seconds, int IdleConnections, int[] Connections, int[] BroadcastMembers, string? Output, string[] Servers)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name)
        {
            int index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        return new Options(
            Rounds: int.Parse(Value("--rounds") ?? "7", CultureInfo.InvariantCulture),
            Seconds: double.Parse(Value("--seconds") ?? "3", CultureInfo.InvariantCulture),
            IdleConnections: int.Parse(Value("--idle") ?? "10000", CultureInfo.InvariantCulture),
            Connections: (Value("--connections") ?? "1,64,256").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Where(c => c > 0).ToArray(),
            BroadcastMembers: (Value("--broadcast") ?? "1000,10000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Where(c => c > 0).ToArray(),
            Output: Value("--output"),
            Servers: (Value("--servers") ?? "baseline,velithon,velithon-endpoint").Split(','));
    }
}
