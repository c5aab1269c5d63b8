using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Velithon.Benchmarks;

/// <summary>
/// What the load generator reads from a server under test, the same way for the baseline and for
/// Velithon: allocated bytes (precise), the process's resident memory, and the GC's heap figures.
/// </summary>
public static class ServerStats
{
    public static void MapStats(this WebApplication app)
    {
        app.MapGet("/stats", () => Results.Text(
            $"{GC.GetTotalAllocatedBytes(precise: true)} {Environment.WorkingSet} {GC.CollectionCount(0)}"));
        app.MapGet("/gc", () =>
        {
            var info = GC.GetGCMemoryInfo();
            return Results.Text($"heap {info.HeapSizeBytes} committed {info.TotalCommittedBytes} fragmented {info.FragmentedBytes} ws {Environment.WorkingSet}");
        });
        app.MapGet("/collect", () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Results.Text("ok");
        });
    }

    /// <summary>The port from <c>--port N</c>, default 5080.</summary>
    public static int Port(string[] args)
    {
        int index = Array.IndexOf(args, "--port");
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : 5080;
    }
}
