using Workflows.Durable.Tests.Flows;
using Workflows.Durable.Worker;

namespace Workflows.Durable.Tests;

/// <summary>What time ends in a durable run: its deadline, a wait's deadline; and a run with nothing left to wait for. On each store.</summary>
public abstract class DeadlineContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_run_past_its_deadline_ends_timed_out_and_its_step_in_flight_is_cancelled()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        string id = Guid.NewGuid().ToString("N");

        RunRecord run = await runtime.StartRunAsync<HangFlow>(new Hang(id), new DurableRunOptions { Timeout = TimeSpan.FromMilliseconds(700) });
        var error = await Assert.ThrowsAsync<WorkflowTimeoutException>(() => runtime.WaitForResultAsync<Hung>(run.RunId).WaitAsync(TempStore.Limit));

        Assert.Equal($"Run '{run.RunId}' of workflow 'HangFlow' did not finish within {TimeSpan.FromMilliseconds(700)}; its steps in flight were cancelled.", error.Message);
        Assert.Equal((run.RunId, TimeSpan.FromMilliseconds(700)), (error.RunId, error.Timeout));
        RunRecord ended = (await runtime.GetRunAsync(run.RunId))!;
        Assert.Equal((WorkflowRunStatus.TimedOut, typeof(WorkflowTimeoutException).FullName), (ended.Status, ended.Failure?.ExceptionType));
        await HangFlow.Signal(HangFlow.Cancelled, id).Task.WaitAsync(TempStore.Limit);
    }

    [Fact]
    public async Task A_run_deadline_passes_while_its_worker_is_killed_and_ends_the_run_on_restart()
    {
        using TempStore store = await NewStoreAsync();
        string runId;
        DateTimeOffset deadline;
        // The deadline leaves a slow machine time to start the worker and reach the wait before it passes.
        using (WorkerProcess worker = WorkerProcess.Start(store.WorkerArgument, "start", "1", "3", "8"))
        {
            runId = (await worker.WaitUntilServingAsync()).Single();
            await using WorkflowRuntime reader = await store.StartRuntimeAsync(o => o.RunWorkers = false);
            await DurableRunTests.WaitForStatusAsync(reader, runId, WorkflowRunStatus.WaitingForInput);
            worker.Kill();
            deadline = (await reader.GetRunAsync(runId))!.Deadline!.Value;
        }

        // Nothing was alive when the deadline passed; the next worker to start ends the run.
        TimeSpan untilPast = deadline - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (untilPast > TimeSpan.Zero) await Task.Delay(untilPast);
        await using WorkflowRuntime restarted = await store.StartRuntimeAsync();
        await Assert.ThrowsAsync<WorkflowTimeoutException>(() => restarted.WaitForResultAsync<BatchDone>(runId).WaitAsync(TempStore.Limit));
        var late = await Assert.ThrowsAsync<InvalidOperationException>(() => restarted.SendEventAsync(runId, new Signed("too late")));
        Assert.Equal($"Run '{runId}' of workflow 'CrashFlow' has timed out; it accepts no more events.", late.Message);
    }

    [Fact]
    public async Task A_wait_with_a_deadline_returns_the_answer_that_comes_in_time()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<DeadlineFlow>(new Request("r", WaitMilliseconds: 60_000));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new Reply("ana"));

        Assert.Equal("answered by ana", (await runtime.WaitForResultAsync<Settled>(run.RunId).WaitAsync(TempStore.Limit)).Outcome);
    }

    [Fact]
    public async Task A_wait_whose_deadline_passes_across_a_restart_returns_no_answer()
    {
        using TempStore store = await NewStoreAsync();
        string runId;
        await using (WorkflowRuntime first = await store.StartRuntimeAsync())
        {
            // Long enough for a slow machine to reach the wait before its deadline passes.
            runId = (await first.StartRunAsync<DeadlineFlow>(new Request("r", WaitMilliseconds: 4000))).RunId;
            await DurableRunTests.WaitForStatusAsync(first, runId, WorkflowRunStatus.WaitingForInput);
        }

        // The process is gone while the wait's deadline passes; a new one resumes the step without an answer.
        await Task.Delay(4200);
        await using WorkflowRuntime second = await store.StartRuntimeAsync();

        Assert.Equal("no answer in time", (await second.WaitForResultAsync<Settled>(runId).WaitAsync(TempStore.Limit)).Outcome);
        var late = await Assert.ThrowsAsync<InvalidOperationException>(() => second.SendEventAsync(runId, new Reply("too late")));
        Assert.Contains("has completed; it accepts no more events.", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_with_no_question_open_and_nothing_left_to_do_fails_as_stalled()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<QuietFlow>(new Nudge("n"));
        var error = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<Done>(run.RunId).WaitAsync(TempStore.Limit));

        var stalled = Assert.IsType<WorkflowStalledException>(error.InnerException);
        Assert.Equal(
            $"Run '{run.RunId}' of workflow 'QuietFlow' stalled: no event is pending, no step is running, and no StopEvent was produced. The last step to produce nothing was 'Start' (it returned no event).",
            stalled.Message);
    }
}

public sealed class SqliteDeadlineTests : DeadlineContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeadlineTests(PostgresServer server) : DeadlineContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
