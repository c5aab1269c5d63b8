using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// Server instructions per echoed message, counted by <c>valgrind --tool=callgrind</c> on a Native AOT
/// binary: repeatable to within about 1% whatever else the machine does, unlike throughput.
/// Instrumentation is switched on only after a fixed warm-up, and the protocol is identical every run.
/// </summary>
public static class Callgrind
{
    public static async Task<string> MeasureAsync(IReadOnlyList<(string Name, string Binary)> servers, int connections, int size, int messages, int repetitions)
    {
        var counts = servers.ToDictionary(s => s.Name, _ => new List<double>());
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            foreach (var (name, binary) in servers)
            {
                counts[name].Add(await InstructionsPerMessageAsync(binary, connections, size, messages));
                Console.Error.WriteLine($"callgrind {name} #{repetition + 1}: {counts[name][^1]:N0} instructions per message");
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Server instructions per echoed {size}-byte binary message, {connections} connections, {messages:N0} messages per repetition; the first repetition is discarded.");
        report.AppendLine();
        report.AppendLine("| Server | instructions per message | repetitions | ratio |");
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

    private static async Task<double> InstructionsPerMessageAsync(string binary, int connections, int size, int messages)
    {
        int port = Measure.FreePort();
        string output = Path.Combine(Path.GetTempPath(), $"callgrind.{Guid.NewGuid():N}.out");
        var start = new ProcessStartInfo("valgrind")
        {
            ArgumentList = { "--tool=callgrind", "--instr-atstart=no", $"--callgrind-out-file={output}", binary, "--port", port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Settings under which the AOT runtime runs under valgrind with stable counts.
        start.Environment["DOTNET_GCRegionRange"] = "0x40000000";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            var clients = await ConnectAsync(port, connections, process);
            var payload = new byte[size];
            await EchoAsync(clients, payload, 2_000);
            await ControlAsync("--instr=on", process.Id);
            await EchoAsync(clients, payload, messages);
            await ControlAsync("--instr=off", process.Id);
            await ControlAsync("--dump", process.Id);
            foreach (var client in clients)
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

        return instructions / (double)messages;
    }

    private static async Task<ClientWebSocket[]> ConnectAsync(int port, int count, Process server)
    {
        var uri = new Uri($"ws://127.0.0.1:{port}/echo");
        var clock = Stopwatch.StartNew();
        var clients = new List<ClientWebSocket>();
        while (clients.Count < count)
        {
            var client = new ClientWebSocket();
            try
            {
                await client.ConnectAsync(uri, CancellationToken.None);
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

    private static async Task EchoAsync(ClientWebSocket[] clients, byte[] payload, int messages)
    {
        int perClient = messages / clients.Length;
        await Task.WhenAll(clients.Select(async client =>
        {
            var buffer = new byte[payload.Length + 64];
            for (int i = 0; i < perClient; i++)
            {
                await client.SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
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
