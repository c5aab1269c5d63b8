using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, persistence off, in a fresh temporary directory deleted on
/// dispose; a child process, killed on dispose.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("velithon-scaleout-").FullName;
    private Process? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(params string[] extraArguments)
    {
        var redis = new RedisProcess(FreePort());
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", redis.Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redis._directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        redis._process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        redis._process.OutputDataReceived += static (_, _) => { };
        redis._process.ErrorDataReceived += static (_, _) => { };
        redis._process.BeginOutputReadLine();
        redis._process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, redis.Port, timeout.Token);
                return redis;
            }
            catch (SocketException) when (!redis._process.HasExited)
            {
                await Task.Delay(20, timeout.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
