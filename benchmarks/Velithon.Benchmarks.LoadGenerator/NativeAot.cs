using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// Native AOT figures of a published server: binary size, time from exec to the first echoed message,
/// and resident memory once idle.
/// </summary>
public static class NativeAot
{
    public static async Task<string> MeasureAsync(IReadOnlyList<(string Name, string Binary)> servers, int rounds)
    {
        var startup = servers.ToDictionary(s => s.Name, _ => new List<double>());
        var idle = servers.ToDictionary(s => s.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, binary) in round % 2 == 0 ? servers : servers.Reverse())
            {
                var (milliseconds, residentBytes) = await StartAndEchoAsync(binary);
                startup[name].Add(milliseconds);
                idle[name].Add(residentBytes / 1024.0 / 1024.0);
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Native AOT, {rounds} rounds, medians.");
        report.AppendLine();
        report.AppendLine("| Server | binary (MB) | start to first echo (ms) | idle RSS (MiB) |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, binary) in servers)
        {
            double megabytes = new FileInfo(binary).Length / 1_000_000.0;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {megabytes:0.0} | {Measure.Median(startup[name]):0.0} | {Measure.Median(idle[name]):0.0} |");
        }

        return report.ToString();
    }

    private static async Task<(double Milliseconds, long ResidentBytes)> StartAndEchoAsync(string binary)
    {
        int port = Measure.FreePort();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
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
                return (milliseconds, Measure.ResidentBytes(process.Id));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
