using Workflows.Durable.Tests.Flows;
using Workflows.Durable.Worker;

namespace Workflows.Durable.Tests;

/// <summary>A durable step's <c>ctx.RunAsync</c> starts a durable child run of its own. On each store.</summary>
public abstract class ChildRunContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_child_run_waits_for_a_person_answered_through_its_parent_and_the_parent_gets_its_result()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord parent = await runtime.StartRunAsync<PurchaseFlow>(new Purchase("p-1", 3));
        RunRecord child = await ChildOfAsync(runtime, parent.RunId);
        await DurableRunTests.WaitForStatusAsync(runtime, child.RunId, WorkflowRunStatus.WaitingForInput);

        // The child has its own journal and run id; the parent is running, through its child.
        Assert.Equal(("QuoteFlow", parent.RunId), (child.Workflow, child.ParentRunId));
        Assert.Equal(WorkflowRunStatus.Running, (await runtime.GetRunAsync(parent.RunId))!.Status);
        Assert.Contains(await runtime.ReadEventsAsync(child.RunId), e => e.Type.EndsWith(nameof(QuoteAsked), StringComparison.Ordinal));

        // An answer sent to the parent reaches the child that waits for it, as in memory.
        await runtime.SendEventAsync(parent.RunId, new QuoteAnswer(41));

        Assert.Equal(new Purchased("p-1", 42), await runtime.WaitForResultAsync<Purchased>(parent.RunId).WaitAsync(TempStore.Limit));
        Assert.Equal(WorkflowRunStatus.Completed, (await runtime.GetRunAsync(child.RunId))!.Status);
        Assert.Equal(1, (await runtime.ListRunsAsync(new RunQuery { ParentRunId = parent.RunId })).Total);
    }

    [Fact]
    public async Task A_child_run_s_failure_is_its_parent_step_s_failure_with_the_child_s_exception()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord parent = await runtime.StartRunAsync<PurchaseFlow>(new Purchase("p-2", -1));
        var error = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<Purchased>(parent.RunId).WaitAsync(TempStore.Limit));

        var inner = Assert.IsType<StoredStepException>(error.InnerException);
        Assert.Equal(("System.ArgumentOutOfRangeException", "a negative amount cannot be quoted (Parameter 'quote')"), (inner.OriginalType, inner.Message));
        Assert.Equal("Buy", error.Run.Failure?.Step);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_its_child()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord parent = await runtime.StartRunAsync<PurchaseFlow>(new Purchase("p-3", 3));
        RunRecord child = await ChildOfAsync(runtime, parent.RunId);
        await DurableRunTests.WaitForStatusAsync(runtime, child.RunId, WorkflowRunStatus.WaitingForInput);

        Assert.True(await runtime.CancelAsync(parent.RunId));

        RunRecord cancelled = await DurableRunTests.WaitForStatusAsync(runtime, child.RunId, WorkflowRunStatus.Cancelled);
        Assert.Equal($"Run '{child.RunId}' of workflow 'QuoteFlow' was cancelled: the run that started it, '{parent.RunId}', has ended.", cancelled.Error);
    }

    [Fact]
    public async Task A_parent_past_its_deadline_takes_its_child_with_it()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        RunRecord parent = await runtime.StartRunAsync<PurchaseFlow>(new Purchase("p-4", 3), new DurableRunOptions { Timeout = TimeSpan.FromSeconds(1) });
        RunRecord child = await ChildOfAsync(runtime, parent.RunId);

        await Assert.ThrowsAsync<WorkflowTimeoutException>(() => runtime.WaitForResultAsync<Purchased>(parent.RunId).WaitAsync(TempStore.Limit));

        await DurableRunTests.WaitForStatusAsync(runtime, child.RunId, WorkflowRunStatus.Cancelled);
    }

    [Fact]
    public async Task A_child_workflow_that_is_not_registered_fails_the_step_saying_so()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord parent = await runtime.StartRunAsync<UnregisteredChildFlow>(new Orphan("o"));
        var error = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<Adopted>(parent.RunId).WaitAsync(TempStore.Limit));

        Assert.Equal(
            "A step of workflow 'UnregisteredChildFlow' runs workflow 'LoneFlow', which is not registered with this runtime. " +
            "A durable step runs a child as a durable run of its own: register it too (Register<LoneFlow>(...) or AddDurableWorkflow<LoneFlow>(...)).",
            error.InnerException!.Message);
    }

    [Fact]
    public async Task A_child_waiting_for_a_person_survives_a_SIGKILL_and_is_answered_from_another_process()
    {
        using TempStore store = await NewStoreAsync();
        string parentId;
        using (WorkerProcess worker = WorkerProcess.Start(store.WorkerArgument, "start-parent", "4"))
        {
            parentId = (await worker.WaitUntilServingAsync()).Single();
            await using WorkflowRuntime watcher = await store.StartRuntimeAsync(o => o.RunWorkers = false);
            RunRecord waiting = await ChildOfAsync(watcher, parentId);
            await DurableRunTests.WaitForStatusAsync(watcher, waiting.RunId, WorkflowRunStatus.WaitingForInput);
            worker.Kill();
        }

        // Another process answers the parent; its workers finish the child, then the parent.
        await using WorkflowRuntime other = await store.StartRuntimeAsync();
        await other.SendEventAsync(parentId, new Signed("other process"));
        ParentDone done = await other.WaitForResultAsync<ParentDone>(parentId).WaitAsync(TempStore.Limit);

        Assert.Equal(new ParentDone(Enumerable.Range(1, 4).Sum(CrashFlow.WeightOf), 4, "other process"), done);
        RunRecord child = Assert.Single((await other.ListRunsAsync(new RunQuery { ParentRunId = parentId })).Runs);
        Assert.Equal(WorkflowRunStatus.Completed, child.Status);
        Assert.Single(await other.ReadEventsAsync(child.RunId), e => e.Kind == EventRecordKind.Start);
    }

    private static async Task<RunRecord> ChildOfAsync(WorkflowRuntime runtime, string parentRunId)
    {
        DateTime deadline = DateTime.UtcNow + TempStore.Limit;
        while (true)
        {
            if ((await runtime.ListRunsAsync(new RunQuery { ParentRunId = parentRunId })).Runs is [var child])
            {
                return child;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {parentRunId} started no child run.");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteChildRunTests : ChildRunContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresChildRunTests(PostgresServer server) : ChildRunContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
