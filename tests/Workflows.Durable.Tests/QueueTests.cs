using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// Named queues enforced in the store: a global limit that several workers keep together (one on
/// SQLite, three on PostgreSQL), per-worker limits, rate limits, limits per partition key, priority,
/// and a start-up refusal for a queue nobody configured.
/// </summary>
public abstract class QueueContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    private protected abstract int Workers { get; }

    private static async Task<WorkflowRuntime> StartAsync(TempStore store, Action<WorkflowRuntimeOptions> queues, bool runWorkers = true)
    {
        var options = new WorkflowRuntimeOptions { PollInterval = TimeSpan.FromMilliseconds(50), Lease = TimeSpan.FromSeconds(5), RunWorkers = runWorkers, MaxConcurrentDeliveries = 8 };
        queues(options);
        WorkflowRuntime runtime = new WorkflowRuntime(store.NewStore(), options)
            .Register(() => new LlmFlow(), QueueJson.Default)
            .Register(() => new BillingFlow(), QueueJson.Default)
            .Register(() => new OneCallFlow(), QueueJson.Default);
        await runtime.StartAsync();
        return runtime;
    }

    private async Task<(TempStore Store, List<WorkflowRuntime> Runtimes)> ClusterAsync(Action<WorkflowRuntimeOptions> queues)
    {
        TempStore store = await NewStoreAsync();
        var runtimes = new List<WorkflowRuntime>();
        for (int i = 0; i < Workers; i++)
        {
            runtimes.Add(await StartAsync(store, queues));
        }

        return (store, runtimes);
    }

    private static async Task StopAsync(TempStore store, List<WorkflowRuntime> runtimes)
    {
        foreach (WorkflowRuntime runtime in runtimes)
        {
            await runtime.DisposeAsync();
        }

        store.Dispose();
    }

    private static void Queues(WorkflowRuntimeOptions options, QueueOptions llm, QueueOptions? billing = null)
    {
        options.Queues["llm"] = llm;
        options.Queues["billing"] = billing ?? new QueueOptions();
    }

    [Fact]
    public async Task A_global_limit_holds_across_every_worker()
    {
        (TempStore store, List<WorkflowRuntime> runtimes) = await ClusterAsync(o => Queues(o, new QueueOptions { Concurrency = 2 }));
        try
        {
            string test = Guid.NewGuid().ToString("N");
            var runs = new List<RunRecord>();
            for (int i = 0; i < 3; i++)
            {
                runs.Add(await runtimes[0].StartRunAsync<LlmFlow>(new Calls(test, "c" + i, 4)));
            }

            foreach (RunRecord run in runs)
            {
                Assert.Equal(4, (await runtimes[0].WaitForResultAsync<CallsDone>(run.RunId).WaitAsync(TempStore.Limit)).Count);
            }

            Assert.Equal(2, Gauge.All[test].Max);
        }
        finally
        {
            await StopAsync(store, runtimes);
        }
    }

    [Fact]
    public async Task A_per_worker_limit_and_a_rate_limit_bound_each_worker_and_each_period()
    {
        TempStore store = await NewStoreAsync();
        WorkflowRuntime worker = await StartAsync(store, o => Queues(o, new QueueOptions { WorkerConcurrency = 1, RateLimit = 3, RatePeriod = TimeSpan.FromSeconds(1) }));
        try
        {
            string test = Guid.NewGuid().ToString("N");
            DateTimeOffset before = DateTimeOffset.UtcNow;
            RunRecord run = await worker.StartRunAsync<LlmFlow>(new Calls(test, "c", 7));
            await worker.WaitForResultAsync<CallsDone>(run.RunId).WaitAsync(TempStore.Limit);

            // The limit counts claims; a step starts at or after its claim, so these hold however late the steps start.
            Gauge gauge = Gauge.All[test];
            Assert.Equal(1, gauge.Max);
            DateTimeOffset[] starts = [.. gauge.Starts.Order()];
            Assert.InRange(starts.Count(s => s < before + TimeSpan.FromSeconds(1)), 0, 3);
            Assert.True(starts[6] - before >= TimeSpan.FromSeconds(2), $"The seventh call started {(starts[6] - before).TotalMilliseconds} ms after the run: faster than 3 per second.");
        }
        finally
        {
            await StopAsync(store, [worker]);
        }
    }

    [Fact]
    public async Task A_partitioned_limit_applies_per_key_and_keys_run_side_by_side()
    {
        (TempStore store, List<WorkflowRuntime> runtimes) = await ClusterAsync(o => Queues(o, new QueueOptions(), new QueueOptions { Concurrency = 1, Partitioned = true }));
        try
        {
            string test = Guid.NewGuid().ToString("N");
            RunRecord acme = await runtimes[0].StartRunAsync<BillingFlow>(new Calls(test, "acme", 4), new DurableRunOptions { PartitionKey = "acme" });
            RunRecord globex = await runtimes[0].StartRunAsync<BillingFlow>(new Calls(test, "globex", 4), new DurableRunOptions { PartitionKey = "globex" });
            await runtimes[0].WaitForResultAsync<CallsDone>(acme.RunId).WaitAsync(TempStore.Limit);
            await runtimes[0].WaitForResultAsync<CallsDone>(globex.RunId).WaitAsync(TempStore.Limit);

            Assert.Equal(1, Gauge.All[test + ":acme"].Max);
            Assert.Equal(1, Gauge.All[test + ":globex"].Max);
            Assert.Equal(2, Gauge.All[test].Max);
        }
        finally
        {
            await StopAsync(store, runtimes);
        }
    }

    [Fact]
    public async Task Deliveries_of_higher_priority_runs_go_first()
    {
        TempStore store = await NewStoreAsync();
        string test = Guid.NewGuid().ToString("N");

        // The runs are recorded while no worker runs, so every call waits in the queue together.
        WorkflowRuntime starter = await StartAsync(store, o => Queues(o, new QueueOptions { Concurrency = 1 }), runWorkers: false);
        var runs = new List<RunRecord>();
        for (int i = 0; i < 3; i++)
        {
            runs.Add(await starter.StartRunAsync<OneCallFlow>(new Calls(test, "low", 1)));
        }

        for (int i = 0; i < 3; i++)
        {
            runs.Add(await starter.StartRunAsync<OneCallFlow>(new Calls(test, "high", 1), new DurableRunOptions { Priority = 10 }));
        }

        WorkflowRuntime worker = await StartAsync(store, o => Queues(o, new QueueOptions { Concurrency = 1 }));
        try
        {
            foreach (RunRecord run in runs)
            {
                await worker.WaitForResultAsync<CallsDone>(run.RunId).WaitAsync(TempStore.Limit);
            }

            Assert.Equal(["high", "high", "high", "low", "low", "low"], Gauge.All[test].Order);
        }
        finally
        {
            await StopAsync(store, [starter, worker]);
        }
    }

    [Fact]
    public async Task A_runtime_whose_step_names_a_queue_it_does_not_configure_refuses_to_start()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = new WorkflowRuntime(store.NewStore()).Register(() => new LlmFlow(), QueueJson.Default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.StartAsync());

        Assert.Equal(
            "step 'Ask' of workflow 'LlmFlow' uses queue 'llm', which WorkflowRuntimeOptions.Queues does not configure. " +
            "Add it with its limits (options.Queues[\"llm\"] = new QueueOptions { Concurrency = … }), or remove Queue from the step.",
            error.Message);
        var bad = new WorkflowRuntime(store.NewStore(), new WorkflowRuntimeOptions { Queues = { ["llm"] = new QueueOptions { Concurrency = 0 } } }).Register(() => new LlmFlow(), QueueJson.Default);
        await using (bad)
        {
            Assert.Equal("Queue 'llm': Concurrency must be at least 1 (or null for no limit); it is 0.", (await Assert.ThrowsAsync<ArgumentException>(() => bad.StartAsync())).Message);
        }
    }
}

public sealed class SqliteQueueTests : QueueContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    private protected override int Workers => 1;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresQueueTests(PostgresServer server) : QueueContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());

    private protected override int Workers => 3;
}
