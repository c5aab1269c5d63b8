using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Velithon.Benchmarks;

// Runs the baseline (hand-written Kestrel) and the subject (Velithon) against the same scenarios,
// alternating them over several rounds in one run, and prints each figure's median and the ratio
// Velithon / baseline. Usage:
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- [--rounds 5] [--seconds 3] [--idle 10000] [--connections 1,64,256] [--broadcast 1000,10000] [--output FILE]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- aot BASELINE_BINARY SUBJECT_BINARY [--rounds 5] [--idle 10000]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- callgrind BASELINE_BINARY SUBJECT_BINARY [--startup | --handshakes | --broadcast 100 | [--deflate | --text] [--size 32]] [--also NAME=BINARY] [--path NAME=/route]
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.LoadGenerator -- demo DEMO_NATIVE_BINARY DEMO_JIT_FOLDER [--rounds 5]
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
            new NativeAot.Server("demo, Native AOT (binary)", args[1], Urls, new FileInfo(args[1]).Length),
            new NativeAot.Server("demo, JIT (publish folder)", "dotnet", port => [Path.Combine(jitFolder, "Velithon.Demo.dll"), .. Urls(port)], jitSize),
        ],
        demoRounds,
        "start to first accepted connection and echo (ms)"));
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
};

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

var results = new Dictionary<(string Server, string Figure), List<double>>();
void Record(string server, string figure, double value) =>
    (results.TryGetValue((server, figure), out var list) ? list : results[(server, figure)] = []).Add(value);

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
                Record(name, label + " msg/s", echo.MessagesPerSecond);
                Record(name, label + " p50 us", echo.P50Microseconds);
                Record(name, label + " p99 us", echo.P99Microseconds);
                Record(name, label + " p99.9 us", echo.P999Microseconds);
                Record(name, label + " alloc B/msg", echo.AllocatedBytesPerMessage);
            }

            if (options.Connections.Length > 0)
            {
                Record(name, "handshakes/s", await Scenarios.HandshakesAsync(server, path, workers: 8, TimeSpan.FromSeconds(options.Seconds)));
            }
        }

        foreach (int members in name == "velithon-endpoint" ? [] : options.BroadcastMembers)
        {
            // A fresh process per group size; both kinds of the subject share /broadcast (a static handler).
            await using var server = await ServerProcess.StartAsync(name, assembly);
            var broadcast = await Scenarios.BroadcastAsync(server, "/broadcast", members, broadcasts: members >= 10_000 ? 50 : 200);
            Record(name, $"broadcast x{members} deliveries/s", broadcast.DeliveriesPerSecond);
            Record(name, $"broadcast x{members} fan-out p50 ms", broadcast.P50Milliseconds);
            Record(name, $"broadcast x{members} fan-out p99 ms", broadcast.P99Milliseconds);
        }

        if (options.IdleConnections > 0)
        {
            // A fresh process, so the reading is not skewed by what the echo runs left in the heap.
            await using var server = await ServerProcess.StartAsync(name, assembly);
            Record(name, $"idle KiB/conn x{options.IdleConnections}", await Scenarios.IdleMemoryPerConnectionAsync(server, path, options.IdleConnections) / 1024);
        }
    }
}

var report = new StringBuilder();
report.AppendLine($"Rounds: {options.Rounds}, {options.Seconds} s per echo figure, medians. Ratio: subject / baseline.");
report.AppendLine();
report.AppendLine("| Figure | baseline | velithon | ratio | velithon-endpoint | ratio |");
report.AppendLine("|---|---:|---:|---:|---:|---:|");
foreach (var figure in results.Keys.Select(k => k.Figure).Distinct())
{
    double baseline = Measure.Median(results[("baseline", figure)]);
    double subject = Measure.Median(results[("velithon", figure)]);
    double endpoint = results.TryGetValue(("velithon-endpoint", figure), out var endpointValues) ? Measure.Median(endpointValues) : double.NaN;
    report.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {Format(baseline)} | {Format(subject)} | {Ratio(subject, baseline)} | {Format(endpoint)} | {Ratio(endpoint, baseline)} |");
}

Console.WriteLine(report);
if (options.Output is not null)
{
    await File.WriteAllTextAsync(options.Output, report.ToString());
}

static string KindName(WebSocketMessageType kind) => kind == WebSocketMessageType.Text ? "text" : "binary";

static string Format(double value) => double.IsNaN(value) ? "-" : value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

static string Ratio(double subject, double baseline) => baseline == 0 || double.IsNaN(subject) ? "-" : (subject / baseline).ToString("0.000", CultureInfo.InvariantCulture);

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
internal sealed record Options(int Rounds, double Seconds, int IdleConnections, int[] Connections, int[] BroadcastMembers, string? Output)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name)
        {
            int index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        return new Options(
            Rounds: int.Parse(Value("--rounds") ?? "5", CultureInfo.InvariantCulture),
            Seconds: double.Parse(Value("--seconds") ?? "3", CultureInfo.InvariantCulture),
            IdleConnections: int.Parse(Value("--idle") ?? "10000", CultureInfo.InvariantCulture),
            Connections: (Value("--connections") ?? "1,64,256").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Where(c => c > 0).ToArray(),
            BroadcastMembers: (Value("--broadcast") ?? "1000,10000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Where(c => c > 0).ToArray(),
            Output: Value("--output"));
    }
}
