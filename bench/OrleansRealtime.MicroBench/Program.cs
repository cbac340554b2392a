using BenchmarkDotNet.Running;
using OrleansRealtime.MicroBench;

// BenchmarkDotNet micro-benchmarks of the gateway's hot path (not in CI). Run all, or filter:
//   dotnet run -c Release --project bench/OrleansRealtime.MicroBench -- --filter '*'
//   dotnet run -c Release --project bench/OrleansRealtime.MicroBench -- --filter '*Fanout*' --job short
BenchmarkSwitcher.FromAssembly(typeof(FanoutBenchmarks).Assembly).Run(args);
