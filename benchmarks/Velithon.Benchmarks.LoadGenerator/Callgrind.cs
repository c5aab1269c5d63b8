using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Velithon.Benchmarks.Results;

namespace Velithon.Benchmarks;

/// <summary>
/// Server instructions per echoed message, counted by <c>valgrind --tool=callgrind</c> on a Native AOT
/// binary: repeatable to within about 1% whatever else the machine does, unlike throughput.
/// Instrumentation is switched on only after a fixed warm-up, and the protocol is identical every run.
/// </summary>
public static class Callgrind
{
    /// <summary>
    /// Server instructions per echoed message: <paramref name="connections"/> clients echo <paramref name="messages"/> in all.
    /// With <paramref name="deflate"/>, every client offers permessage-deflate (RFC 7692) with windows of 15 bits and
    /// context takeover both ways, each server is started with <c>--deflate</c>, a connection on which the server did
    /// not accept the offer fails the run, and the payload is JSON-like text (sent as a binary message, so both servers
    /// echo bytes) rather than zeros, which would compress to almost nothing.
    /// With <paramref name="text"/>, the messages are text (ASCII, so as many bytes as characters) instead of binary;
    /// <paramref name="paths"/> names the route per server (by default /echo).
    /// </summary>
    public static Task<string> MeasureEchoAsync(
        IReadOnlyList<(string Name, string Binary)> servers, int connections, int size, int messages, int repetitions, bool deflate = false, bool text = false,
        IReadOnlyDictionary<string, string>? paths = null) =>
        MeasureAsync(
            servers,
            repetitions,
            deflate
                ? $"Server instructions per echoed {size}-byte binary message with permessage-deflate (window 15, context takeover), {connections} connections, {messages:N0} messages per repetition; the first repetition is discarded."
                : $"Server instructions per echoed {size}-byte {(text ? "text" : "binary")} message, {connections} connections, {messages:N0} messages per repetition; the first repetition is discarded.",
            "instructions per message",
            deflate ? ["--deflate"] : [],
            async (port, server, name) =>
            {
                var clients = await ConnectAsync(port, connections, server, deflate, paths?.GetValueOrDefault(name) ?? "/echo");
                var payload = deflate || text ? JsonLikePayload(size) : new byte[size];
                var type = text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                return new Workload(
                    Warm: () => EchoAsync(clients, payload, type, 2_000),
                    Measured: async () =>
                    {
                        await EchoAsync(clients, payload, type, messages);
                        return messages;
                    },
                    Clients: clients);
            },
            $"echo {(deflate ? "deflate" : text ? "text" : "binary")} {size} B x{connections}");

    /// <summary>
    /// Server instructions per handshake: <paramref name="workers"/> clients each open a connection to /echo and
    /// close it again (handshake, routing, close handshake), <paramref name="handshakes"/> in all;
    /// <paramref name="paths"/> names the route per server (by default /echo).
    /// </summary>
    public static Task<string> MeasureHandshakesAsync(
        IReadOnlyList<(string Name, string Binary)> servers, int workers, int handshakes, int repetitions, IReadOnlyDictionary<string, string>? paths = null) =>
        MeasureAsync(
            servers,
            repetitions,
            $"Server instructions per WebSocket handshake and close handshake to /echo{(paths is { Count: > 0 } ? " (" + string.Join(", ", paths.Select(p => $"{p.Key}: {p.Value}")) + ")" : "")}, {workers} concurrent clients, {handshakes:N0} handshakes per repetition; the first repetition is discarded.",
            "instructions per handshake",
            [],
            async (port, server, name) =>
            {
                string path = paths?.GetValueOrDefault(name) ?? "/echo";

                // Connectable first: the server under valgrind takes a while to start.
                var first = await ConnectAsync(port, 1, server, path: path);
                await first[0].CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                first[0].Dispose();
                return new Workload(
                    Warm: () => HandshakeAsync(port, path, workers, 200),
                    Measured: async () =>
                    {
                        await HandshakeAsync(port, path, workers, handshakes);
                        return handshakes;
                    },
                    Clients: []);
            },
            "handshake");

