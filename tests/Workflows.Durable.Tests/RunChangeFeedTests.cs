using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// The store's run-change feed: off unless a module switches it on; while on, each status change is
/// recorded in the transaction that makes it, in order, with how far the run's journal had got. The
/// same contract on SQLite and PostgreSQL.
/// </summary>
public abstract class RunChangeFeedContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task While_the_feed_is_off_no_change_is_kept()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);

        Assert.Empty(await runtime.Store.ReadRunChangesAsync(100, default));
    }

    [Fact]
    public async Task Each_status_change_of_a_run_is_recorded_in_order_while_the_feed_is_on()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        await runtime.Store.SetRunChangeFeedAsync(true, default);

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new AgentReply("restart it"));
        await runtime.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);

        IReadOnlyList<RunChange> recorded = await runtime.Store.ReadRunChangesAsync(100, default);
        List<RunChange> changes = [.. recorded.Where(c => c.TaskChange is null)];

        // The question's task changes are in the feed too, in order among the status changes: asked before the run waits, answered before it runs on.
        Assert.Equal(
            [null, TaskHistoryEntry.Created, null, TaskHistoryEntry.Completed, null, null],
            recorded.Select(c => c.TaskChange));
        RunChange created = recorded[1];
        Assert.Equal((WorkflowRunStatus.Running, WorkflowRunStatus.Running), (created.From, created.To));
        Assert.Equal((await runtime.Tasks.ListAsync(new HumanTaskQuery(Status: null) { RunId = run.RunId })).Tasks[0].TaskId, created.TaskId);
        Assert.Equal(recorded.Select(c => c.Sequence).Order(), recorded.Select(c => c.Sequence));

        Assert.Equal(
            [
                (null, WorkflowRunStatus.Running),
                (WorkflowRunStatus.Running, WorkflowRunStatus.WaitingForInput),
                (WorkflowRunStatus.WaitingForInput, WorkflowRunStatus.Running),
                (WorkflowRunStatus.Running, WorkflowRunStatus.Completed),
            ],
            changes.Select(c => ((WorkflowRunStatus?, WorkflowRunStatus))(c.From, c.To)));
        Assert.All(changes, c => Assert.Equal((run.RunId, "SupportFlow"), (c.RunId, c.Workflow)));
        Assert.Equal(changes.OrderBy(c => c.Id), changes);

        // Each change knows how far the run's journal had got, so a payload built later shows the run as it was.
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId, 0, 1000, default);
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.All(changes, c => Assert.InRange(c.Sequence, 0, journal[^1].Sequence));
        Assert.Contains(journal, e => e.Type.EndsWith("NeedsAgent", StringComparison.Ordinal) && e.Sequence <= changes[1].Sequence);
        Assert.DoesNotContain(journal, e => e.Type.EndsWith("AgentReply", StringComparison.Ordinal) && e.Sequence <= changes[1].Sequence);
    }

    [Fact]
    public async Task Changes_taken_off_the_feed_are_gone_and_a_second_taker_gets_none_of_them()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        await runtime.Store.SetRunChangeFeedAsync(true, default);
        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));
        await runtime.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);
        long[] ids = [.. (await runtime.Store.ReadRunChangesAsync(100, default)).Select(c => c.Id)];

        Assert.Equal(2, await runtime.Store.DeleteRunChangesAsync(ids, default));
        Assert.Equal(0, await runtime.Store.DeleteRunChangesAsync(ids, default));
        Assert.Empty(await runtime.Store.ReadRunChangesAsync(100, default));
    }

    [Fact]
    public async Task A_feed_switched_off_again_records_nothing_more()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        await runtime.Store.SetRunChangeFeedAsync(true, default);
        await runtime.Store.SetRunChangeFeedAsync(true, default);
        RunRecord first = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));
        await runtime.WaitForCompletionAsync(first.RunId).WaitAsync(TempStore.Limit);

        await runtime.Store.SetRunChangeFeedAsync(false, default);
        RunRecord second = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));
        await runtime.WaitForCompletionAsync(second.RunId).WaitAsync(TempStore.Limit);

        Assert.All(await runtime.Store.ReadRunChangesAsync(100, default), c => Assert.Equal(first.RunId, c.RunId));
    }
}

public sealed class SqliteRunChangeFeedTests : RunChangeFeedContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRunChangeFeedTests(PostgresServer server) : RunChangeFeedContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
