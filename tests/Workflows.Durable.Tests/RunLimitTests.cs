using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// <see cref="WorkflowRuntimeOptions.MaxConcurrentRuns"/>: runs beyond a workflow's limit queue and start,
/// priority first, as runs end — with the limit kept by every worker together (one on SQLite, three on
/// PostgreSQL) — and a queued run can be suspended, resumed and cancelled, and times out only once started.
/// </summary>
public abstract class RunLimitContract
{
    private const string Workflow = nameof(DeadlineFlow);

    // Long enough that a run waits for its answer (holding its slot) for the whole test.
    private const int WaitForever = 600_000;

    private protected abstract Task<TempStore> NewStoreAsync();

    private protected abstract int Workers { get; }

    private sealed class Cluster(TempStore store, WorkflowRuntime starter, List<WorkflowRuntime> workers) : IAsyncDisposable
    {
        /// <summary>Starts and answers runs; runs no steps.</summary>
        public WorkflowRuntime Starter => starter;

        public async ValueTask DisposeAsync()
        {
            foreach (WorkflowRuntime worker in workers)
            {
                await worker.DisposeAsync();
            }

            await starter.DisposeAsync();
            store.Dispose();
        }
    }

    private async Task<Cluster> StartClusterAsync(int limit)
    {
        TempStore store = await NewStoreAsync();
        var workers = new List<WorkflowRuntime>();
        for (int i = 0; i < Workers; i++)
        {
            workers.Add(await store.StartRuntimeAsync(o => o.MaxConcurrentRuns[Workflow] = limit));
        }

        return new Cluster(store, await store.StartRuntimeAsync(o => { o.RunWorkers = false; o.MaxConcurrentRuns[Workflow] = limit; }), workers);
    }

    private static async Task<Dictionary<string, WorkflowRunStatus>> StatusesAsync(WorkflowRuntime runtime, IEnumerable<string> runIds)
    {
        var statuses = new Dictionary<string, WorkflowRunStatus>();
        foreach (string runId in runIds)
        {
            statuses[runId] = (await runtime.GetRunAsync(runId))!.Status;
        }

        return statuses;
    }

    /// <summary>Waits until <paramref name="ready"/> holds, checking at every look that no more than <paramref name="limit"/> runs are in progress.</summary>
    private static async Task<Dictionary<string, WorkflowRunStatus>> WatchAsync(WorkflowRuntime runtime, List<string> runIds, int limit, Func<Dictionary<string, WorkflowRunStatus>, bool> ready)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (true)
        {
            Dictionary<string, WorkflowRunStatus> statuses = await StatusesAsync(runtime, runIds);
            int inProgress = statuses.Values.Count(s => s is WorkflowRunStatus.Running or WorkflowRunStatus.WaitingForInput or WorkflowRunStatus.Suspended);
            Assert.True(inProgress <= limit, $"{inProgress} runs in progress with a limit of {limit}: {string.Join(", ", statuses.Values)}");
            if (ready(statuses))
            {
                return statuses;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Runs did not get there in time: {string.Join(", ", statuses.Values)}");
            await Task.Delay(40);
        }
    }

    [Fact]
    public async Task Runs_beyond_the_limit_queue_and_start_oldest_first_as_runs_end()
    {
        await using Cluster cluster = await StartClusterAsync(limit: 2);
        WorkflowRuntime runtime = cluster.Starter;
        var runs = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            RunRecord started = await runtime.StartRunAsync<DeadlineFlow>(new Request("r" + i, WaitForever));
            Assert.Equal(WorkflowRunStatus.Queued, started.Status);
            runs.Add(started.RunId);
        }

        Dictionary<string, WorkflowRunStatus> statuses = await WatchAsync(runtime, runs, 2, s => s.Values.Count(v => v == WorkflowRunStatus.WaitingForInput) == 2);
        Assert.Equal([WorkflowRunStatus.WaitingForInput, WorkflowRunStatus.WaitingForInput, WorkflowRunStatus.Queued, WorkflowRunStatus.Queued, WorkflowRunStatus.Queued], runs.Select(r => statuses[r]));

        // Slots stay taken while their runs wait for people: nothing else starts.
        await Task.Delay(500);
        statuses = await WatchAsync(runtime, runs, 2, _ => true);
        Assert.Equal(3, statuses.Values.Count(v => v == WorkflowRunStatus.Queued));

