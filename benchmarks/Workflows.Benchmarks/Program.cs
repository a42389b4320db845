using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Workflows.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
