using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// A commit that asks for it takes the run's next delivery under the committing worker's lease, in
/// the same transaction — only when that delivery is all the run has active and nothing holds it back
/// (a queue, a delay, a second delivery beside it). Another worker cannot claim what was handed over.
/// </summary>
public abstract class HandOverContract
{
    private const string Workflow = "HandOverFlow";

    private static readonly Dictionary<string, string> s_fingerprints = new() { [Workflow] = "f1" };

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task The_runs_one_next_delivery_is_handed_to_the_committing_worker_with_its_event_and_no_other_worker_can_claim_it()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        ClaimedDelivery first = await StartAndClaimAsync(store, "run-1");

        CommitOutcome outcome = await store.CommitAndTakeNextAsync(Done(first, [Routed("Second", "\"two\"", new NewDelivery(1, "Second", 1, first.Run.CreatedAt))]), CancellationToken.None);

        Assert.Equal(CommitResult.Committed, outcome.Result);
        ClaimedDelivery next = Assert.IsType<ClaimedDelivery>(outcome.Next);
        Assert.Equal((1, 1, "run-1", WorkflowRunStatus.Running), (next.Step, next.Attempt, next.Run.RunId, next.Run.Status));
        IReadOnlyList<StoredEvent> journal = await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None);
        Assert.Equal(("Second", "\"two\"", "First"), (journal[1].Type, journal[1].Payload, journal[1].Producer));
        Assert.Equal(journal[1], next.Event);
        Assert.Null(next.State);

        // Held under worker-a's lease: worker-b finds nothing to claim, and worker-a commits it like any claim.
        Assert.Empty((await store.ClaimAsync(new ClaimRequest("worker-b", s_fingerprints, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30)), CancellationToken.None)).Deliveries);
        CommitOutcome last = await store.CommitAndTakeNextAsync(Done(next, [new NewEvent(EventRecordKind.Routed, "End", "{}", "Second", [])]) with
        {
            Completion = new RunCompletion(WorkflowRunStatus.Completed, "End", "{}", null, null),
        }, CancellationToken.None);
        Assert.Equal((CommitResult.Committed, null), (last.Result, last.Next));
        Assert.Equal(WorkflowRunStatus.Completed, (await store.GetRunAsync("run-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_step_handed_over_commits_in_order_after_what_changed_its_run_meanwhile()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        (ClaimedDelivery first, ClaimedDelivery next) = await StartAndHandOverAsync(store, "run-1");

        // An operator suspends the run while its handed-over step runs: the journal moves on, and the run is no longer running.
        Assert.True((await store.ControlRunAsync(new RunControlRequest("run-1", RunControl.Suspend, "ops"), CancellationToken.None)).Applied);
        CommitOutcome outcome = await store.CommitAndTakeNextAsync(Done(next, [Routed("Third", "3", new NewDelivery(2, "Third", 1, first.Run.CreatedAt))]), CancellationToken.None);

        // Committed after the control, not over it; the run stays suspended, and its next step waits for the resume, not handed over.
        Assert.Equal((CommitResult.Committed, null), (outcome.Result, outcome.Next));
        IReadOnlyList<StoredEvent> journal = await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None);
        Assert.Equal(
            [(1L, EventRecordKind.Start), (2, EventRecordKind.Routed), (3, EventRecordKind.Control), (4, EventRecordKind.Routed)],
            journal.Select(e => (e.Sequence, e.Kind)));
        Assert.Equal("Third", journal[3].Type);
        Assert.Equal(WorkflowRunStatus.Suspended, (await store.GetRunAsync("run-1", CancellationToken.None))!.Status);
        Assert.Equal(
            [(0, DeliveryStatus.Done), (1, DeliveryStatus.Done), (2, DeliveryStatus.Pending)],
            (await store.ReadDeliveriesAsync("run-1", CancellationToken.None)).Select(d => (d.Step, d.Status)).Order());
    }

    [Fact]
    public async Task A_step_handed_over_that_ends_its_run_leaves_what_its_last_event_made_cancelled_and_the_end_as_committed()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        (ClaimedDelivery first, ClaimedDelivery next) = await StartAndHandOverAsync(store, "run-1");

        // The commit the journal knows the run for (it handed the step over): the run's end goes with its check.
        CommitOutcome last = await store.CommitAndTakeNextAsync(Done(next, [Routed("Late", "9", new NewDelivery(2, "Third", 1, first.Run.CreatedAt))]) with
        {
            Completion = new RunCompletion(WorkflowRunStatus.Completed, "Done", "\"ok\"", null, null),
        }, CancellationToken.None);

        Assert.Equal((CommitResult.Committed, null), (last.Result, last.Next));
        RunRecord run = (await store.GetRunAsync("run-1", CancellationToken.None))!;
        Assert.Equal((WorkflowRunStatus.Completed, "Done", "\"ok\""), (run.Status, run.ResultType, run.ResultPayload));
        Assert.Equal(
            [(1L, "Begin"), (2, "Second"), (3, "Late")],
            (await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None)).Select(e => (e.Sequence, e.Type)));
        Assert.Equal(
            [(0, DeliveryStatus.Done), (1, DeliveryStatus.Done), (2, DeliveryStatus.Cancelled)],
            (await store.ReadDeliveriesAsync("run-1", CancellationToken.None)).Select(d => (d.Step, d.Status)).Order());

        // Nothing of the ended run is left to claim.
        Assert.DoesNotContain(
            (await store.ClaimAsync(new ClaimRequest("worker-b", s_fingerprints, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30)), CancellationToken.None)).Deliveries,
            d => d.Run.RunId == "run-1");
    }

    [Fact]
    public async Task A_claimed_step_commits_in_order_after_what_changed_its_run_meanwhile()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        ClaimedDelivery first = await StartAndClaimAsync(store, "run-1");

        Assert.True((await store.ControlRunAsync(new RunControlRequest("run-1", RunControl.Suspend, "ops"), CancellationToken.None)).Applied);
        CommitOutcome outcome = await store.CommitAndTakeNextAsync(Done(first, [Routed("Second", "2", new NewDelivery(1, "Second", 1, first.Run.CreatedAt))]), CancellationToken.None);

        Assert.Equal((CommitResult.Committed, null), (outcome.Result, outcome.Next));
        Assert.Equal(
            [(1L, EventRecordKind.Start, "Begin"), (2, EventRecordKind.Control, "$suspended"), (3, EventRecordKind.Routed, "Second")],
            (await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None)).Select(e => (e.Sequence, e.Kind, e.Type)));
        Assert.Equal(WorkflowRunStatus.Suspended, (await store.GetRunAsync("run-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_step_handed_over_to_one_worker_cannot_be_committed_by_another_and_its_own_commit_still_goes_through()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        (ClaimedDelivery first, ClaimedDelivery next) = await StartAndHandOverAsync(store, "run-1");

        DeliveryCommit done = Done(next, [new NewEvent(EventRecordKind.Routed, "End", "{}", "Second", [])]) with
        {
            Completion = new RunCompletion(WorkflowRunStatus.Completed, "End", "{}", null, null),
        };
        Assert.Equal(CommitResult.LeaseLost, (await store.CommitAndTakeNextAsync(done with { WorkerId = "worker-b" }, CancellationToken.None)).Result);
        Assert.Equal(2, (await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None)).Count);
        Assert.Equal(WorkflowRunStatus.Running, (await store.GetRunAsync("run-1", CancellationToken.None))!.Status);

        Assert.Equal(CommitResult.Committed, (await store.CommitAndTakeNextAsync(done, CancellationToken.None)).Result);
        Assert.Equal(3, (await store.ReadEventsAsync("run-1", 0, 100, CancellationToken.None)).Count);
        Assert.Equal(WorkflowRunStatus.Completed, (await store.GetRunAsync("run-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Nothing_is_handed_over_when_the_next_delivery_is_not_the_runs_only_one_or_waits_for_a_queue_or_a_time_or_the_worker_did_not_ask()
    {
        using TempStore temp = await NewStoreAsync();
        await using IWorkflowStore store = temp.NewStore();
        int runs = 0;
        async Task<CommitOutcome> CommitAsync(Func<ClaimedDelivery, DeliveryCommit> commit)
        {
            ClaimedDelivery first = await StartAndClaimAsync(store, "run-" + ++runs);
            return await store.CommitAndTakeNextAsync(commit(first), CancellationToken.None);
        }

        NewDelivery Now(int step) => new(step, "Step" + step, 1, DateTimeOffset.UtcNow.AddSeconds(-1));

        CommitOutcome fanOut = await CommitAsync(first => Done(first, [Routed("A", "1", Now(1)), Routed("B", "2", Now(2))]));
        CommitOutcome twoSteps = await CommitAsync(first => Done(first, [Routed("A", "1", Now(1), Now(2))]));
        CommitOutcome queued = await CommitAsync(first => Done(first, [Routed("A", "1", Now(1) with { Queue = "emails" })]));
        CommitOutcome later = await CommitAsync(first => Done(first, [Routed("A", "1", new NewDelivery(1, "Step1", 1, DateTimeOffset.UtcNow.AddMinutes(5)))]));
        CommitOutcome notAsked = await CommitAsync(first => Done(first, [Routed("A", "1", Now(1))]) with { NextLease = null });
        CommitOutcome retry = await CommitAsync(first => new DeliveryCommit
        {
            DeliveryId = first.DeliveryId, WorkerId = "worker-a", RunId = first.Run.RunId, Outcome = DeliveryOutcome.Retry, RetryAt = DateTimeOffset.UtcNow, NextLease = TimeSpan.FromSeconds(30),
        });

        // A branch of a fan-out whose sibling is still pending: its one new delivery is not all the run has active.
        NewDelivery Early(int step) => new(step, "Step" + step, 1, DateTimeOffset.UtcNow.AddHours(-2));
        Assert.Null((await CommitAsync(first => Done(first, [Routed("A", "1", Early(1)), Routed("B", "2", Early(2))]))).Next);
        ClaimedDelivery branch = Assert.Single((await store.ClaimAsync(new ClaimRequest("worker-a", s_fingerprints, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30)), CancellationToken.None)).Deliveries);
        Assert.Equal("run-7", branch.Run.RunId);
        CommitOutcome sibling = await store.CommitAndTakeNextAsync(Done(branch, [Routed("C", "3", Now(3))]), CancellationToken.None);

        foreach (CommitOutcome outcome in new[] { fanOut, twoSteps, queued, later, notAsked, retry, sibling })
        {
            Assert.Equal((CommitResult.Committed, null), (outcome.Result, outcome.Next));
        }

        // What was not handed over waits to be claimed as usual: both of the fan-out, the two steps, the one not asked for, the retry, the branch's sibling and its next step now; the delayed one later; the queued one by a worker that serves its queue.
        ClaimResult claimed = await store.ClaimAsync(new ClaimRequest("worker-b", s_fingerprints, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(30), 20), CancellationToken.None);
        Assert.Equal(
            ["run-1", "run-1", "run-2", "run-2", "run-5", "run-6", "run-7", "run-7"],
            claimed.Deliveries.Select(d => d.Run.RunId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_worker_runs_the_step_handed_to_it_at_once_and_claims_only_what_is_not_handed_over()
    {
        using TempStore temp = await NewStoreAsync();
        FaultyStore? counted = null;
        await using WorkflowRuntime runtime = await temp.StartRuntimeAsync(wrap: inner => counted = new FaultyStore(inner));

        // Three attempts of Work, the last two after a retry delay (claimed), then its error handler at once (handed over).
        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(3));
        FlakyDone done = await runtime.WaitForResultAsync<FlakyDone>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal((3, "fallback after attempt 3 timed out"), (done.Attempts, done.How));
        Assert.Equal((Claimed: 3, HandedOver: 1), (counted!.Claimed, counted.HandedOver));
    }

    [Fact]
    public async Task A_slot_runs_at_most_sixteen_steps_handed_over_in_a_row_then_its_run_goes_back_to_the_claims()
    {
        using TempStore temp = await NewStoreAsync();
        FaultyStore? counted = null;
        await using WorkflowRuntime runtime = await temp.StartRuntimeAsync(start: false, wrap: inner => counted = new FaultyStore(inner));
        await runtime.Register(() => new CountdownFlow(), CountdownJson.Default).StartAsync();

        // 42 deliveries (Begin, then Next for 40 down to 0): each claim runs 1 + 16 handed over (WorkflowRuntime.MaxHandOvers).
        RunRecord run = await runtime.StartRunAsync<CountdownFlow>(new Countdown(40));
        Liftoff liftoff = await runtime.WaitForResultAsync<Liftoff>(run.RunId).WaitAsync(TempStore.Limit);

        Assert.Equal(41, liftoff.Ticks);
        Assert.Equal((Claimed: 3, HandedOver: 39), (counted!.Claimed, counted.HandedOver));
    }

    private static async Task<ClaimedDelivery> StartAndClaimAsync(IWorkflowStore store, string runId)
    {
        await store.InitializeAsync(CancellationToken.None);
        // Due before anything the earlier runs left pending, so a claim of one takes it.
        DateTimeOffset start = DateTimeOffset.UtcNow.AddHours(-1);
        await store.CreateRunAsync(new NewRun(runId, Workflow, "f1", "shape", null, new NewEvent(EventRecordKind.Start, "Begin", "{}", null, [new NewDelivery(0, "First", 1, start)])), CancellationToken.None);
        ClaimResult claim = await store.ClaimAsync(new ClaimRequest("worker-a", s_fingerprints, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30)), CancellationToken.None);
        return Assert.Single(claim.Deliveries, d => d.Run.RunId == runId);
    }

    /// <summary>A run started, its first step claimed and committed, and its second step handed over with that commit.</summary>
    private static async Task<(ClaimedDelivery First, ClaimedDelivery Next)> StartAndHandOverAsync(IWorkflowStore store, string runId)
    {
        ClaimedDelivery first = await StartAndClaimAsync(store, runId);
        CommitOutcome outcome = await store.CommitAndTakeNextAsync(Done(first, [Routed("Second", "\"two\"", new NewDelivery(1, "Second", 1, first.Run.CreatedAt))]), CancellationToken.None);
        return (first, Assert.IsType<ClaimedDelivery>(outcome.Next));
    }

    private static NewEvent Routed(string type, string payload, params NewDelivery[] deliveries) => new(EventRecordKind.Routed, type, payload, "First", deliveries);

    private static DeliveryCommit Done(ClaimedDelivery delivery, IReadOnlyList<NewEvent> events) => new()
    {
        DeliveryId = delivery.DeliveryId,
        WorkerId = "worker-a",
        RunId = delivery.Run.RunId,
        Outcome = DeliveryOutcome.Done,
        Events = events,
        NextLease = TimeSpan.FromSeconds(30),
    };
}

public sealed class SqliteHandOverTests : HandOverContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHandOverTests(PostgresServer server) : HandOverContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}

public sealed record Countdown(int From) : StartEvent;

public sealed record CountdownTick(int Left, int Ticks) : Event;

public sealed record Liftoff(int Ticks) : StopEvent;

/// <summary>A run of many steps one after another: each sends the next, so each commit can hand it over.</summary>
[Workflow]
public partial class CountdownFlow
{
    [Step]
    public static CountdownTick Begin(Countdown countdown) => new(countdown.From, 0);

    [Step, Emits(typeof(CountdownTick))]
    public static Liftoff? Next(CountdownTick tick, WorkflowContext ctx)
    {
        if (tick.Left == 0)
        {
            return new Liftoff(tick.Ticks + 1);
        }

        ctx.Send(new CountdownTick(tick.Left - 1, tick.Ticks + 1));
        return null;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Countdown))]
[System.Text.Json.Serialization.JsonSerializable(typeof(CountdownTick))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Liftoff))]
public sealed partial class CountdownJson : System.Text.Json.Serialization.JsonSerializerContext;
