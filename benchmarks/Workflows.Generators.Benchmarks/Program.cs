using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Workflows.Generators.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
