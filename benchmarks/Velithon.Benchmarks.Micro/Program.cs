using BenchmarkDotNet.Running;
using Velithon.Benchmarks.Micro;

// BenchmarkDotNet microbenchmarks with the memory diagnoser. Run all with:
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.Micro -- --filter '*'
// Instructions per operation of the contract dispatch rows, under callgrind (see InstructionCounts):
//   valgrind --tool=callgrind --instr-atstart=no dotnet Velithon.Benchmarks.Micro.dll --instructions 20000
if (args is ["--instructions", var count])
{
    await InstructionCounts.RunAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
