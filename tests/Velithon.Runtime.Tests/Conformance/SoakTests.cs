using System.Diagnostics;
using System.Text;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// The soak measures the whole process's managed heap, so it runs alone: tests running beside it (the conformance
/// suite's four variants among them) would count their own live objects as its growth.
/// </summary>
[CollectionDefinition(nameof(SoakCollection), DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary>
/// Connection churn: many connect / message / disconnect cycles, some closed cleanly and some dropped.
/// Afterwards nothing may be left behind: no tracked connection, no running handler, no retained memory.
/// </summary>
[Collection(nameof(SoakCollection))]
public sealed class SoakTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Cycles = 100_000;
    private const int Concurrency = 8;
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Churn_LeavesNoConnectionHandlerOrMemoryBehind()
    {
        // Warm up so that pools, JIT and caches are in place before the baseline is taken.
        await RunCyclesAsync(2_000);
        await WaitUntilIdleAsync();
        long before = SettledMemory();

        var clock = Stopwatch.StartNew();
        await RunCyclesAsync(Cycles);
        await WaitUntilIdleAsync();
        long after = SettledMemory();

        output.WriteLine($"{Cycles} cycles in {clock.Elapsed.TotalSeconds:F1} s; managed memory {before / 1024} KiB before, {after / 1024} KiB after.");
        Assert.Equal(0, _server.TrackedConnections);
        Assert.Equal(0, _server.Probe.Running);
        // 4 MiB over 100,000 cycles: a leak of 40 bytes per connection would show.
        Assert.True(after - before < 4 * 1024 * 1024,
            $"Managed memory grew by {(after - before) / 1024} KiB over {Cycles} cycles ({clock.Elapsed.TotalSeconds:F1} s).");
    }

    private async Task RunCyclesAsync(int cycles)
    {
        int next = -1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int cycle;
            while ((cycle = Interlocked.Increment(ref next)) < cycles)
            {
                deadline.Token.ThrowIfCancellationRequested();
                await using var socket = await RawWebSocket.ConnectAsync(_server.Http1Base, "/soak", seed: cycle);
                string text = "cycle " + cycle;
                await socket.SendTextAsync(text);
                var echo = await socket.ReadFrameAsync();
                Assert.Equal(text, Encoding.UTF8.GetString(echo!.Payload));
                if (cycle % 3 != 0)
                {
                    // Clean: the close handshake, then the server closes TCP.
                    await socket.SendCloseAsync(1000);
                    Assert.Equal(1000, (await socket.ReadFrameAsync())!.CloseCode);
                }

                // Otherwise dropped: disposing the socket closes TCP without a close frame.
            }
        });
        await Task.WhenAll(workers);
    }

    private async Task WaitUntilIdleAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (_server.TrackedConnections > 0 || _server.Probe.Running > 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static long SettledMemory()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // The heap size after a full blocking collection: live objects plus fragmentation.
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }
}