    /// <summary>
    /// Server instructions per broadcast: <paramref name="members"/> clients join /broadcast, one of them sends a 32-byte
    /// message, and the server relays it to all of them (one receive and <paramref name="members"/> sends);
    /// <paramref name="broadcasts"/> in all, each after the previous one reached every member.
    /// </summary>
    public static Task<string> MeasureBroadcastAsync(IReadOnlyList<(string Name, string Binary)> servers, int members, int broadcasts, int repetitions) =>
        MeasureAsync(
            servers,
            repetitions,
            $"Server instructions per broadcast of a 32-byte binary message to {members} members on one server (one receive, {members} sends), {broadcasts:N0} broadcasts per repetition; the first repetition is discarded.",
            "instructions per broadcast",
            [],
            async (port, server, _) =>
            {
                var clients = await ConnectAsync(port, members, server, path: "/broadcast");
                var fanOut = new FanOut(clients);

                // Members join after their 101, so the warm-up first repeats broadcasts until one reaches them all.
                return new Workload(
                    Warm: async () =>
                    {
                        while (!await fanOut.BroadcastAsync(TimeSpan.FromSeconds(10)))
                        {
                        }

                        for (int i = 0; i < 20; i++)
                        {
                            await fanOut.BroadcastAsync(Timeout.InfiniteTimeSpan);
                        }
                    },
                    Measured: async () =>
                    {
                        for (int i = 0; i < broadcasts; i++)
                        {
                            if (!await fanOut.BroadcastAsync(TimeSpan.FromMinutes(2)))
                            {
                                throw new TimeoutException("A broadcast did not reach every member.");
                            }
                        }

                        return broadcasts;
                    },
                    Clients: clients);
            },
            $"broadcast x{members}");

    /// <summary>
    /// Server instructions from exec to the first echoed message, all threads (host start, the first handshake and
    /// receive): the work of a Native AOT start, which wall time on a shared machine cannot settle.
    /// </summary>
    public static Task<string> MeasureStartupAsync(IReadOnlyList<(string Name, string Binary)> servers, int repetitions) =>
        MeasureAsync(
            servers,
            repetitions,
            "Server instructions from exec to the first echoed message on /echo (the client retries until the server listens), all threads; the first repetition is discarded.",
            "instructions to first echo",
            [],
            (port, server, _) => Task.FromResult(new Workload(
                Warm: () => Task.CompletedTask,
                Measured: async () =>
                {
                    var clients = await ConnectAsync(port, 1, server);
                    await EchoAsync(clients, new byte[2], WebSocketMessageType.Text, 1);
                    clients[0].Abort();
                    clients[0].Dispose();
                    return 1;
                },
                Clients: [])),
            fromStart: true);

    private sealed record Workload(Func<Task> Warm, Func<Task<int>> Measured, ClientWebSocket[] Clients);

    /// <summary>
    /// Sends numbered broadcasts from the first client and counts, per number, the members that received it, so a
    /// broadcast that missed a member not yet joined never counts for the next one.
    /// </summary>
    private sealed class FanOut
    {
        private readonly ClientWebSocket[] _clients;
        private readonly int[] _received = new int[1 << 16];
        private int _sequence;
        private TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FanOut(ClientWebSocket[] clients)
        {
            _clients = clients;
            foreach (var client in clients)
            {
                _ = ReadAsync(client);
            }
        }

        /// <summary>Sends the next broadcast; true when every member received it within <paramref name="timeout"/>.</summary>
        public async Task<bool> BroadcastAsync(TimeSpan timeout)
        {
            int sequence = ++_sequence;
            var complete = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _complete, complete);
            var payload = new byte[32];
            BitConverter.TryWriteBytes(payload, sequence);
            await _clients[0].SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
            try
            {
                await complete.Task.WaitAsync(timeout);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        private async Task ReadAsync(ClientWebSocket client)
        {
            var buffer = new byte[64];
            try
            {
                while (true)
                {
                    var result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    int sequence = BitConverter.ToInt32(buffer, 0);
                    if (Interlocked.Increment(ref _received[sequence & 0xFFFF]) == _clients.Length && sequence == Volatile.Read(ref _sequence))
                    {
                        Volatile.Read(ref _complete).TrySetResult();
                    }
                }
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The workload aborts the clients when it is done.
            }
        }
    }

    private static async Task<string> MeasureAsync(
        IReadOnlyList<(string Name, string Binary)> servers,
        int repetitions,
        string title,
        string unit,
        string[] serverArguments,
        Func<int, Process, string, Task<Workload>> prepare,
        string? scenario = null,
        bool fromStart = false)
    {
        var counts = servers.ToDictionary(s => s.Name, _ => new List<double>());
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            foreach (var (name, binary) in servers)
            {
                counts[name].Add(await InstructionsPerOperationAsync(binary, serverArguments, (port, process) => prepare(port, process, name), fromStart));
                Console.Error.WriteLine($"callgrind {name} #{repetition + 1}: {counts[name][^1]:N0} {unit}");
            }
        }

