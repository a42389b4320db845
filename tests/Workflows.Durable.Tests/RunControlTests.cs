using System.Text.Json;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// An operator's controls — suspend, resume, retry, cancel, purge — and run tags, applied from a
/// process that runs no workers while the workers run elsewhere (one on SQLite, three on PostgreSQL).
/// </summary>
public abstract class RunControlContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    /// <summary>How many runtimes with workers share the store.</summary>
    private protected abstract int Workers { get; }

    private sealed class Cluster(TempStore store, WorkflowRuntime @operator, List<WorkflowRuntime> workers) : IAsyncDisposable
    {
        public TempStore Store => store;

        /// <summary>A runtime that runs no steps: the operator's process.</summary>
        public WorkflowRuntime Operator => @operator;

        public async ValueTask DisposeAsync()
        {
            foreach (WorkflowRuntime worker in workers)
            {
                await worker.DisposeAsync();
            }

            await @operator.DisposeAsync();
            store.Dispose();
        }
    }

    private async Task<Cluster> StartClusterAsync(Action<WorkflowRuntimeOptions>? configure = null)
    {
        TempStore store = await NewStoreAsync();
        var workers = new List<WorkflowRuntime>();
        for (int i = 0; i < Workers; i++)
        {
            workers.Add(await store.StartRuntimeAsync(configure));
        }

        return new Cluster(store, await store.StartRuntimeAsync(o => o.RunWorkers = false), workers);
    }

    [Fact]
    public async Task A_suspended_run_keeps_answers_and_runs_nothing_until_it_is_resumed()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer on fire"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);

        await runtime.ActingAs("ana@example.com").SuspendAsync(run.RunId);
        await runtime.SendEventAsync(run.RunId, new AgentReply("use the other printer"));
        await Task.Delay(600);

        RunRecord suspended = (await runtime.GetRunAsync(run.RunId))!;
        Assert.Equal(WorkflowRunStatus.Suspended, suspended.Status);
        Assert.Contains(await runtime.Store.ReadDeliveriesAsync(run.RunId, default), d => d.StepName == "Reply" && d.Status == DeliveryStatus.Pending);

        await runtime.ActingAs("bo@example.com").ResumeAsync(run.RunId);
        Assert.Equal("use the other printer", (await runtime.WaitForResultAsync<Answered>(run.RunId).WaitAsync(TempStore.Limit)).Text);

        IReadOnlyList<StoredEvent> controls = [.. (await runtime.ReadEventsAsync(run.RunId)).Where(e => e.Kind == EventRecordKind.Control)];
        Assert.Equal([RunControlEntry.Suspended, RunControlEntry.Resumed], controls.Select(e => e.Type));
        Assert.Equal(
            [new RunControlEntry("ana@example.com", WorkflowRunStatus.WaitingForInput), new RunControlEntry("bo@example.com", WorkflowRunStatus.Suspended)],
            controls.Select(e => JsonSerializer.Deserialize<RunControlEntry>(e.Payload, JsonOptions)));
    }

    [Fact]
    public async Task A_timer_that_comes_due_while_suspended_fires_after_resume()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        RunRecord run = await runtime.StartRunAsync<TimerFlow>(new Schedule(1));
        await WaitUntilAsync(async () => (await runtime.ReadEventsAsync(run.RunId)).Any(e => e.Kind == EventRecordKind.Timer));
        await runtime.SuspendAsync(run.RunId);

        await Task.Delay(1500);
        Assert.Equal(WorkflowRunStatus.Suspended, (await runtime.GetRunAsync(run.RunId))!.Status);

        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        await runtime.ResumeAsync(run.RunId);
        Woke woke = await runtime.WaitForResultAsync<Woke>(run.RunId).WaitAsync(TempStore.Limit);
        Assert.True(woke.WokeAt >= resumed.AddMilliseconds(-50), $"The timer fired at {woke.WokeAt:o}, before the run was resumed at {resumed:o}.");
    }

    [Fact]
    public async Task A_failed_run_retried_runs_again_from_its_failed_step_and_keeps_what_was_recorded()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        string runId = Guid.NewGuid().ToString();
        FixableFlow.Broken[runId] = true;
        await runtime.StartRunAsync<FixableFlow>(new Job("acme"), new DurableRunOptions { RunId = runId });
        RunRecord failed = await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.Failed);
        Assert.Equal("Finish", failed.Failure?.Step);
        Assert.Equal(2, FixableFlow.Finishes[runId]);

        FixableFlow.Broken.TryRemove(runId, out _);
        await runtime.ActingAs("ops").RetryAsync(runId);

        JobDone done = await runtime.WaitForResultAsync<JobDone>(runId).WaitAsync(TempStore.Limit);
        Assert.Equal(new JobDone("acme", Attempts: 1), done);
        Assert.Equal(1, FixableFlow.Begins[runId]);
        Assert.Equal(3, FixableFlow.Finishes[runId]);
        RunRecord completed = (await runtime.GetRunAsync(runId))!;
        Assert.Equal((WorkflowRunStatus.Completed, null, null), (completed.Status, completed.Error, completed.Failure));
        StoredEvent retried = Assert.Single(await runtime.ReadEventsAsync(runId), e => e.Kind == EventRecordKind.Control);
        RunControlEntry entry = JsonSerializer.Deserialize<RunControlEntry>(retried.Payload, JsonOptions)!;
        Assert.Equal((RunControlEntry.Retried, "ops", WorkflowRunStatus.Failed, "Finish"), (retried.Type, entry.RequestedBy, entry.From, entry.Step));
    }

    [Fact]
    public async Task Controls_the_run_does_not_allow_are_refused_with_what_it_is_and_change_nothing()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        RunRecord waiting = await runtime.StartRunAsync<SupportFlow>(new Ticket("t"));
        await DurableRunTests.WaitForStatusAsync(runtime, waiting.RunId, WorkflowRunStatus.WaitingForInput);
        RunRecord stalled = await runtime.StartRunAsync<QuietFlow>(new Nudge("n"));
        string stall = (await DurableRunTests.WaitForStatusAsync(runtime, stalled.RunId, WorkflowRunStatus.Failed)).Error!;

        var resume = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.ResumeAsync(waiting.RunId));
        Assert.Equal($"Run '{waiting.RunId}' of workflow 'SupportFlow' is waiting for input; only a suspended run can be resumed.", resume.Message);
        var retry = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.RetryAsync(waiting.RunId));
        Assert.Equal($"Run '{waiting.RunId}' of workflow 'SupportFlow' is waiting for input; only a failed run can be retried.", retry.Message);
        await runtime.SuspendAsync(waiting.RunId);
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.SuspendAsync(waiting.RunId));
        Assert.Equal($"Run '{waiting.RunId}' of workflow 'SupportFlow' is suspended; only a running, waiting or queued run can be suspended.", twice.Message);

        var ended = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.SuspendAsync(stalled.RunId));
        Assert.Equal($"Run '{stalled.RunId}' of workflow 'QuietFlow' has failed; only a running, waiting or queued run can be suspended.", ended.Message);
        var nothing = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.RetryAsync(stalled.RunId));
        Assert.Equal($"Run '{stalled.RunId}' of workflow 'QuietFlow' failed without a step failing ({stall}); there is no failed step to run again. Start a new run instead.", nothing.Message);

        var unknown = await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => runtime.ResumeAsync("no-such-run"));
        Assert.Contains("no-such-run", unknown.Message, StringComparison.Ordinal);

        // Refusals recorded nothing: one suspension in the journal, the stalled run as it was.
        Assert.Single(await runtime.ReadEventsAsync(waiting.RunId), e => e.Kind == EventRecordKind.Control);
        Assert.DoesNotContain(await runtime.ReadEventsAsync(stalled.RunId), e => e.Kind == EventRecordKind.Control);
        Assert.Equal(WorkflowRunStatus.Failed, (await runtime.GetRunAsync(stalled.RunId))!.Status);

        // A suspended run can still be cancelled, and that is journaled too.
        Assert.True(await runtime.ActingAs("ana").CancelAsync(waiting.RunId));
        Assert.Equal([RunControlEntry.Suspended, RunControlEntry.Cancelled], (await runtime.ReadEventsAsync(waiting.RunId)).Where(e => e.Kind == EventRecordKind.Control).Select(e => e.Type));
    }

    [Fact]
    public async Task Purge_deletes_finished_runs_a_batch_at_a_time_and_never_one_that_has_not_ended()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        var done = new List<string>();
        for (int i = 0; i < 130; i++)
        {
            done.Add((await runtime.StartRunAsync<FixableFlow>(new Job("c" + i))).RunId);
        }

        RunRecord waiting = await runtime.StartRunAsync<SupportFlow>(new Ticket("keep me"));
        RunRecord suspended = await runtime.StartRunAsync<SupportFlow>(new Ticket("keep me too"));
        await DurableRunTests.WaitForStatusAsync(runtime, suspended.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SuspendAsync(suspended.RunId);
        foreach (string id in done)
        {
            await runtime.WaitForCompletionAsync(id).WaitAsync(TempStore.Limit);
        }

        Assert.Equal(0, await runtime.PurgeAsync(new PurgeQuery { FinishedBefore = DateTimeOffset.UtcNow.AddHours(-1) }));
        Assert.Equal(0, await runtime.PurgeAsync(new PurgeQuery { Workflow = "SupportFlow" }));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => runtime.PurgeAsync(new PurgeQuery { Status = WorkflowRunStatus.Running }));
        Assert.StartsWith("PurgeQuery.Status must be how a run ended (Completed, Failed, Cancelled or TimedOut); a run that is Running has not ended", bad.Message, StringComparison.Ordinal);

        var totals = new List<int>();
        int purged = await runtime.ActingAs("janitor").PurgeAsync(new PurgeQuery { Status = WorkflowRunStatus.Completed }, new SynchronousProgress(totals));

        Assert.Equal(130, purged);
        Assert.Equal([100, 130], totals);
        Assert.Null(await runtime.GetRunAsync(done[0]));
        Assert.Empty(await runtime.ReadEventsAsync(done[^1]));
        Assert.Empty(await runtime.Store.ReadDeliveriesAsync(done[^1], default));
        Assert.Equal(2, (await runtime.ListRunsAsync(new RunQuery())).Total);
        Assert.Equal(WorkflowRunStatus.WaitingForInput, (await runtime.GetRunAsync(waiting.RunId))!.Status);
        Assert.Equal(WorkflowRunStatus.Suspended, (await runtime.GetRunAsync(suspended.RunId))!.Status);
    }

    [Fact]
    public async Task Purging_by_end_time_takes_the_runs_that_ended_before_it_however_they_ended()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        RunRecord completed = await runtime.StartRunAsync<FixableFlow>(new Job("done"));
        string failedId = Guid.NewGuid().ToString();
        FixableFlow.Broken[failedId] = true;
        await runtime.StartRunAsync<FixableFlow>(new Job("broken"), new DurableRunOptions { RunId = failedId });
        RunRecord cancelled = await runtime.StartRunAsync<SupportFlow>(new Ticket("never mind"));
        RunRecord waiting = await runtime.StartRunAsync<SupportFlow>(new Ticket("still open"));
        await DurableRunTests.WaitForStatusAsync(runtime, cancelled.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.CancelAsync(cancelled.RunId);
        await runtime.WaitForCompletionAsync(completed.RunId).WaitAsync(TempStore.Limit);
        await DurableRunTests.WaitForStatusAsync(runtime, failedId, WorkflowRunStatus.Failed);
        await Task.Delay(20);
        DateTimeOffset cutoff = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        RunRecord later = await runtime.StartRunAsync<FixableFlow>(new Job("later"));
        await runtime.WaitForCompletionAsync(later.RunId).WaitAsync(TempStore.Limit);

        // Ended by its last step's commit, by a step that failed, by an operator: each with when it ended.
        Assert.Equal(3, await runtime.PurgeAsync(new PurgeQuery { FinishedBefore = cutoff }));
        Assert.Equal(new[] { later.RunId, waiting.RunId }.Order(), (await runtime.ListRunsAsync(new RunQuery())).Runs.Select(r => r.RunId).Order());
    }

    [Fact]
    public async Task Retention_deletes_runs_that_ended_long_enough_ago_in_the_background()
    {
        await using Cluster cluster = await StartClusterAsync(o => o.Retention = TimeSpan.FromSeconds(1));
        WorkflowRuntime runtime = cluster.Operator;
        RunRecord finished = await runtime.StartRunAsync<FixableFlow>(new Job("old"));
        RunRecord waiting = await runtime.StartRunAsync<SupportFlow>(new Ticket("still open"));
        await runtime.WaitForCompletionAsync(finished.RunId).WaitAsync(TempStore.Limit);

        await WaitUntilAsync(async () => await runtime.GetRunAsync(finished.RunId) is null);
        Assert.NotNull(await runtime.GetRunAsync(waiting.RunId));
    }

    [Fact]
    public async Task Tags_set_at_start_and_by_steps_find_runs_and_bad_ones_are_refused()
    {
        await using Cluster cluster = await StartClusterAsync();
        WorkflowRuntime runtime = cluster.Operator;
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        RunRecord acme = await runtime.StartRunAsync<FixableFlow>(new Job("acme"), new DurableRunOptions { Tags = new Dictionary<string, string> { ["customer"] = "acme", ["region"] = "eu" } });
        RunRecord globex = await runtime.StartRunAsync<FixableFlow>(new Job("globex"), new DurableRunOptions { Tags = new Dictionary<string, string> { ["customer"] = "globex" } });
        Assert.Equal("acme", acme.Tags["customer"]);
        await runtime.WaitForCompletionAsync(acme.RunId).WaitAsync(TempStore.Limit);
        await runtime.WaitForCompletionAsync(globex.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal([acme.RunId], await RunIdsAsync(runtime, new RunQuery { Tags = new Dictionary<string, string> { ["customer"] = "acme" } }));
        Assert.Equal([acme.RunId], await RunIdsAsync(runtime, new RunQuery { Tags = new Dictionary<string, string> { ["customer"] = "acme", ["region"] = "eu" } }));
        Assert.Empty(await RunIdsAsync(runtime, new RunQuery { Tags = new Dictionary<string, string> { ["customer"] = "acme", ["region"] = "us" } }));
        Assert.Equal([globex.RunId, acme.RunId], await RunIdsAsync(runtime, new RunQuery { Tags = new Dictionary<string, string> { ["stage"] = "begun" } }));
        Assert.Equal([globex.RunId, acme.RunId], await RunIdsAsync(runtime, new RunQuery { CreatedAfter = before, CreatedBefore = DateTimeOffset.UtcNow.AddSeconds(1) }));
        Assert.Empty(await RunIdsAsync(runtime, new RunQuery { CreatedBefore = before }));

        RunRecord tagged = (await runtime.GetRunAsync(acme.RunId))!;
        Assert.Equal(new Dictionary<string, string> { ["customer"] = "acme", ["region"] = "eu", ["stage"] = "begun" }, tagged.Tags);
        RunPage listed = await runtime.ListRunsAsync(new RunQuery { Tags = new Dictionary<string, string> { ["region"] = "eu" } });
        Assert.Equal("begun", Assert.Single(listed.Runs).Tags["stage"]);

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => runtime.StartRunAsync<FixableFlow>(new Job("x"), new DurableRunOptions { Tags = new Dictionary<string, string> { [""] = "v" } }));
        Assert.StartsWith("A run tag's key must be 1 to 200 characters; '' is 0.", empty.Message, StringComparison.Ordinal);
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => runtime.StartRunAsync<FixableFlow>(new Job("x"), new DurableRunOptions { Tags = new Dictionary<string, string> { ["note"] = new string('x', 201) } }));
        Assert.StartsWith("Run tag 'note' must have a value of at most 200 characters; it has 201.", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await runtime.ListRunsAsync(new RunQuery())).Total);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static async Task<List<string>> RunIdsAsync(WorkflowRuntime runtime, RunQuery query) =>
        [.. (await runtime.ListRunsAsync(query)).Runs.Select(r => r.RunId)];

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(20);
        }
    }

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}

public sealed class SqliteRunControlTests : RunControlContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    private protected override int Workers => 1;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRunControlTests(PostgresServer server) : RunControlContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());

    private protected override int Workers => 3;
}
