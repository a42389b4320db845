using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>A delivery its worker holds while the step runs: its lease renewed by the worker's one renewal loop, given back when the worker stops. On each store.</summary>
public abstract class HeldDeliveryContract
{
    /// <summary>
    /// Renewed a third of the way in, so a renewal can come up to two thirds of a lease late. At 1.5 s (half a second
    /// of slack) a loaded CI machine once let it run out, and the other worker ran the step again.
    /// </summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(3000);

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_step_that_runs_two_leases_long_keeps_its_delivery_while_another_worker_looks_for_work()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime holder = await store.StartRuntimeAsync(o => o.Lease = Lease);
        RunRecord run = await holder.StartRunAsync<SlowFlow>(new Nap(6200));
        await DurableRunTests.WaitForDeliveryAsync(holder, run.RunId, DeliveryStatus.Claimed);

        // It would take the delivery over (and run the step again) as soon as a lease ran out unrenewed. The lease
        // leaves room for the stall of a second store starting in this process (SQLite's locks, the thread pool).
        await using WorkflowRuntime other = await store.StartRuntimeAsync(o => o.Lease = Lease);

        Assert.Equal(6200, (await holder.WaitForResultAsync<Napped>(run.RunId).WaitAsync(TempStore.Limit)).Milliseconds);
        DeliveryRecord delivery = Assert.Single(await holder.Store.ReadDeliveriesAsync(run.RunId, default));
        Assert.Equal(DeliveryStatus.Done, delivery.Status);
        Assert.Equal(1, delivery.Executions);
    }

    [Fact]
    public async Task Stopping_while_a_step_runs_gives_its_delivery_back_before_the_stop_returns()
    {
        using TempStore store = await NewStoreAsync();
        string runId;
        await using (WorkflowRuntime worker = await store.StartRuntimeAsync())
        {
            runId = (await worker.StartRunAsync<LingerFlow>(new Nap(300))).RunId;
            await DurableRunTests.WaitForDeliveryAsync(worker, runId, DeliveryStatus.Claimed);
        }

        // The stop cancelled the step, which took 300 ms to stop, and waited for its delivery to go back, its attempt not counted.
        await using WorkflowRuntime reader = await store.StartRuntimeAsync(o => o.RunWorkers = false);
        DeliveryRecord delivery = Assert.Single(await reader.Store.ReadDeliveriesAsync(runId, default));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.Attempt);
    }

    [Fact]
    public async Task A_lease_that_is_not_positive_is_refused_when_the_runtime_is_made()
    {
        using TempStore store = await NewStoreAsync();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WorkflowRuntime(store.NewStore(), new WorkflowRuntimeOptions { Lease = TimeSpan.Zero }));
        Assert.StartsWith("WorkflowRuntimeOptions.Lease must be positive (how long a claim holds without renewal); it was 00:00:00.", error.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteHeldDeliveryTests : HeldDeliveryContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHeldDeliveryTests(PostgresServer server) : HeldDeliveryContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
