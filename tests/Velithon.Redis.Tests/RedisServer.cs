using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Velithon.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with persistence off, run as a child process so a test
/// can kill it and start it again on the same port. Its working directory is a fresh temporary one, deleted on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("velithon-redis-").FullName;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(int port, string[] extraArguments)
    {
        Port = port;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; <paramref name="extraArguments"/> go to redis-server after the defaults (cluster mode, for one).</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        var server = Create(extraArguments);
        try
        {
            await server.RestartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A server with its port chosen and not started: <see cref="RestartAsync"/> starts it.</summary>
    public static RedisServer Create(params string[] extraArguments) => new(FreePort(), extraArguments);

    /// <summary>Starts the process (again) and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        _process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException) when (!_process.HasExited)
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with {_process.ExitCode}: {string.Join(" | ", output)}");
            }
        }
    }

    /// <summary>Kills the process, as a crash would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