        // The first repetition is a warm-up for the caches of the machine, not a figure.
        RunLog.Add(title, new Figure(scenario ?? unit, unit, HigherIsBetter: false, counts.ToDictionary(c => c.Key, c => c.Value.Skip(1).ToList())));
        var report = new StringBuilder();
        report.AppendLine(title);
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"| Server | {unit} | repetitions | ratio |");
        report.AppendLine("|---|---:|---|---:|");
        double baseline = counts[servers[0].Name].Skip(1).Average();
        foreach (var (name, _) in servers)
        {
            var kept = counts[name].Skip(1).ToList();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {kept.Average():N0} | {string.Join(", ", kept.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))} | {kept.Average() / baseline:0.000} |");
        }

        return report.ToString();
    }

    private static async Task<double> InstructionsPerOperationAsync(string binary, string[] serverArguments, Func<int, Process, Task<Workload>> prepare, bool fromStart)
    {
        int port = Measure.FreePort();
        string output = Path.Combine(Path.GetTempPath(), $"callgrind.{Guid.NewGuid():N}.out");
        var start = new ProcessStartInfo("valgrind")
        {
            ArgumentList = { "--tool=callgrind", $"--instr-atstart={(fromStart ? "yes" : "no")}", $"--callgrind-out-file={output}", binary, "--port", port.ToString(CultureInfo.InvariantCulture) },

            // In its own folder, as NativeAot.Server explains: the host's reload watch walks the working directory.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(binary))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in serverArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Settings under which the AOT runtime runs under valgrind with stable counts.
        start.Environment["DOTNET_GCRegionRange"] = "0x40000000";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        int operations;
        try
        {
            var workload = await prepare(port, process);
            await workload.Warm();
            if (!fromStart)
            {
                await ControlAsync("--instr=on", process.Id);
            }

            operations = await workload.Measured();
            await ControlAsync("--instr=off", process.Id);
            await ControlAsync("--dump", process.Id);
            foreach (var client in workload.Clients)
            {
                client.Abort();
                client.Dispose();
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        long instructions = 0;
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(output)!, Path.GetFileName(output) + "*"))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith("summary:", StringComparison.Ordinal) || line.StartsWith("totals:", StringComparison.Ordinal))
                {
                    instructions = Math.Max(instructions, long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture));
                }
            }

            // VELITHON_CALLGRIND_KEEP names a folder to keep the profiles in, for callgrind_annotate.
            if (Environment.GetEnvironmentVariable("VELITHON_CALLGRIND_KEEP") is { Length: > 0 } keep)
            {
                File.Copy(file, Path.Combine(keep, Path.GetFileName(binary) + "." + Path.GetFileName(file)), overwrite: true);
            }

            File.Delete(file);
        }

        return instructions / (double)operations;
    }

    private static async Task HandshakeAsync(int port, string path, int workers, int handshakes)
    {
        var uri = new Uri($"ws://127.0.0.1:{port}{path}");
        int perWorker = handshakes / workers;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            for (int i = 0; i < perWorker; i++)
            {
                using var client = new ClientWebSocket();
                await client.ConnectAsync(uri, CancellationToken.None);
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
        }));
    }

    private static async Task<ClientWebSocket[]> ConnectAsync(int port, int count, Process server, bool deflate = false, string path = "/echo")
    {
        var uri = new Uri($"ws://127.0.0.1:{port}{path}");
        var clock = Stopwatch.StartNew();
        var clients = new List<ClientWebSocket>();
        while (clients.Count < count)
        {
            var client = new ClientWebSocket();
            if (deflate)
            {
                client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions
                {
                    ClientMaxWindowBits = 15,
                    ServerMaxWindowBits = 15,
                    ClientContextTakeover = true,
                    ServerContextTakeover = true,
                };
                client.Options.CollectHttpResponseDetails = true;
            }

            try
            {
                await client.ConnectAsync(uri, CancellationToken.None);
                if (deflate && !(client.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var extensions) == true
                    && extensions.Any(value => value.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase))))
                {
                    throw new InvalidOperationException("The server did not accept permessage-deflate; run it with --deflate.");
                }

                clients.Add(client);
            }
            catch (WebSocketException) when (clock.Elapsed < TimeSpan.FromMinutes(2) && !server.HasExited)
            {
                client.Dispose();
                await Task.Delay(100);
            }
        }

        return [.. clients];
    }

    /// <summary>A chat-like JSON message of <paramref name="size"/> bytes: the same every time, as a fixed protocol is.</summary>
    private static byte[] JsonLikePayload(int size)
    {
        var text = Encoding.ASCII.GetBytes("""{"user":"alice","room":7,"text":"hello, world","at":1700000000}""");
        var payload = new byte[size];
        for (int i = 0; i < size; i++)
        {
            payload[i] = text[i % text.Length];
        }

        return payload;
    }

    private static async Task EchoAsync(ClientWebSocket[] clients, byte[] payload, WebSocketMessageType type, int messages)
    {
        int perClient = messages / clients.Length;
        await Task.WhenAll(clients.Select(async client =>
        {
            var buffer = new byte[payload.Length + 64];
            for (int i = 0; i < perClient; i++)
            {
                await client.SendAsync(payload, type, true, CancellationToken.None);
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                }
                while (!result.EndOfMessage);
            }
        }));
    }

    private static async Task ControlAsync(string command, int processId)
    {
        using var control = Process.Start(new ProcessStartInfo("callgrind_control", [command, processId.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await control.WaitForExitAsync();
    }
}
