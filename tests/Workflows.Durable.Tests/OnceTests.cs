using Workflows.Durable.Worker;

namespace Workflows.Durable.Tests;

/// <summary>
/// ctx.OnceAsync in durable runs: the work is done once per delivery and its result recorded in the
/// journal; a re-run of the step (after an answer, a retry, or a SIGKILL of its worker) gets the
/// recorded result; misuse fails the step with a message that says what to do.
/// </summary>
public abstract class OnceContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task The_work_is_done_once_and_the_step_gets_its_recorded_result_when_it_runs_again_after_the_answer()
    {
        using TempStore store = await NewStoreAsync();
        string ledger = Path.Combine(store.Directory, "ledger.txt");
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<ChargeFlow>(new Charge(ledger, Path.Combine(store.Directory, "no-hold"), 40));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new Confirmation(true));
        Charged charged = await runtime.WaitForResultAsync<Charged>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Single(await File.ReadAllLinesAsync(ledger));
        IReadOnlyList<StoredEvent> journal = await runtime.ReadEventsAsync(run.RunId);
        StoredEvent recorded = Assert.Single(journal, e => e.Kind == EventRecordKind.Recorded);
        Assert.Equal(("charge", "Pay"), (recorded.Type, recorded.Producer));
        Assert.Equal(new Charged(charged.Receipt, 40, true), charged);
        Assert.Contains($"\"Id\":\"{charged.Receipt}\"", recorded.Payload, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_retried_attempt_gets_the_recorded_result_and_the_work_is_not_repeated()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<OnceMisuseFlow>(new Misuse("retry"));
        MisuseDone done = await runtime.WaitForResultAsync<MisuseDone>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(1, OnceMisuseFlow.Calls[run.RunId]);
        StoredEvent recorded = Assert.Single(await runtime.ReadEventsAsync(run.RunId), e => e.Kind == EventRecordKind.Recorded);
        Assert.Equal($"\"{done.Value}\"", recorded.Payload);
    }

    [Fact]
    public async Task A_result_the_json_context_cannot_serialize_fails_the_step_before_the_work_is_done()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<OnceMisuseFlow>(new Misuse("unrecordable"));
        WorkflowRunFailedException failed = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<MisuseDone>(run.RunId).WaitAsync(TempStore.Limit));

        Assert.Contains("OnceJson cannot serialize 'Unrecordable', which workflow 'OnceMisuseFlow' stores. Add [JsonSerializable(typeof(Unrecordable))] to OnceJson.", failed.Message, StringComparison.Ordinal);
        Assert.False(OnceMisuseFlow.Calls.ContainsKey(run.RunId));
        Assert.DoesNotContain(await runtime.ReadEventsAsync(run.RunId), e => e.Kind == EventRecordKind.Recorded);
    }

    [Fact]
    public async Task A_key_used_twice_in_one_execution_fails_the_step_and_names_the_key()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<OnceMisuseFlow>(new Misuse("twice"));
        WorkflowRunFailedException failed = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<MisuseDone>(run.RunId).WaitAsync(TempStore.Limit));

        Assert.Contains("Step 'Use' of workflow 'OnceMisuseFlow' called ctx.OnceAsync with the key 'lookup' twice in one execution.", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_SIGKILLed_after_the_work_was_recorded_does_not_make_the_next_worker_do_it_again()
    {
        using TempStore store = await NewStoreAsync();
        string ledger = Path.Combine(store.Directory, "ledger.txt");
        string hold = Path.Combine(store.Directory, "hold");
        await File.WriteAllTextAsync(hold, "hold the step after the charge");

        // This process starts the run and answers it; the steps run in worker processes.
        await using WorkflowRuntime tester = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord run = await tester.StartRunAsync<ChargeFlow>(new Charge(ledger, hold, 25));
        using (WorkerProcess first = WorkerProcess.Start(store.WorkerArgument))
        {
            await first.WaitUntilServingAsync();
            await RunControlContract.WaitUntilAsync(async () => (await tester.ReadEventsAsync(run.RunId)).Any(e => e.Kind == EventRecordKind.Recorded));
            first.Kill();
        }

        File.Delete(hold);
        using WorkerProcess second = WorkerProcess.Start(store.WorkerArgument);
        await DurableRunTests.WaitForStatusAsync(tester, run.RunId, WorkflowRunStatus.WaitingForInput);
        await tester.SendEventAsync(run.RunId, new Confirmation(true));
        Charged charged = await tester.WaitForResultAsync<Charged>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Single(await File.ReadAllLinesAsync(ledger));
        StoredEvent recorded = Assert.Single(await tester.ReadEventsAsync(run.RunId), e => e.Kind == EventRecordKind.Recorded);
        Assert.Contains($"\"Id\":\"{charged.Receipt}\"", recorded.Payload, StringComparison.Ordinal);
        Assert.Equal(25, charged.Amount);
    }

    [Fact]
    public async Task A_worker_SIGKILLed_after_the_model_answered_does_not_make_the_next_worker_ask_it_again()
    {
        using TempStore store = await NewStoreAsync();
        string ledger = Path.Combine(store.Directory, "model-calls.txt");
        string hold = Path.Combine(store.Directory, "hold");
        await File.WriteAllTextAsync(hold, "hold the step after the model answered");

        await using WorkflowRuntime tester = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        RunRecord run = await tester.StartRunAsync<SummaryFlow>(new Summarize(ledger, hold, "The quarter closed ahead of plan."));
        using (WorkerProcess first = WorkerProcess.Start(store.WorkerArgument))
        {
            await first.WaitUntilServingAsync();
            await RunControlContract.WaitUntilAsync(async () => (await tester.ReadEventsAsync(run.RunId)).Any(e => e.Kind == EventRecordKind.Recorded));
            first.Kill();
        }

        File.Delete(hold);
        using WorkerProcess second = WorkerProcess.Start(store.WorkerArgument);
        Summarized summarized = await tester.WaitForResultAsync<Summarized>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(new Summarized("Quarterly report", 42), summarized);
        Assert.Single(await File.ReadAllLinesAsync(ledger));
        Assert.Single(await tester.ReadEventsAsync(run.RunId), e => e.Type == typeof(Workflows.AI.ModelUsage).FullName);
    }
}

public sealed class SqliteOnceTests : OnceContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresOnceTests(PostgresServer server) : OnceContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
