using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Flows;

namespace Workflows.Benchmarks;

/// <summary>1,000 runs of the asynchronous 3-step flow at once.</summary>
[MemoryDiagnoser]
public class ConcurrentRunsBenchmarks
{
    private const int Runs = 1_000;
    private readonly LinearRunBenchmarks _single = new();

    [Benchmark(Baseline = true, Description = "1,000 concurrent runs: hand-written Channel<T> loops")]
    public async Task<int> HandWritten()
    {
        var runs = new Task<Finished>[Runs];
        for (int i = 0; i < Runs; i++)
        {
            runs[i] = _single.HandWrittenAsync();
        }

        return (await Task.WhenAll(runs).ConfigureAwait(false)).Length;
    }

    [Benchmark(Description = "1,000 concurrent runs: Workflows")]
    public async Task<int> Workflows()
    {
        var runs = new Task<Finished>[Runs];
        for (int i = 0; i < Runs; i++)
        {
            runs[i] = AsyncLinearFlow.RunAsync(new Begin(i)).Result;
        }

        return (await Task.WhenAll(runs).ConfigureAwait(false)).Length;
    }
}
