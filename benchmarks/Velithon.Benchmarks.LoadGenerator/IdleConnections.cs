using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// Many idle connections on one machine: N connections from client processes on bare sockets
/// (<see cref="IdleClient"/>), spread over several 127.0.0.x source addresses, to Native AOT servers; then a ping on
/// every connection, each of which must answer. Reports the servers' resident memory per connection, the handshake
/// rate while filling, and what stopped the count where it stopped.
/// </summary>
/// <remarks>
/// A process holds at most as many sockets as its open-files limit (RLIMIT_NOFILE) allows, and on a machine where the
/// hard limit cannot be raised the connections are spread over several server processes, each on its own port, with
/// at most <see cref="Settings.PerServer"/> connections each. Every process started here is stopped at the end.
/// </remarks>
public static class IdleConnections
{
    /// <summary>The benchmark's settings.</summary>
    /// <param name="Counts">The connection counts to run, one after the other.</param>
    /// <param name="PerServer">The most connections one server process is given.</param>
    /// <param name="PerClient">The most connections one client process opens.</param>
    /// <param name="Sources">How many source addresses (127.0.0.2 onwards) the clients spread over.</param>
    /// <param name="Concurrency">Handshakes in flight per client process.</param>
    /// <param name="HoldSeconds">How long the connections stay idle before the memory reading and the pings.</param>
    public sealed record Settings(int[] Counts, int PerServer, int PerClient, int Sources, int Concurrency, double HoldSeconds);

    public static async Task<string> RunAsync(IReadOnlyList<(string Name, string Binary)> binaries, Settings settings)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Idle connections, Native AOT servers, client on bare sockets from {settings.Sources} source addresses; at most {settings.PerServer:N0} connections per server process and {settings.PerClient:N0} per client process; held {settings.HoldSeconds:0} s.");
        report.AppendLine();
        report.AppendLine("| Server | connections asked | opened | failed | server processes | fill s | handshakes/s (all / first half / second half) | server KiB/conn | GC heap KiB/conn | of which Kestrel's free pool blocks | client KiB/conn | machine KiB/conn | pongs | ping round ms | first error |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---|");
        var notes = new List<string>();
        foreach (int count in settings.Counts)
        {
            foreach (var (name, binary) in binaries)
            {
                Console.Error.WriteLine($"idle connections: {name} x{count:N0}");
                var (row, note) = await RunOnceAsync(name, binary, count, settings);
                report.AppendLine(row);
                notes.Add(note);
                Console.Error.WriteLine(row);
                Console.Error.WriteLine(note);
            }
        }

        // Under the table: every connection that did not answer, or ended, and why and when, as the clients saw it.
        report.AppendLine();
        foreach (string note in notes)
        {
            report.AppendLine(note);
        }

