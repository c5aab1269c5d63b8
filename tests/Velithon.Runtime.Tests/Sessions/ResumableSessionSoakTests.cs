using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Hosting;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests.Sessions;

/// <summary>
/// Session churn, bounded in count and time: cycles that open a session, drop it through a real TCP reset, resume it
/// and close it, and cycles that drop it and never come back (their windows pass on a fake clock). Afterwards nothing
/// may be left: no session, no detached session, no connection, and no connection object still reachable after a
/// full collection (a session, its buffer or a window timer left behind would hold it). The heap is reported, not
/// asserted: it is the whole process's, and the tests that ran before this one settle in it meanwhile.
/// </summary>
[Collection(nameof(SoakCollection))]
public sealed class ResumableSessionSoakTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Cycles = 1000;
    private const int Concurrency = 4;

    [Fact]
    public async Task ChurnWithResumesAndExpiries_LeavesNoSessionConnectionOrMemoryBehind()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(
            configure: options => options.KeepAliveInterval = TimeSpan.Zero,
            configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var proxy = new CuttableProxy(server.Http1Base.Port);
        var sessions = server.Services.GetRequiredService<VelithonRuntime>().Sessions;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        await RunCyclesAsync(proxy, 300, deadline.Token);
        await SettleAsync(server, clock);
        long before = SettledMemory();

        var elapsed = Stopwatch.StartNew();
        await RunCyclesAsync(proxy, Cycles, deadline.Token);
        await SettleAsync(server, clock);
        long after = SettledMemory();

        output.WriteLine($"{Cycles} cycles in {elapsed.Elapsed.TotalSeconds:F1} s; managed memory {before / 1024} KiB before, {after / 1024} KiB after.");
        Assert.Equal(0, sessions.Count);
        Assert.Equal(0, sessions.Detached);
        Assert.Equal(0, server.Hub.ConnectionCount);
        Assert.Equal(0, server.Services.GetRequiredService<SessionTracker>().Alive());
    }

    private static async Task RunCyclesAsync(CuttableProxy proxy, int cycles, CancellationToken deadline)
    {
        int next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int cycle;
            while ((cycle = Interlocked.Increment(ref next)) < cycles)
            {
                deadline.ThrowIfCancellationRequested();
                var url = new Uri(proxy.Base, "/session/chat/soak" + (cycle % 8));
                await using var client = await ResumeClient.ConnectAsync(url);
                Assert.StartsWith("hello ", await client.ReceiveAsync(), StringComparison.Ordinal);
                await client.SendAsync("one");
                Assert.Equal("r:one", await client.ReceiveAsync());

                // A drop without a close frame: the client's own socket, aborted.
                client.Abort();
                await client.Reading;
                await client.SendAsync("two");
                if (cycle % 4 == 3)
                {
                    // Never comes back: the window passes (the fake clock, at the end).
                    continue;
                }

                await client.ResumeAsync(url);
                Assert.Equal("r:two", await client.ReceiveAsync());
                await client.CloseAsync();
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task SettleAsync(TestServer server, FakeTimeProvider clock)
    {
        var sessions = server.Services.GetRequiredService<VelithonRuntime>().Sessions;
        await Client.EventuallyAsync(() => sessions.Count == sessions.Detached);
        clock.Advance(TimeSpan.FromSeconds(31));
        await Client.EventuallyAsync(() => sessions.Count == 0 && sessions.Detached == 0 && server.Hub.ConnectionCount == 0);
    }

    private static long SettledMemory()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }
}
