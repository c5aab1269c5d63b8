using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// A server's CPU per delivery of a broadcast, kernel included: the benchmark subject
/// (<c>Velithon.Benchmarks.Subject</c>, its <c>/broadcast</c> route relays each member's message to the group with
/// <c>hub.Group("members").SendBytesAsync</c>) runs as its own process; the clients here send a 32-byte message,
/// wait until every member has it, and send the next. The server's user and system time come from
/// <c>/proc/PID/stat</c>, so the clients' work, on the same cores, is not counted.
/// </summary>
public static class ServerCpu
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<string> MeasureAsync(string subject, int[] memberCounts, int deliveries, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(Invariant, $"Server CPU (user + system, from /proc) per delivery of a 32-byte broadcast, 8 broadcasts in flight, {deliveries:N0} deliveries per round after 200 broadcasts to warm up, {rounds} rounds (median, min–max)."));
        text.AppendLine();
        text.AppendLine("| members | µs of server CPU per delivery | µs per broadcast | deliveries/s (wall, clients on the same cores) |");
        text.AppendLine("|---:|---:|---:|---:|");
        foreach (int members in memberCounts)
        {
            var perDelivery = new List<double>();
            var rates = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var (cpu, rate) = await RoundAsync(subject, members, Math.Max(1, deliveries / members));
                perDelivery.Add(cpu);
                rates.Add(rate);
            }

            perDelivery.Sort();
            rates.Sort();
            double median = perDelivery[perDelivery.Count / 2];
            text.AppendLine(string.Create(Invariant,
                $"| {members:N0} | {median:F2} ({perDelivery[0]:F2}–{perDelivery[^1]:F2}) | {median * members:N0} | {rates[rates.Count / 2]:N0} ({rates[0]:N0}–{rates[^1]:N0}) |"));
        }

        return text.ToString();
    }

    private static async Task<(double CpuMicrosecondsPerDelivery, double DeliveriesPerSecond)> RoundAsync(string subject, int members, int broadcasts)
    {
        int port = RedisProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { subject, "--port", port.ToString(Invariant) }, RedirectStandardOutput = true };
        start.Environment["DOTNET_GCDynamicAdaptationMode"] = "0";
        using var server = Process.Start(start) ?? throw new InvalidOperationException("The subject did not start.");
        server.OutputDataReceived += static (_, _) => { };
        server.BeginOutputReadLine();
        var sockets = new List<ClientWebSocket>();
        try
        {
            var uri = new Uri($"ws://127.0.0.1:{port}/broadcast");
            await WaitForPortAsync(port);
            var counter = new FanOutScenario.DeliveryCounter();
            for (int i = 0; i < members; i++)
            {
                var socket = new ClientWebSocket();
                await socket.ConnectAsync(uri, CancellationToken.None);
                sockets.Add(socket);
                _ = ReadAsync(socket, counter);
            }

            byte[] payload = new byte[32];
            long expected = 0;

            // Members join the group just after their 101: broadcast until one reaches them all, and 200 times in all to warm up (the JIT's tiering).
            for (int warm = 0; warm < 200;)
            {
                long before = counter.Count;
                await sockets[0].SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
                try
                {
                    await counter.WaitForAsync(before + members, TimeSpan.FromSeconds(5));
                    warm++;
                }
                catch (TimeoutException)
                {
                    // Some member had not joined yet.
                }
            }

            await Task.Delay(200);
            expected = counter.Count;
            double cpuBefore = CpuSeconds(server.Id);
            var clock = Stopwatch.StartNew();
            // Eight broadcasts in flight, so the server stays busy as under load rather than waking for each one.
            const int InFlight = 8;
            long first = expected;
            for (int i = 0; i < broadcasts; i++)
            {
                await sockets[0].SendAsync(payload, WebSocketMessageType.Binary, true, CancellationToken.None);
                if (i >= InFlight)
                {
                    await counter.WaitForAsync(first + ((long)(i - InFlight + 1) * members), TimeSpan.FromSeconds(60));
                }
            }

            expected = first + ((long)broadcasts * members);
            await counter.WaitForAsync(expected, TimeSpan.FromSeconds(60));

            double seconds = clock.Elapsed.TotalSeconds;
            double cpu = CpuSeconds(server.Id) - cpuBefore;
            long deliveries = (long)broadcasts * members;
            return (cpu * 1e6 / deliveries, deliveries / seconds);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }

            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    private static async Task ReadAsync(ClientWebSocket socket, FanOutScenario.DeliveryCounter counter)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.EndOfMessage)
                {
                    counter.Add();
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Aborted at the end of the round.
        }
    }

    /// <summary>utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], Invariant) + long.Parse(fields[12], Invariant)) / 100.0;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }
        }
    }
}
