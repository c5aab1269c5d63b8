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
