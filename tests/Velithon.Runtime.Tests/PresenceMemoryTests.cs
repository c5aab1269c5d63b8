using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Velithon.Presence;
using Xunit.Abstractions;

namespace Velithon.Runtime.Tests;

[CollectionDefinition(nameof(PresenceMemoryCollection), DisableParallelization = true)]
public sealed class PresenceMemoryCollection;

/// <summary>
/// What 10,000 members of one group cost a server: as copies of another server's entries (what every server of a
/// fleet holds for the groups it has members in) and as its own entries; and that all of it is returned when they go.
/// Measured with the GC's retained heap, alone in its collection so no other test allocates meanwhile.
/// </summary>
[Collection(nameof(PresenceMemoryCollection))]
public sealed class PresenceMemoryTests(ITestOutputHelper output)
{
    private const int Members = 10_000;

    /// <summary>
    /// The bound asserted per member; docs/benchmarks.md gives the measured figures (about 175 and 210 bytes). The margin
    /// is for the heap's noise: the shared array pool keeps or drops megabyte buffers of the largest diffs meanwhile.
    /// </summary>
    private const int MaxBytesPerMember = 1024;

    [Fact]
    public async Task TenThousandMembers_CostABoundedNumberOfBytesEach_AndAreReturnedWhenTheyGo()
    {
        var backplane = new PresenceBackplane();
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton<Velithon.Scaling.WebSocketBackplane>(backplane);
            builder.Services.AddSingleton<TimeProvider>(clock);
        });
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        var tracker = server.Services.GetRequiredService<Velithon.Groups.WebSocketHub>().Presence;
        using var ann = await PresenceTests.ConnectAsync(server, "big", "ann", "phone");
        Assert.Equal(["+ann", "tracked"], await PresenceTests.ReceiveAsync(ann, 2));

        // Ann reads and drops everything from now on (10,000 joins, then 10,000 leaves; her queue drops what it cannot
        // hold), and the test waits for a marker behind them, so no message waits in memory when it measures.
        var hub = server.Services.GetRequiredService<IWebSocketHub>();
        string annId = Assert.Single(hub.GetConnections()).ConnectionId;
        int markers = 0;
        var reading = DrainAsync(ann, () => Interlocked.Increment(ref markers));
        async Task FlushAsync()
        {
            int seen = Volatile.Read(ref markers);
            using var timeout = new CancellationTokenSource(Client.Timeout);
            while (Volatile.Read(ref markers) == seen)
            {
                Assert.True(ann.State == System.Net.WebSockets.WebSocketState.Open, $"ann's connection is {ann.State} ({ann.CloseStatus} {ann.CloseStatusDescription}); logs: {string.Join(" | ", server.Logs.Entries.Select(entry => entry.Message))}");
                await hub.Connection(annId).SendTextAsync("marker");
                await Task.Delay(20, timeout.Token);
            }
        }

        // Two rounds: the first fills the caches a round uses and keeps (the shared array pool's buffers for the
        // largest diffs, Kestrel's); the second is measured, and must end where it began.
        await RoundAsync(measure: false);
        await RoundAsync(measure: true);

        async Task RoundAsync(bool measure)
        {
            // The other server's full state, for the same keys as this server's entries below: built before the
            // baseline, so only what the server keeps counts. Same keys, so it moves no key and makes no diff: a diff
            // of 10,000 keys would take a megabyte buffer from the shared array pool, which keeps or trims such
            // buffers on its own, and the heap would measure the pool rather than the entries.
            var entries = new (byte, PresenceEntry)[Members];
            for (int i = 0; i < Members; i++)
            {
                entries[i] = (0, PresenceTests.Entry($"member-{i:D5}", i.ToString("x"), "phone"));
            }

            var stateMessage = PresenceTests.Encode(PresenceOp.State, 1, null, entries);
            entries = null;
            long baseline = RetainedBytes();

            // This server's own entries, tracked directly (10,000 sockets are not the subject here); what they
            // published is dropped, as a broker would have taken it.
            Assert.True(tracker.TryGetGroup("big", out var group));
            for (int i = 0; i < Members; i++)
            {
                Assert.True(group.TryTrack(new PresenceEntry($"local.{i:x}", $"member-{i:D5}", ["device", "laptop"]), out _));
            }

            backplane.Published.Clear();
            await FlushAsync();
            long withLocal = RetainedBytes();

            backplane.Deliver("big", stateMessage);
            long withRemote = RetainedBytes();
            Assert.Equal(Members + 1, presence.List("big").Count);
            Assert.Equal((Members + 1, 1, Members, Members + 1), group.Counts);

            // Every entry held, watched without being kept: each must be collectable once its member has gone.
            var watched = group.SnapshotEntries().ConvertAll(entry => new WeakReference(entry));
            Assert.Equal(2 * Members + 1, watched.Count);

            // They go: the other server falls silent past the timeout, and this server's entries are untracked.
            for (int i = 0; i < 4; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(10));
            }

            for (int i = 0; i < Members; i++)
            {
                Assert.True(group.Untrack($"local.{i:x}"));
            }

            backplane.Published.Clear();
            await FlushAsync();
            Assert.Equal("ann", Assert.Single(presence.List("big")).Key);
            Assert.Equal((1, 0, 0, 1), group.Counts);
            long after = RetainedBytes();
            Assert.Equal(1, watched.Count(reference => reference.IsAlive));
            GC.KeepAlive(stateMessage);
            if (!measure)
            {
                return;
            }

            double localPerMember = (withLocal - baseline) / (double)Members;
            double remotePerMember = (withRemote - withLocal) / (double)Members;
            output.WriteLine($"retained per member: local entry {localPerMember:F0} B, remote copy {remotePerMember:F0} B; after they left: {after - baseline} B over the baseline");
            // The copy is measured alone, with no diff and no pooled buffer: the bound holds it. The own entries'
            // figure moves with about 2 MB the heap releases meanwhile (not yet explained, see docs/benchmarks.md),
            // so it is bounded only together with the copies, over all 20,000 entries.
            Assert.InRange(remotePerMember, 1, MaxBytesPerMember);
            Assert.InRange((withRemote - baseline) / (2.0 * Members), 1, MaxBytesPerMember);
        }

        ann.Abort();
        await reading;
    }

    private static long RetainedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task DrainAsync(ClientWebSocket client, Action onMarker)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.EndOfMessage && result.Count == 6 && System.Text.Encoding.ASCII.GetString(buffer, 0, 6) == "marker")
                {
                    onMarker();
                }
            }
        }
        catch (WebSocketException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }
}
