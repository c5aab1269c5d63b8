using System.Diagnostics;
using System.Reflection;
using System.Text;

using Velithon.Runtime.Tests;

namespace Velithon.Demo.Tests;

/// <summary>
/// The demo application running as its own process on a dynamic loopback port: the JIT build started through
/// <c>dotnet</c>, or a native binary. Killed (with its children) when disposed.
/// </summary>
public sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private DemoProcess(Process process, IReadOnlyList<Uri> addresses)
    {
        _process = process;
        Addresses = addresses;
    }

    /// <summary>The demo's build output for the configuration these tests were built in.</summary>
    public static string BuiltAssembly
    {
        get
        {
            string configuration = typeof(DemoProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            return Path.Combine(ExternalProcess.RepositoryRoot, "samples", "Velithon.Demo", "bin", configuration, "net10.0", "Velithon.Demo.dll");
        }
    }

    /// <summary>The first address the demo listens on, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => Addresses[0];

    /// <summary>Every address the demo listens on, in the order it logged them.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public Uri WebSocketUrl(string pathAndQuery) => new($"ws://{Address.Authority}{pathAndQuery}");

    /// <summary>Starts the JIT build: <c>dotnet Velithon.Demo.dll --urls http://127.0.0.1:0</c>.</summary>
    public static Task<DemoProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(BuiltAssembly), $"The demo is not built: {BuiltAssembly}");
        return StartAsync("dotnet", [BuiltAssembly], environment);
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> and <c>--urls http://127.0.0.1:0</c>, and waits until it listens.</summary>
    public static Task<DemoProcess> StartAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(arguments.FirstOrDefault() ?? program))!;
        return StartInAsync(directory, program, [.. arguments, "--urls", "http://127.0.0.1:0"], variables, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Starts <paramref name="program"/> in <paramref name="directory"/> with exactly <paramref name="arguments"/>
    /// (a null value in <paramref name="environment"/> removes that variable), and waits up to
    /// <paramref name="startTimeout"/> until it has logged every address it listens on.
    /// </summary>
    public static async Task<DemoProcess> StartInAsync(
        string directory, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan startTimeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        try
        {
            var addresses = await WaitForListeningAddressesAsync(process, startTimeout);
            var demo = new DemoProcess(process, addresses);
            process.ErrorDataReceived += (_, line) => { lock (demo._errors) { demo._errors.AppendLine(line.Data); } };
            process.BeginErrorReadLine();
            _ = DrainAsync(process.StandardOutput);
            return demo;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>What the demo wrote to standard error so far (empty when all went well).</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString().Trim();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    // Kestrel logs "Now listening on: <address>" for each address, then "Application started".
    private static async Task<IReadOnlyList<Uri>> WaitForListeningAddressesAsync(Process process, TimeSpan startTimeout)
    {
        const string Marker = "Now listening on: ";
        var addresses = new List<Uri>();
        var log = new StringBuilder();
        using var timeout = new CancellationTokenSource(startTimeout);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            log.AppendLine(line);
            int index = line.IndexOf(Marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                addresses.Add(new Uri(line[(index + Marker.Length)..].Trim()));
            }
            else if (line.Contains("Application started", StringComparison.Ordinal) && addresses.Count > 0)
            {
                return addresses;
            }
        }

        throw new InvalidOperationException($"The process exited before listening:\n{log}{await process.StandardError.ReadToEndAsync()}");
    }

    // Keeps reading the log so a full pipe never blocks the demo.
    private static async Task DrainAsync(StreamReader output)
    {
        while (await output.ReadLineAsync() is not null)
        {
        }
    }
}
