using System.Diagnostics;

namespace Velithon.Benchmarks.Micro;

/// <summary>
/// Instructions per operation of the contract dispatch rows, counted by callgrind, which wall-clock figures on a
/// busy machine cannot give: run the benchmark assembly under
/// <c>valgrind --tool=callgrind --instr-atstart=no</c> with <c>--instructions N</c>. Each row runs warm first
/// (with <c>DOTNET_TieredCompilation=0</c> its code is final at once), then N times with instrumentation on, and
/// ends with a callgrind dump named after it and the round; a row's figure is its smallest total less the Empty row's,
/// divided by N.
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

        // Rounds, the rows in turn: a collection or a background thread's work lands in one row's window now and then,
        // so a row's figure is its smallest count, less the Empty row's (the control commands' own cost).
        for (int round = 1; round <= 3; round++)
        {
            foreach (var (name, run) in rows)
            {
                Control("--instr=on");
                for (int i = 0; i < iterations; i++)
                {
                    await run();
                }

                Control($"--dump={name}-{round}");
                Control("--instr=off");
                Console.WriteLine($"{name}, round {round}: {iterations} operations counted");
            }
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
