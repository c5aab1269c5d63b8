using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Velithon.Benchmarks;

/// <summary>A server under test, started as its own process on a loopback port and stopped at the end.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Process _process;

    private ServerProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri WebSocketBase => new($"ws://127.0.0.1:{Port}");

    /// <summary>Starts <paramref name="path"/>: an assembly (.dll) through <c>dotnet</c>, or a native executable as it is.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string path)
    {
        int port = Measure.FreePort();
        bool assembly = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(assembly ? "dotnet" : path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (assembly)
        {
            start.ArgumentList.Add(path);
        }

        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));

        // Precise allocation counts need a GC that does not adapt its heap count under load.
        start.Environment["DOTNET_GCDynamicAdaptationMode"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + path);
        var server = new ServerProcess(name, process, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await server.ReadStatsAsync();
                return server;
            }
            catch (HttpRequestException) when (!timeout.IsCancellationRequested && !process.HasExited)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    /// <summary>Allocated bytes (precise), working set, and gen-0 collections so far.</summary>
    public async Task<(long Allocated, long WorkingSet, long Collections)> ReadStatsAsync()
    {
        string text = await Http.GetStringAsync($"http://127.0.0.1:{Port}/stats");
        var parts = text.Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The server's CPU time so far, user and system, every thread. (Its read and write counts in /proc/PID/io are no
    /// measure of socket traffic: recv and send on a socket do not count there.)
    /// </summary>
    public TimeSpan ReadCpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The resident set size from /proc, the figure the idle-memory target is about.</summary>
    public long ResidentBytes() => Measure.ResidentBytes(_process.Id);

    /// <summary>One figure of the server's <c>/gc</c> line (heap, committed, fragmented, ws, pool-pooled, ...), in bytes.</summary>
    public async Task<long> ReadGcFigureAsync(string name)
    {
        var parts = (await Http.GetStringAsync($"http://127.0.0.1:{Port}/gc")).Split(' ');
        int at = Array.IndexOf(parts, name);
        return at >= 0 ? long.Parse(parts[at + 1], CultureInfo.InvariantCulture) : 0;
    }

    public async Task CollectAsync() => await Http.GetStringAsync($"http://127.0.0.1:{Port}/collect");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
