using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Workflows.Benchmarks.Flows;
using Workflows.Durable;
using Workflows.Postgres;
using Workflows.Sqlite;
using Workflows.Testing.Postgres;

namespace Workflows.Benchmarks;

/// <summary>
/// Durable 3-step runs per second: 200 runs started at once by 200 concurrent callers and awaited, on SQLite (one file, group
/// commit) and on a local PostgreSQL server, beside the same 200 runs in memory, in the same run.
/// Each run is three committed deliveries (plus its start), every commit synchronous on disk; each
/// runtime executes up to 32 deliveries at once.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DurableBenchmarks
{
    private const int Runs = 200;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "workflows-bench", Guid.NewGuid().ToString("N"));
    private WorkflowRuntime _sqlite = null!;
    private WorkflowRuntime _postgres = null!;
    private PostgresScript _server = null!;
    private int _batch;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        Directory.CreateDirectory(_directory);
        _sqlite = await StartAsync(new SqliteWorkflowStore(Path.Combine(_directory, "bench.db")));
        _server = new PostgresScript(Path.Combine(_directory, "pg"));
        _postgres = await StartAsync(new PostgresWorkflowStore(await _server.StartAsync()));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
        await _server.StopAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Runs, Description = "in memory, 200 concurrent 3-step runs")]
    public async Task InMemory()
    {
        var runs = new Task<Finished>[Runs];
        var flow = new DurableLinearFlow();
        for (int i = 0; i < Runs; i++)
        {
            runs[i] = flow.RunAsync(new Begin(i)).Result;
        }

        await Task.WhenAll(runs);
    }

    [Benchmark(OperationsPerInvoke = Runs, Description = "durable on SQLite, 200 concurrent 3-step runs")]
    public Task Sqlite() => RunDurablyAsync(_sqlite);

    [Benchmark(OperationsPerInvoke = Runs, Description = "durable on PostgreSQL, 200 concurrent 3-step runs")]
    public Task Postgres() => RunDurablyAsync(_postgres);

    private async Task RunDurablyAsync(WorkflowRuntime runtime)
    {
        // 200 clients start a run each at the same time, then wait for all of them to finish.
        int batch = Interlocked.Increment(ref _batch);
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(i =>
            runtime.StartRunAsync<DurableLinearFlow>(new Begin(i), new DurableRunOptions { RunId = $"b{batch}-{i}" })));

        // One query per look: the store's count of completed runs reaches every run started so far.
        int expected = Runs * _completed.AddOrUpdate(runtime, 1, (_, n) => n + 1);
        while ((await runtime.ListRunsAsync(new RunQuery(Status: WorkflowRunStatus.Completed, Limit: 1))).Total < expected)
        {
            await Task.Delay(5);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<WorkflowRuntime, int> _completed = new();

    private static async Task<WorkflowRuntime> StartAsync(IWorkflowStore store)
    {
        var runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(20), MaxConcurrentDeliveries = 32 })
            .Register(() => new DurableLinearFlow(), BenchmarkJson.Default);
        await runtime.StartAsync();
        return runtime;
    }
}
