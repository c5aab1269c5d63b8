using BenchmarkDotNet.Running;

// BenchmarkDotNet microbenchmarks with the memory diagnoser. Run all with:
//   dotnet run -c Release --project benchmarks/Velithon.Benchmarks.Micro -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
