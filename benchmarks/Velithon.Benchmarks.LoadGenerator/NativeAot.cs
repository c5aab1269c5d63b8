using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Velithon.Benchmarks.Results;

namespace Velithon.Benchmarks;

/// <summary>
/// Native AOT figures of a published server: binary size, time from exec to the first echoed message,
/// and resident memory once idle.
/// </summary>
public static class NativeAot
{
    /// <summary>
    /// A server to start: the benchmark servers take <c>--port</c>; the demo takes <c>--urls</c> and may run through
    /// <c>dotnet</c>. It runs in <paramref name="WorkingDirectory"/>, its published folder, as a deployed server does:
    /// the host's content root is the working directory, and its configuration reload watches that folder's whole
    /// tree, so a start from a large folder (the repository) spends milliseconds there that a deployment does not.
    /// </summary>
    public sealed record Server(string Name, string FileName, Func<int, string[]> Arguments, long SizeBytes, string WorkingDirectory);

    public static Task<string> MeasureAsync(IReadOnlyList<(string Name, string Binary)> binaries, int rounds) =>
        MeasureAsync(
            binaries.Select(b => new Server(
                b.Name,
                b.Binary,
                port => ["--port", port.ToString(CultureInfo.InvariantCulture)],
                new FileInfo(b.Binary).Length,
                Path.GetDirectoryName(Path.GetFullPath(b.Binary))!)).ToList(),
            rounds,
            "start to first echo (ms)");

    /// <summary>
    /// Memory per idle connection of the native builds, measured as the load generator measures the JIT builds
    /// (<see cref="Scenarios.IdleMemoryPerConnectionAsync"/>), alternating the servers over the rounds.
    /// </summary>
    public static async Task<string> MeasureIdleMemoryAsync(IReadOnlyList<(string Name, string Binary)> binaries, int rounds, int connections)
    {
        var perConnection = binaries.ToDictionary(b => b.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, binary) in round % 2 == 0 ? binaries : binaries.Reverse())
            {
                await using var server = await ServerProcess.StartAsync(name, binary);
                perConnection[name].Add(await Scenarios.IdleMemoryPerConnectionAsync(server, "/echo", connections) / 1024.0);
            }
        }

        string title = $"Native AOT, memory per idle connection with {connections:N0} connections (server RSS delta / connections), {rounds} rounds, medians.";
        RunLog.Add(title, new Figure($"idle x{connections}", "KiB/conn", HigherIsBetter: false, perConnection));
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Native AOT, memory per idle connection with {connections:N0} connections (server RSS delta / connections), {rounds} rounds, medians.");
        report.AppendLine();
        report.AppendLine("| Server | KiB per connection | rounds | ratio |");
        report.AppendLine("|---|---:|---|---:|");
        double baseline = Measure.Median(perConnection[binaries[0].Name]);
        foreach (var (name, _) in binaries)
        {
            double median = Measure.Median(perConnection[name]);
            string all = string.Join(", ", perConnection[name].Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median:0.00} | {all} | {median / baseline:0.000} |");
        }

        return report.ToString();
    }

    public static async Task<string> MeasureAsync(IReadOnlyList<Server> servers, int rounds, string startupColumn)
    {
        var startup = servers.ToDictionary(s => s.Name, _ => new List<double>());
        var listening = servers.ToDictionary(s => s.Name, _ => new List<double>());
        var idle = servers.ToDictionary(s => s.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (var server in round % 2 == 0 ? servers : servers.Reverse())
            {
                var (milliseconds, listeningMilliseconds, residentBytes) = await StartAndEchoAsync(server);
                startup[server.Name].Add(milliseconds);
                listening[server.Name].Add(listeningMilliseconds);
                idle[server.Name].Add(residentBytes / 1024.0 / 1024.0);
            }
        }

        string title = $"Native AOT, {rounds} rounds, medians.";
        RunLog.Add(title, new Figure("start", startupColumn, HigherIsBetter: false, startup));
        RunLog.Add(title, new Figure("idle", "idle RSS (MiB)", HigherIsBetter: false, idle));
        RunLog.Add(title, new Figure("binary", "size (MB)", HigherIsBetter: false, servers.ToDictionary(s => s.Name, s => new List<double> { s.SizeBytes / 1_000_000.0 })));
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Native AOT, {rounds} rounds (the order of the servers alternating), medians; in brackets the middle half of the rounds (25th to 75th percentile).");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"| Server | size (MB) | {startupColumn} | start to listening (ms) | idle RSS (MiB) |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var server in servers)
        {
            double megabytes = server.SizeBytes / 1_000_000.0;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {server.Name} | {megabytes:0.0} | {Spread(startup[server.Name])} | {Spread(listening[server.Name])} | {Measure.Median(idle[server.Name]):0.0} |");
        }

        // The rounds run one after the other, so the machine's load drifts between them; the difference within a round,
        // where the two starts are a second apart, leaves most of that drift out.
        if (servers.Count > 1)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Within each round, against {servers[0].Name} (ms; negative is faster):");
            report.AppendLine();
            report.AppendLine("| Server | first echo, difference | listening, difference | rounds faster |");
            report.AppendLine("|---|---:|---:|---:|");
            foreach (var server in servers.Skip(1))
            {
                var echo = startup[server.Name].Zip(startup[servers[0].Name], (a, b) => a - b).ToList();
                var listen = listening[server.Name].Zip(listening[servers[0].Name], (a, b) => a - b).ToList();
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {server.Name} | {Spread(echo)} | {Spread(listen)} | {echo.Count(d => d < 0)} of {echo.Count} |");
            }
        }

        return report.ToString();
    }

    /// <summary>The median and, in brackets, the 25th and 75th percentiles (nearest rank).</summary>
    private static string Spread(List<double> values)
    {
        var sorted = values.Order().ToArray();
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{Measure.Median(values):0.0} [{Rank(0.25):0.0}, {Rank(0.75):0.0}]");
    }

    /// <summary>
    /// Starts the server and times, from exec, the first TCP connection it accepts (it is listening: the host has
    /// started) and the first message it echoes (its first handshake and receive done).
    /// </summary>
    private static async Task<(double Milliseconds, double ListeningMilliseconds, long ResidentBytes)> StartAndEchoAsync(Server server)
    {
        int port = Measure.FreePort();
        var start = new ProcessStartInfo(server.FileName)
        {
            WorkingDirectory = server.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in server.Arguments(port))
        {
            start.ArgumentList.Add(argument);
        }

        string binary = server.FileName;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        try
        {
            // A plain TCP connect until one succeeds: the listen socket exists once the host has started.
            while (true)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
                {
                    throw new InvalidOperationException($"{binary} did not listen within 30 s.");
                }

                using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    break;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Delay(1);
                }
            }

            double listeningMilliseconds = clock.Elapsed.TotalMilliseconds;
            var uri = new Uri($"ws://127.0.0.1:{port}/echo");
            while (true)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
                {
                    throw new InvalidOperationException($"{binary} did not answer within 30 s.");
                }

                using var client = new ClientWebSocket();
                try
                {
                    await client.ConnectAsync(uri, CancellationToken.None);
                }
                catch (WebSocketException)
                {
                    await Task.Delay(1);
                    continue;
                }

                await client.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                await client.ReceiveAsync(new byte[16], CancellationToken.None);
                double milliseconds = clock.Elapsed.TotalMilliseconds;
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                await Task.Delay(1000);
                return (milliseconds, listeningMilliseconds, Measure.ResidentBytes(process.Id));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
