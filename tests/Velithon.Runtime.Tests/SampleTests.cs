using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Velithon.Runtime.Tests;

/// <summary>The sample application, started as its own process the way the README starts it.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task DemoSample_EchoesWithPrefix()
    {
        string configuration = typeof(SampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        string sample = Path.Combine(RepositoryRoot(), "samples", "Velithon.Demo", "bin", configuration, "net10.0", "Velithon.Demo.dll");
        Assert.True(File.Exists(sample), $"The sample is not built: {sample}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { sample, "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = Path.GetDirectoryName(sample)!,
        };
        start.Environment["Logging__Console__FormatterName"] = "simple";
        using var process = Process.Start(start)!;
        try
        {
            var address = await WaitForListeningAddressAsync(process);
            using var client = await Client.ConnectAsync(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/echo"));
            await client.SendTextAsync("hello sample");
            Assert.Equal("Echo: hello sample", await client.ReceiveTextAsync());

            using var chat = await Client.ConnectAsync(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/chat/lobby"));
            await chat.SendTextAsync("hi");
            Assert.Equal("[lobby] hi", await chat.ReceiveTextAsync());

            using var endpoint = await Client.ConnectAsync(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/echo/3"));
            Assert.Equal("channel 3", await endpoint.ReceiveTextAsync());
            await endpoint.SendTextAsync("ping");
            Assert.Equal("ping", await endpoint.ReceiveTextAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<string> WaitForListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string marker = "Now listening on: ";
            int index = line.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                return line[(index + marker.Length)..].Trim();
            }
        }

        throw new InvalidOperationException("The sample exited before listening: " + await process.StandardError.ReadToEndAsync());
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
