using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>Runs that go wrong end in a clear, specific outcome; concurrent runs never lose an update. On each store.</summary>
public abstract class SafetyContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_step_whose_state_cannot_be_stored_fails_its_attempts_and_then_its_run_never_looping()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        string id = Guid.NewGuid().ToString("N");

        RunRecord run = await runtime.StartRunAsync<PoisonFlow>(new Poison(id));
        var failed = await Assert.ThrowsAsync<WorkflowRunFailedException>(() => runtime.WaitForResultAsync<Poisoned>(run.RunId).WaitAsync(TempStore.Limit));

        // Exactly MaxAttempts executions, and no more afterwards.
        await Task.Delay(500);
        Assert.Equal(2, PoisonFlow.Runs[id]);
        Assert.Equal(WorkflowRunStatus.Failed, failed.Run.Status);
        string message = failed.Run.Error!;
        Assert.StartsWith("Step 'Keep' failed after 2 attempt(s): Workflows.Durable.WorkflowSerializationException: ", message, StringComparison.Ordinal);
        Assert.Contains("Step 'Keep' of workflow 'PoisonFlow' handled 'Poison', but what it did cannot be stored", message, StringComparison.Ordinal);
        Assert.Contains("PoisonJson cannot serialize 'Secret', which workflow 'PoisonFlow' stores. Add [JsonSerializable(typeof(Secret))] to PoisonJson.", message, StringComparison.Ordinal);
        var inner = Assert.IsType<StoredStepException>(failed.InnerException);
        Assert.Equal("Workflows.Durable.WorkflowSerializationException", inner.OriginalType);
        DeliveryRecord delivery = Assert.Single(await runtime.Store.ReadDeliveriesAsync(run.RunId, default));
        Assert.Equal((DeliveryStatus.Failed, 2, 2), (delivery.Status, delivery.Attempt, delivery.Executions));
    }

    [Fact]
    public async Task A_step_reads_which_attempt_it_is_on()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        string id = Guid.NewGuid().ToString("N");

        RunRecord run = await runtime.StartRunAsync<AttemptFlow>(new Count3(id));

        Assert.Equal([1, 2, 3], (await runtime.WaitForResultAsync<Counted3>(run.RunId).WaitAsync(TempStore.Limit)).Attempts);
    }

    [Fact]
    public async Task Fifty_concurrent_starts_with_one_idempotency_key_make_one_run()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(options => options.RunWorkers = false);

        (RunRecord Run, bool Created)[] starts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => runtime.StartRunAsync("SupportFlow", new Ticket($"attempt {i}"), new DurableRunOptions { IdempotencyKey = "one-key" }))));

        Assert.Single(starts.Select(s => s.Run.RunId).Distinct());
        Assert.Single(starts, s => s.Created);
        Assert.Equal(1, (await runtime.ListRunsAsync(new RunQuery(Workflow: "SupportFlow"))).Total);
    }

    [Fact]
    public async Task Fifty_concurrent_starts_with_one_run_id_make_one_run()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync(options => options.RunWorkers = false);

        RunRecord[] runs = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => runtime.StartRunAsync<SupportFlow>(new Ticket($"attempt {i}"), new DurableRunOptions { RunId = "one-run" }))));

        Assert.All(runs, r => Assert.Equal("one-run", r.RunId));
        Assert.Single(await runtime.ReadEventsAsync("one-run"), e => e.Kind == EventRecordKind.Start);
    }

    [Fact]
    public async Task Steps_that_read_each_other_s_state_cannot_both_miss_the_other_s_write()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();

        RunRecord run = await runtime.StartRunAsync<SkewFlow>(new Skew(Guid.NewGuid().ToString("N")));
        Skewed skewed = await runtime.WaitForResultAsync<Skewed>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.True(skewed.LeftSawRight || skewed.RightSawLeft, "Both steps committed on a value the other had changed: the commit did not check what they read.");
    }
}

public sealed class SqliteSafetyTests : SafetyContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSafetyTests(PostgresServer server) : SafetyContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
