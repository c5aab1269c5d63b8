using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Velithon.Benchmarks;

/// <summary>
/// What the load generator reads from a server under test, the same way for the baseline and for
/// Velithon: allocated bytes (precise), the process's resident memory, and the GC's heap figures.
/// </summary>
public static class ServerStats
{
    // Kestrel's block pools (Microsoft.AspNetCore.MemoryPool): bytes pooled and free, bytes allocated and evicted so far.
    private static long s_pooled;
    private static long s_allocated;
    private static long s_evicted;

    public static void MapStats(this WebApplication app)
    {
        ListenToMemoryPools();
        app.MapGet("/stats", () => Results.Text(
            $"{GC.GetTotalAllocatedBytes(precise: true)} {Environment.WorkingSet} {GC.CollectionCount(0)}"));
        app.MapGet("/gc", () =>
        {
            var info = GC.GetGCMemoryInfo();
            return Results.Text($"heap {info.HeapSizeBytes} committed {info.TotalCommittedBytes} fragmented {info.FragmentedBytes} ws {Environment.WorkingSet}"
                + $" pool-pooled {Interlocked.Read(ref s_pooled)} pool-allocated {Interlocked.Read(ref s_allocated)} pool-evicted {Interlocked.Read(ref s_evicted)}");
        });
        app.MapGet("/collect", () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Results.Text("ok");
        });
    }

    /// <summary>
    /// Follows Kestrel's memory pool metrics, so <c>/gc</c> tells how much of the heap is free blocks the pool keeps
    /// (it evicts a few percent of them every 10 seconds while traffic is low).
    /// </summary>
    private static void ListenToMemoryPools()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.MemoryPool")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "aspnetcore.memory_pool.pooled":
                    Interlocked.Add(ref s_pooled, value);
                    break;
                case "aspnetcore.memory_pool.allocated":
                    Interlocked.Add(ref s_allocated, value);
                    break;
                case "aspnetcore.memory_pool.evicted":
                    Interlocked.Add(ref s_evicted, value);
                    break;
            }
        });
        // Started listeners stay registered (and alive) until disposed.
        listener.Start();
    }

    /// <summary>
    /// Whether <c>--deflate</c> was given: the server then negotiates permessage-deflate (RFC 7692) on /echo
    /// with a window of 15 bits and context takeover, the same settings in both servers.
    /// </summary>
    public static bool Deflate(string[] args) => Array.IndexOf(args, "--deflate") >= 0;

    /// <summary>The port from <c>--port N</c>, default 5080.</summary>
    public static int Port(string[] args)
    {
        int index = Array.IndexOf(args, "--port");
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : 5080;
    }
}