        return report.ToString();
    }

    /// <summary>One count on one server: the table's row, and the line on the connections that ended or did not answer.</summary>
    private static async Task<(string Row, string Note)> RunOnceAsync(string name, string binary, int count, Settings settings)
    {
        int serverCount = (count + settings.PerServer - 1) / settings.PerServer;
        var servers = new List<ServerProcess>();
        var clients = new List<ClientProcess>();
        try
        {
            for (int i = 0; i < serverCount; i++)
            {
                servers.Add(await ServerProcess.StartAsync($"{name}-{i}", binary));
            }

            // Each server runs its code paths once and collects, so the reading before holds no first-use costs.
            foreach (var server in servers)
            {
                using var warm = await RawWebSocket.ConnectAsync(IPAddress.Loopback, new IPEndPoint(IPAddress.Loopback, server.Port), "/echo", CancellationToken.None);
                await RawWebSocket.EchoOnceAsync(warm, CancellationToken.None);
            }

            await Task.Delay(500);
            foreach (var server in servers)
            {
                await server.CollectAsync();
            }

            await Task.Delay(500);
            long serversBefore = servers.Sum(s => s.ResidentBytes());
            long heapBefore = 0;
            foreach (var server in servers)
            {
                heapBefore += await server.ReadGcFigureAsync("heap");
            }

            long availableBefore = MemAvailable();

            // One client process fills at a time (the ones before it hold their connections): on two cores, every
            // process filling at once only adds waiting, until handshakes time out.
            string sources = string.Join(',', Enumerable.Range(2, settings.Sources).Select(i => $"127.0.0.{i}"));
            var jobs = new List<(int Port, int Count)>();
            for (int s = 0; s < serverCount; s++)
            {
                int share = (count / serverCount) + (s < count % serverCount ? 1 : 0);
                for (int given = 0; given < share; given += settings.PerClient)
                {
                    jobs.Add((servers[s].Port, Math.Min(settings.PerClient, share - given)));
                }
            }

            // Fill: the count over time gives the handshake rate in each half.
            var clock = Stopwatch.StartNew();
            long origin = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            double half = double.NaN;
            foreach (var (port, share) in jobs)
            {
                var client = ClientProcess.Start(port, share, sources, settings.Concurrency);
                clients.Add(client);
                while (client.Filled is null)
                {
                    await Task.Delay(100);
                    if (double.IsNaN(half) && clients.Sum(c => c.Opened) >= count / 2)
                    {
                        half = clock.Elapsed.TotalSeconds;
                    }

                    if (client.HasExited && client.Filled is null)
                    {
                        throw new InvalidOperationException("A client process ended before it had filled: " + client.Error);
                    }
                }

                Console.Error.WriteLine(FormattableString.Invariant($"  {clients.Sum(c => c.Opened):N0} open after {clock.Elapsed.TotalSeconds:0.0} s"));
            }

            double fill = clock.Elapsed.TotalSeconds;
            int opened = clients.Sum(c => c.Filled!.Value.Opened);
            int failed = clients.Sum(c => c.Filled!.Value.Failed);
            string firstError = clients.Select(c => c.Filled!.Value.FirstError).FirstOrDefault(e => e != "-") ?? "-";
            half = double.IsNaN(half) ? fill : half;
            string rates = FormattableString.Invariant($"{opened / fill:N0} / {count / 2 / half:N0} / {(opened - (count / 2)) / Math.Max(0.001, fill - half):N0}");

            await Task.Delay(TimeSpan.FromSeconds(settings.HoldSeconds));
            foreach (var server in servers)
            {
                await server.CollectAsync();
            }

            await Task.Delay(1000);
            long serversAfter = servers.Sum(s => s.ResidentBytes());
            long pooled = 0;
            long heap = 0;
            foreach (var server in servers)
            {
                pooled += await server.ReadGcFigureAsync("pool-pooled");
                heap += await server.ReadGcFigureAsync("heap");
            }

            long clientsResident = clients.Sum(c => c.ResidentBytes());
            long availableAfter = MemAvailable();

            // Every connection is pinged at once and must answer; the clients say which ended, when and why.
            double pingAt = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - origin) / 1000.0;
            var pongs = await Task.WhenAll(clients.Select(c => c.PingAllAsync()));
            Console.Error.WriteLine("pongs per client: " + string.Join(", ", pongs.Select(p => FormattableString.Invariant($"{p.Answered}/{p.Of} in {p.Milliseconds:0} ms, {p.Ended} ended"))));
            int answered = pongs.Sum(p => p.Answered);
            int of = pongs.Sum(p => p.Of);
            var ends = new EndTally();
            foreach (var p in pongs)
            {
                ends.Add(p.Ends);
            }

            int lost = ends.Count;
            int afterPong = ends.AfterPong;
            int silent = of - answered - (lost - afterPong);
            double pingMilliseconds = pongs.Max(p => p.Milliseconds);
            string note = FormattableString.Invariant(
                $"{name} x{count:N0}: {of - answered:N0} did not answer, {silent:N0} of them still open; {lost:N0} ended ({afterPong:N0} after their pong). Ended, by phase (fill 0-{fill:0} s, hold, ping round from {pingAt:0} s): {ends.Describe(origin)}.");

            double perConnection(long bytes) => opened == 0 ? double.NaN : bytes / 1024.0 / opened;
            return (FormattableString.Invariant(
                $"| {name} | {count:N0} | {opened:N0} | {failed:N0} | {serverCount} | {fill:0.0} | {rates} | {perConnection(serversAfter - serversBefore):0.00} | {perConnection(heap - heapBefore):0.00} | {perConnection(pooled):0.00} | {perConnection(clientsResident):0.00} | {perConnection(availableBefore - availableAfter):0.00} | {answered:N0} of {of:N0}{(lost > 0 ? $", {lost:N0} ended ({afterPong:N0} after their pong)" : "")} | {pingMilliseconds:0} | {firstError} |"), note);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>MemAvailable from /proc/meminfo: what the whole machine (kernel socket state included) has left.</summary>
    private static long MemAvailable()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(13).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("No MemAvailable in /proc/meminfo.");
    }

    /// <summary>A client process (this program's <c>idle-client</c> mode) and what it reported.</summary>
    private sealed class ClientProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task _reader;
        private readonly StringBuilder _error = new();
        private int _opened;
        private TaskCompletionSource<string>? _pongs;

        private ClientProcess(Process process)
        {
            _process = process;
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_error)
                {
                    _error.AppendLine(e.Data);
                }
            };
            _process.BeginErrorReadLine();
            _reader = Task.Run(ReadAsync);
        }

        public int Opened => Volatile.Read(ref _opened);

        public (int Opened, int Failed, string FirstError)? Filled { get; private set; }

        public bool HasExited => _process.HasExited;

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        public static ClientProcess Start(int port, int count, string sources, int concurrency)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string argument in new[]
            {
                typeof(IdleClient).Assembly.Location, "idle-client", "--port", port.ToString(CultureInfo.InvariantCulture),
                "--count", count.ToString(CultureInfo.InvariantCulture), "--sources", sources, "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            })
            {
                start.ArgumentList.Add(argument);
            }

            // A small client: workstation GC, no background GC thread per process.
            start.Environment["DOTNET_gcServer"] = "0";
            start.Environment["DOTNET_gcConcurrent"] = "0";
            return new ClientProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start a client process."));
        }

        public long ResidentBytes() => Measure.ResidentBytes(_process.Id);

        /// <summary>Has the client ping every connection; its <c>pongs</c> line (<see cref="IdleClient"/>), read.</summary>
        public async Task<(int Answered, int Of, double Milliseconds, int Ended, EndTally Ends)> PingAllAsync()
        {
            var pongs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _pongs, pongs);
            await _process.StandardInput.WriteLineAsync("ping");
            await _process.StandardInput.FlushAsync();
            var parts = (await pongs.Task.WaitAsync(TimeSpan.FromMinutes(6))).Split(' ', 6);
            return (Parse(parts[1]), Parse(parts[2]), Parse(parts[3]), Parse(parts[4]), EndTally.Parse(parts.Length > 5 ? parts[5] : ""));
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    await _process.StandardInput.WriteLineAsync("exit");
                    await _process.StandardInput.FlushAsync();
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
            }
            catch (Exception exception) when (exception is IOException or TimeoutException or InvalidOperationException)
            {
            }
            finally
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }

                await _reader;
                _process.Dispose();
            }
        }

        private static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

        private async Task ReadAsync()
        {
            string? line;
            while ((line = await _process.StandardOutput.ReadLineAsync()) is not null)
            {
                var parts = line.Split(' ', 5);
                switch (parts[0])
                {
                    case "progress":
                        Volatile.Write(ref _opened, Parse(parts[1]));
                        break;
                    case "filled":
                        Volatile.Write(ref _opened, Parse(parts[1]));
                        Filled = (Parse(parts[1]), Parse(parts[2]), parts[4]);
                        break;
                    case "pongs":
                        Volatile.Read(ref _pongs)?.TrySetResult(line);
                        break;
                }
            }
        }
    }
}
