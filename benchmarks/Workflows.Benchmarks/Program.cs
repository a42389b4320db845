using BenchmarkDotNet.Running;
using Workflows.Benchmarks.Profiling;

// dotnet run -c Release --project benchmarks/Workflows.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Workflows.Benchmarks -- --profile PostgreSQL [workers] [rounds]
if (args is ["--profile", ..])
{
    await DurableProfile.RunAsync(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