        // Each answer ends a run and frees its slot for the oldest queued run, until every run has had its turn.
        for (int answered = 0; answered < runs.Count; answered++)
        {
            string next = runs[answered];
            await WatchAsync(runtime, runs, 2, s => s[next] == WorkflowRunStatus.WaitingForInput);
            await runtime.SendEventAsync(next, new Reply("ops"));
            Assert.Equal("answered by ops", (await runtime.WaitForResultAsync<Settled>(next).WaitAsync(TempStore.Limit)).Outcome);
        }

    }

    [Fact]
    public async Task A_freed_slot_goes_to_the_queued_run_of_higher_priority()
    {
        await using Cluster cluster = await StartClusterAsync(limit: 1);
        WorkflowRuntime runtime = cluster.Starter;
        string first = (await runtime.StartRunAsync<DeadlineFlow>(new Request("first", WaitForever))).RunId;
        await DurableRunTests.WaitForStatusAsync(runtime, first, WorkflowRunStatus.WaitingForInput);
        string low = (await runtime.StartRunAsync<DeadlineFlow>(new Request("low", WaitForever), new DurableRunOptions { Priority = 0 })).RunId;
        string high = (await runtime.StartRunAsync<DeadlineFlow>(new Request("high", WaitForever), new DurableRunOptions { Priority = 5 })).RunId;

        await runtime.SendEventAsync(first, new Reply("ops"));
        Dictionary<string, WorkflowRunStatus> statuses = await WatchAsync(runtime, [first, low, high], 1, s => s[high] == WorkflowRunStatus.WaitingForInput);
        Assert.Equal(WorkflowRunStatus.Completed, statuses[first]);
        Assert.Equal(WorkflowRunStatus.Queued, statuses[low]);
    }

    [Fact]
    public async Task A_queued_run_can_be_suspended_resumed_and_cancelled_and_its_timeout_counts_from_its_start()
    {
        await using Cluster cluster = await StartClusterAsync(limit: 1);
        WorkflowRuntime runtime = cluster.Starter;
        string holder = (await runtime.StartRunAsync<DeadlineFlow>(new Request("holder", WaitForever))).RunId;
        await DurableRunTests.WaitForStatusAsync(runtime, holder, WorkflowRunStatus.WaitingForInput);
        string paused = (await runtime.StartRunAsync<DeadlineFlow>(new Request("paused", WaitForever))).RunId;
        string dropped = (await runtime.StartRunAsync<DeadlineFlow>(new Request("dropped", WaitForever))).RunId;
        string timed = (await runtime.StartRunAsync<DeadlineFlow>(new Request("timed", WaitForever), new DurableRunOptions { Timeout = TimeSpan.FromMilliseconds(400) })).RunId;

        await runtime.ActingAs("ops").SuspendAsync(paused);
        Assert.Equal(WorkflowRunStatus.Suspended, (await runtime.GetRunAsync(paused))!.Status);
        Assert.True(await runtime.CancelAsync(dropped));

        // Queued longer than its timeout, yet not timed out: the clock starts when it does.
        await Task.Delay(1_000);
        Assert.Equal(WorkflowRunStatus.Queued, (await runtime.GetRunAsync(timed))!.Status);

        // The holder ends: the suspended run is passed over, the timed run starts, then its own 400 ms pass while it waits for its answer.
        await runtime.SendEventAsync(holder, new Reply("ops"));
        await Assert.ThrowsAsync<WorkflowTimeoutException>(() => runtime.WaitForResultAsync<Settled>(timed).WaitAsync(TempStore.Limit));
        Assert.Equal(WorkflowRunStatus.Suspended, (await runtime.GetRunAsync(paused))!.Status);

        // A run suspended before it started queues again when resumed, and takes the free slot — with
        // three PostgreSQL workers a worker may admit it before this reads its status, so Queued or already started.
        await runtime.ActingAs("ops").ResumeAsync(paused);
        Assert.Contains((await runtime.GetRunAsync(paused))!.Status, new[] { WorkflowRunStatus.Queued, WorkflowRunStatus.Running, WorkflowRunStatus.WaitingForInput });
        await DurableRunTests.WaitForStatusAsync(runtime, paused, WorkflowRunStatus.WaitingForInput);
        Assert.Equal(WorkflowRunStatus.Cancelled, (await runtime.GetRunAsync(dropped))!.Status);
        Assert.All(await runtime.Store.ReadDeliveriesAsync(dropped, CancellationToken.None), d => Assert.Equal(0, d.Executions));
    }

    [Fact]
    public async Task A_limit_on_a_workflow_that_is_not_registered_or_below_one_stops_the_runtime_from_starting()
    {
        using TempStore store = await NewStoreAsync();
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => store.StartRuntimeAsync(o => o.MaxConcurrentRuns["DeadlineFlw"] = 2));
        Assert.StartsWith("WorkflowRuntimeOptions.MaxConcurrentRuns names workflow 'DeadlineFlw', which is not registered here. Registered: ", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("DeadlineFlow", unknown.Message, StringComparison.Ordinal);

        var zero = await Assert.ThrowsAsync<InvalidOperationException>(() => store.StartRuntimeAsync(o => o.MaxConcurrentRuns[Workflow] = 0));
        Assert.Equal("WorkflowRuntimeOptions.MaxConcurrentRuns[\"DeadlineFlow\"] must be at least 1; it is 0. Remove the entry for no limit.", zero.Message);
    }

}

public sealed class SqliteRunLimitTests : RunLimitContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    private protected override int Workers => 1;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRunLimitTests(PostgresServer server) : RunLimitContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());

    private protected override int Workers => 3;
}
