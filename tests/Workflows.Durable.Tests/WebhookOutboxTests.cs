using Microsoft.Data.Sqlite;
using Workflows.Durable.Tests.Flows;

namespace Workflows.Durable.Tests;

/// <summary>
/// The webhook outbox kept in the run store: run changes are recorded with the change itself while a
/// subscription exists, fanned out exactly once, and each delivery's attempts are leased and logged.
/// The same contract on SQLite and PostgreSQL.
/// </summary>
public abstract class WebhookOutboxContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task Without_a_subscription_no_change_feed_is_kept()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);

        Assert.Empty(await webhooks.ReadRunChangesAsync(100, default));
    }

    [Fact]
    public async Task Each_status_change_of_a_run_is_recorded_in_order()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1", workflow: "SupportFlow"), default);

        RunRecord run = await runtime.StartRunAsync<SupportFlow>(new Ticket("printer"));
        await DurableRunTests.WaitForStatusAsync(runtime, run.RunId, WorkflowRunStatus.WaitingForInput);
        await runtime.SendEventAsync(run.RunId, new AgentReply("restart it"));
        await runtime.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);
        RunRecord other = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));
        await runtime.WaitForCompletionAsync(other.RunId).WaitAsync(TempStore.Limit);

        IReadOnlyList<RunChange> changes = await webhooks.ReadRunChangesAsync(100, default);

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
    public async Task Changes_are_fanned_out_once_even_when_two_dispatchers_race()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        RunRecord run = await runtime.StartRunAsync<FlakyFlow>(new Flaky(0));
        await runtime.WaitForCompletionAsync(run.RunId).WaitAsync(TempStore.Limit);
        IReadOnlyList<RunChange> seenByFirst = await webhooks.ReadRunChangesAsync(100, default);
        IReadOnlyList<RunChange> seenBySecond = await webhooks.ReadRunChangesAsync(100, default);

        bool first = await webhooks.FanOutAsync(seenByFirst, [.. seenByFirst.Select(c => Delivery("wh-1", c))], Now, default);
        bool second = await webhooks.FanOutAsync(seenBySecond, [.. seenBySecond.Select(c => Delivery("wh-1", c))], Now, default);

        Assert.True(first);
        Assert.False(second);
        Assert.Empty(await webhooks.ReadRunChangesAsync(100, default));
        IReadOnlyList<WebhookDelivery> log = await webhooks.ListWebhookDeliveriesAsync("wh-1", null, 100, default);
        Assert.Equal(seenByFirst.Count, log.Count);
        Assert.Equal(seenByFirst.Select(c => $"msg-{c.Id}").Reverse(), log.Select(d => d.MessageId));
    }

    [Fact]
    public async Task A_delivery_is_leased_retried_when_due_and_its_attempts_logged()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        Assert.True(await webhooks.FanOutAsync([], [new NewWebhookDelivery("wh-1", "msg-a", "run.completed", "run-1", "{\"a\":1}")], Now, default));

        WebhookDelivery taken = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now, TimeSpan.FromSeconds(30), 10, default));
        Assert.Empty(await webhooks.ClaimWebhookDeliveriesAsync("d2", Now, TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal((WebhookDeliveryStatus.Sending, 1, "{\"a\":1}"), (taken.Status, taken.Attempts, taken.Payload));

        // Only the lease holder records; a failed attempt comes back when due, not before.
        var failed = new WebhookAttempt(taken.Id, 1, Now, 503, "receiver answered 503", TimeSpan.FromMilliseconds(12));
        Assert.False(await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(taken.Id, "d2", failed, WebhookDeliveryStatus.Pending, Now.AddMinutes(1)), default));
        Assert.True(await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(taken.Id, "d1", failed, WebhookDeliveryStatus.Pending, Now.AddMinutes(1)), default));
        Assert.Empty(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now.AddSeconds(59), TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal(Now.AddMinutes(1).ToUnixTimeMilliseconds(), (await webhooks.NextWebhookDueAsync(default))?.ToUnixTimeMilliseconds());

        // A dispatcher that took it and vanished loses it when the lease ends.
        WebhookDelivery second = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now.AddMinutes(1), TimeSpan.FromSeconds(30), 10, default));
        WebhookDelivery third = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d2", Now.AddMinutes(2), TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal((2, 3), (second.Attempts, third.Attempts));
        var delivered = new WebhookAttempt(taken.Id, 3, Now.AddMinutes(2), 204, null, TimeSpan.FromMilliseconds(5));
        Assert.False(await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(taken.Id, "d1", delivered with { Attempt = 2 }, WebhookDeliveryStatus.Delivered, null), default));
        Assert.True(await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(taken.Id, "d2", delivered, WebhookDeliveryStatus.Delivered, null), default));

        WebhookDelivery logged = Assert.Single(await webhooks.ListWebhookDeliveriesAsync("wh-1", null, 10, default));
        Assert.Equal((WebhookDeliveryStatus.Delivered, 3, 204, (string?)null), (logged.Status, logged.Attempts, logged.LastStatusCode, logged.LastError));
        Assert.NotNull(logged.FinishedAt);
        Assert.Equal([(1, (int?)503, "receiver answered 503"), (3, 204, null)], (await webhooks.ListWebhookAttemptsAsync(taken.Id, default)).Select(a => (a.Attempt, a.StatusCode, a.Error)));
        Assert.Null(await webhooks.NextWebhookDueAsync(default));
    }

    [Fact]
    public async Task A_run_s_deliveries_to_one_subscription_go_one_at_a_time_in_order()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        await webhooks.AddSubscriptionAsync(Subscription("wh-2"), default);
        await webhooks.FanOutAsync(
            [],
            [
                new NewWebhookDelivery("wh-1", "started", "run.started", "run-a", "{}"),
                new NewWebhookDelivery("wh-1", "completed", "run.completed", "run-a", "{}"),
                new NewWebhookDelivery("wh-2", "completed", "run.completed", "run-a", "{}"),
                new NewWebhookDelivery("wh-1", "other", "run.started", "run-b", "{}"),
            ],
            Now,
            default);

        // run-a's "completed" to wh-1 waits behind its "started"; other runs and subscriptions do not.
        IReadOnlyList<WebhookDelivery> first = await webhooks.ClaimWebhookDeliveriesAsync("d1", Now, TimeSpan.FromSeconds(30), 10, default);
        Assert.Equal(["wh-1 started", "wh-2 completed", "wh-1 other"], first.Select(d => $"{d.SubscriptionId} {d.MessageId}"));

        // A failed attempt still holds the line until it is delivered or given up.
        WebhookDelivery started = first[0];
        var failed = new WebhookAttempt(started.Id, 1, Now, 500, "the receiver answered 500", TimeSpan.Zero);
        await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(started.Id, "d1", failed, WebhookDeliveryStatus.Pending, Now.AddSeconds(5)), default);
        Assert.Empty(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now.AddSeconds(1), TimeSpan.FromSeconds(30), 10, default));

        WebhookDelivery retried = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now.AddSeconds(5), TimeSpan.FromSeconds(30), 10, default));
        await webhooks.RecordWebhookAttemptAsync(new WebhookAttemptOutcome(retried.Id, "d1", failed with { Attempt = 2, StatusCode = 204, Error = null }, WebhookDeliveryStatus.Delivered, null), default);
        Assert.Equal("completed", Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now.AddSeconds(5), TimeSpan.FromSeconds(30), 10, default)).MessageId);
    }

    [Fact]
    public async Task A_released_delivery_is_due_at_once_and_its_attempt_not_counted()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        await webhooks.FanOutAsync([], [new NewWebhookDelivery("wh-1", "m1", "run.failed", "r", "{}")], Now, default);
        WebhookDelivery taken = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now, TimeSpan.FromMinutes(5), 10, default));

        Assert.False(await webhooks.ReleaseWebhookDeliveryAsync(taken.Id, "d2", default));
        Assert.True(await webhooks.ReleaseWebhookDeliveryAsync(taken.Id, "d1", default));
        Assert.False(await webhooks.ReleaseWebhookDeliveryAsync(taken.Id, "d1", default));

        WebhookDelivery again = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d2", Now, TimeSpan.FromMinutes(5), 10, default));
        Assert.Equal((taken.Id, 1), (again.Id, again.Attempts));
        Assert.Empty(await webhooks.ListWebhookAttemptsAsync(taken.Id, default));
    }

    [Fact]
    public async Task A_disabled_subscription_fails_its_pending_deliveries_and_a_removed_one_takes_its_log()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        await webhooks.AddSubscriptionAsync(Subscription("wh-2"), default);
        await webhooks.FanOutAsync([], [new NewWebhookDelivery("wh-1", "m1", "run.failed", "r", "{}"), new NewWebhookDelivery("wh-2", "m1", "run.failed", "r", "{}")], Now, default);

        await webhooks.DisableSubscriptionAsync("wh-1", "the receiver answered 410 Gone", default);
        Assert.True(await webhooks.RemoveSubscriptionAsync("wh-2", default));
        Assert.False(await webhooks.RemoveSubscriptionAsync("wh-2", default));

        WebhookSubscription disabled = (await webhooks.GetSubscriptionAsync("wh-1", default))!;
        Assert.False(disabled.Enabled);
        WebhookDelivery failed = Assert.Single(await webhooks.ListWebhookDeliveriesAsync("wh-1", null, 10, default));
        Assert.Equal((WebhookDeliveryStatus.Failed, "the receiver answered 410 Gone"), (failed.Status, failed.LastError));
        Assert.Null(await webhooks.GetSubscriptionAsync("wh-2", default));
        Assert.Empty(await webhooks.ListWebhookDeliveriesAsync("wh-2", null, 10, default));
        Assert.Empty(await webhooks.ClaimWebhookDeliveriesAsync("d", Now.AddHours(1), TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal(["wh-1"], (await webhooks.ListSubscriptionsAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_subscription_round_trips()
    {
        using TempStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        var webhooks = (IWebhookStore)runtime.Store;
        WebhookSubscription subscription = Subscription("wh-1", workflow: "SupportFlow") with { Description = "ops channel" };

        await webhooks.AddSubscriptionAsync(subscription, default);
        WebhookSubscription stored = (await webhooks.GetSubscriptionAsync("wh-1", default))!;

        Assert.Equal(subscription with { Events = stored.Events }, stored);
        Assert.Equal(subscription.Events, stored.Events);
    }

    private static WebhookSubscription Subscription(string id, string? workflow = null) =>
        new(id, "https://example.com/hooks", ["run.*"], workflow, "whsec_test", null, Enabled: true, DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()));

    private static NewWebhookDelivery Delivery(string subscription, RunChange change) =>
        new(subscription, $"msg-{change.Id}", "run.changed", change.RunId, "{}");
}

/// <summary>The outbox on SQLite, and the schema upgrade from version 1.</summary>
public sealed class SqliteWebhookOutboxTests : WebhookOutboxContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());

    [Fact]
    public async Task A_version_1_store_is_upgraded_in_place_and_keeps_its_runs()
    {
        using var store = new TempStore();
        string runId;
        await using (WorkflowRuntime runtime = await store.StartRuntimeAsync())
        {
            runId = (await runtime.StartRunAsync<SupportFlow>(new Ticket("old"))).RunId;
            await DurableRunTests.WaitForStatusAsync(runtime, runId, WorkflowRunStatus.WaitingForInput);
        }

        await ExecuteAsync(store.Path, "DROP TABLE wf_run_changes; DROP TABLE wf_webhooks; DROP TABLE wf_webhook_deliveries; DROP TABLE wf_webhook_attempts; UPDATE wf_meta SET value = '1' WHERE key = 'version'");

        await using (WorkflowRuntime upgraded = await store.StartRuntimeAsync())
        {
            await ((IWebhookStore)upgraded.Store).AddSubscriptionAsync(new WebhookSubscription("wh", "https://example.com", ["*"], null, "s", null, true, DateTimeOffset.UtcNow), default);
            await upgraded.SendEventAsync(runId, new AgentReply("still here"));
            Assert.Equal(new Answered("still here"), await upgraded.WaitForResultAsync<Answered>(runId).WaitAsync(TempStore.Limit));
            Assert.NotEmpty(await ((IWebhookStore)upgraded.Store).ReadRunChangesAsync(10, default));
        }

        Assert.Equal("2", await ScalarAsync(store.Path, "SELECT value FROM wf_meta WHERE key = 'version'"));
    }

    [Fact]
    public async Task A_store_from_a_newer_build_is_rejected_untouched()
    {
        using var store = new TempStore();
        await (await store.StartRuntimeAsync()).DisposeAsync();
        await ExecuteAsync(store.Path, "UPDATE wf_meta SET value = '99' WHERE key = 'version'");

        var error = await Assert.ThrowsAsync<WorkflowStoreException>(() => store.StartRuntimeAsync());

        Assert.Equal($"'{store.Path}' is a Workflows store of schema version 99, written by a newer build; this build reads versions up to 2. Nothing was changed.", error.Message);
        Assert.Equal("99", await ScalarAsync(store.Path, "SELECT value FROM wf_meta WHERE key = 'version'"));
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>The outbox on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookOutboxTests(PostgresServer server) : WebhookOutboxContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
