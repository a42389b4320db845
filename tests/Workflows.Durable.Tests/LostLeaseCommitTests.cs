namespace Workflows.Durable.Tests;

/// <summary>
/// The store's side of at-least-once: a worker whose lease ran out and whose delivery another worker
/// claimed cannot commit it — nothing of its commit is recorded — while the new holder's commit goes through.
/// </summary>
public abstract class LostLeaseCommitContract
{
    private const string Workflow = "LeaseFlow";

    private static readonly Dictionary<string, string> s_fingerprints = new() { [Workflow] = "f1" };

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_commit_after_the_lease_passed_to_another_worker_records_nothing_and_the_new_holder_commits()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        await store.InitializeAsync(CancellationToken.None);
        DateTimeOffset start = DateTimeOffset.UtcNow;
        var first = new NewDelivery(0, "First", 1, start);
        await store.CreateRunAsync(new NewRun("lease-run", Workflow, "f1", "shape", null, new NewEvent(EventRecordKind.Start, "Begin", "{}", null, [first])), CancellationToken.None);

        ClaimedDelivery late = Assert.Single((await store.ClaimAsync(new ClaimRequest("worker-a", s_fingerprints, start, TimeSpan.FromSeconds(1)), CancellationToken.None)).Deliveries);

        // Worker A's lease runs out; worker B claims the delivery.
        ClaimedDelivery taken = Assert.Single((await store.ClaimAsync(new ClaimRequest("worker-b", s_fingerprints, start + TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)), CancellationToken.None)).Deliveries);
        Assert.Equal(late.DeliveryId, taken.DeliveryId);

        Assert.Equal(CommitResult.LeaseLost, await store.CommitAsync(Done(late, "worker-a", "from A"), CancellationToken.None));
        Assert.Equal(CommitResult.Committed, await store.CommitAsync(Done(taken, "worker-b", "from B"), CancellationToken.None));

        // Only B's event is in the journal, and A cannot commit again after B.
        IReadOnlyList<StoredEvent> events = await store.ReadEventsAsync("lease-run", 0, 100, CancellationToken.None);
        Assert.Equal(["Begin", "Next"], events.Select(e => e.Type));
        Assert.Equal("\"from B\"", events[1].Payload);
        Assert.Equal(CommitResult.LeaseLost, await store.CommitAsync(Done(late, "worker-a", "from A again"), CancellationToken.None));
        Assert.Equal(2, (await store.ReadEventsAsync("lease-run", 0, 100, CancellationToken.None)).Count);
    }

    private static DeliveryCommit Done(ClaimedDelivery delivery, string worker, string payload) => new()
    {
        DeliveryId = delivery.DeliveryId,
        WorkerId = worker,
        RunId = delivery.Run.RunId,
        Outcome = DeliveryOutcome.Done,
        Events = [new NewEvent(EventRecordKind.Routed, "Next", "\"" + payload + "\"", "First", [new NewDelivery(1, "Second", 1, DateTimeOffset.UtcNow)])],
    };
}

public sealed class SqliteLostLeaseCommitTests : LostLeaseCommitContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLostLeaseCommitTests(PostgresServer server) : LostLeaseCommitContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
