using System.Diagnostics;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// Instructions per operation of the contract dispatch rows, counted by callgrind, which wall-clock figures on a
/// busy machine cannot give: run the benchmark assembly under
/// <c>valgrind --tool=callgrind --collect-atstart=no</c> with <c>--instructions N</c>. Each row runs warm first
/// (with <c>DOTNET_TieredCompilation=0</c> its code is final at once), then N times with instrumentation on, and
/// ends with a callgrind dump named after it, whose total divided by N is the row's figure.
/// </summary>
internal static class InstructionCounts
{
    public static async Task RunAsync(int iterations)
    {
        var benchmarks = new ContractDispatchBenchmarks();
        benchmarks.Setup();
        (string Name, Func<ValueTask> Run)[] rows =
        [
            ("Empty", static () => default),
            (nameof(ContractDispatchBenchmarks.JsonMessagesDispatchJson), benchmarks.JsonMessagesDispatchJson),
            (nameof(ContractDispatchBenchmarks.ContractDispatchJson), benchmarks.ContractDispatchJson),
            (nameof(ContractDispatchBenchmarks.JsonMessagesReceiveAndDispatch), benchmarks.JsonMessagesReceiveAndDispatch),
            (nameof(ContractDispatchBenchmarks.ContractReceiveAndDispatch), benchmarks.ContractReceiveAndDispatch),
        ];

        foreach (var (_, run) in rows)
        {
            for (int i = 0; i < 2_000; i++)
            {
                await run();
            }
        }

        foreach (var (name, run) in rows)
        {
            Control("--instr=on");
            for (int i = 0; i < iterations; i++)
            {
                await run();
            }

            Control($"--dump={name}");
            Control("--instr=off");
            Console.WriteLine($"{name}: {iterations} operations counted");
        }
    }

    /// <summary>Sends a command to the callgrind instance this process runs under, and waits until it is done.</summary>
    private static void Control(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("callgrind_control", [command, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }
}
