using Workflows.Durable;
using Workflows.Server.Webhooks.Store;

namespace Workflows.Server.Tests;

/// <summary>
/// The webhook outbox kept beside the runs: run changes from the store's feed are fanned out exactly
/// once, and each delivery's attempts are leased and logged. The same contract on SQLite and PostgreSQL.
/// </summary>
public abstract class WebhookOutboxContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private protected abstract Task<OutboxStore> NewStoreAsync();

    [Fact]
    public async Task Changes_are_fanned_out_once_even_when_two_dispatchers_race()
    {
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        await runtime.Store.SetRunChangeFeedAsync(true, default);
        RunRecord run = await runtime.StartRunAsync<OutboxFlow>(new Ping("printer"));
        await runtime.CancelAsync(run.RunId);
        IReadOnlyList<RunChange> seenByFirst = await runtime.Store.ReadRunChangesAsync(100, default);
        IReadOnlyList<RunChange> seenBySecond = await runtime.Store.ReadRunChangesAsync(100, default);

        bool first = await webhooks.FanOutAsync(seenByFirst, [.. seenByFirst.Select(c => Delivery("wh-1", c))], Now, default);
        bool second = await webhooks.FanOutAsync(seenBySecond, [.. seenBySecond.Select(c => Delivery("wh-1", c))], Now, default);

        Assert.True(first);
        Assert.False(second);
        Assert.NotEmpty(seenByFirst);
        Assert.Empty(await runtime.Store.ReadRunChangesAsync(100, default));
        IReadOnlyList<WebhookDelivery> log = await webhooks.ListWebhookDeliveriesAsync("wh-1", null, 100, default);
        Assert.Equal(seenByFirst.Count, log.Count);
        Assert.Equal(seenByFirst.Select(c => $"msg-{c.Id}").Reverse(), log.Select(d => d.MessageId));
    }

    [Fact]
    public async Task A_delivery_is_leased_retried_when_due_and_its_attempts_logged()
    {
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
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
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
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
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
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
    public async Task A_gone_receiver_s_subscription_is_disabled_with_the_attempt_failing_its_pending_deliveries_and_a_removed_one_takes_its_log()
    {
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
        await webhooks.AddSubscriptionAsync(Subscription("wh-1"), default);
        await webhooks.AddSubscriptionAsync(Subscription("wh-2"), default);
        await webhooks.FanOutAsync(
            [],
            [new NewWebhookDelivery("wh-1", "m1", "run.failed", "r", "{}"), new NewWebhookDelivery("wh-1", "m2", "run.failed", "r", "{}"), new NewWebhookDelivery("wh-2", "m1", "run.failed", "r", "{}")],
            Now,
            default);

        // The attempt that heard 410 Gone and the unsubscription are one write: the delivery is never seen failed with its subscription still on.
        WebhookDelivery attempted = Assert.Single(await webhooks.ClaimWebhookDeliveriesAsync("d1", Now, TimeSpan.FromMinutes(5), 1, default));
        var gone = new WebhookAttempt(attempted.Id, 1, Now, 410, "the receiver answered 410 Gone", TimeSpan.FromMilliseconds(3));
        Assert.True(await webhooks.RecordWebhookAttemptAsync(
            new WebhookAttemptOutcome(attempted.Id, "d1", gone, WebhookDeliveryStatus.Failed, null) { Unsubscribe = "disabled: the receiver answered 410 Gone", SubscriptionId = "wh-1" },
            default));
        Assert.True(await webhooks.RemoveSubscriptionAsync("wh-2", default));
        Assert.False(await webhooks.RemoveSubscriptionAsync("wh-2", default));

        WebhookSubscription disabled = (await webhooks.GetSubscriptionAsync("wh-1", default))!;
        Assert.False(disabled.Enabled);
        IReadOnlyList<WebhookDelivery> failed = await webhooks.ListWebhookDeliveriesAsync("wh-1", null, 10, default);
        Assert.Equal(
            [(WebhookDeliveryStatus.Failed, "disabled: the receiver answered 410 Gone"), (WebhookDeliveryStatus.Failed, "the receiver answered 410 Gone")],
            failed.Select(d => (d.Status, d.LastError)));
        Assert.Null(await webhooks.GetSubscriptionAsync("wh-2", default));
        Assert.Empty(await webhooks.ListWebhookDeliveriesAsync("wh-2", null, 10, default));
        Assert.Empty(await webhooks.ClaimWebhookDeliveriesAsync("d", Now.AddHours(1), TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal(["wh-1"], (await webhooks.ListSubscriptionsAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_subscription_round_trips()
    {
        using OutboxStore store = await NewStoreAsync();
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);
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

/// <summary>The outbox on SQLite, and the subscriptions of a store written by journal schema version 2.</summary>
public sealed class SqliteWebhookOutboxTests : WebhookOutboxContract
{
    private protected override Task<OutboxStore> NewStoreAsync() => Task.FromResult(new OutboxStore());

    [Fact]
    public async Task A_store_written_by_schema_version_2_keeps_its_subscriptions_and_queued_deliveries()
    {
        using var store = new OutboxStore();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schema-v2.db"), store.Path);
        await using WorkflowRuntime runtime = await store.StartRuntimeAsync();
        IWebhookStore webhooks = OutboxStore.Webhooks(runtime);

        WebhookSubscription kept = Assert.Single(await webhooks.ListSubscriptionsAsync(default));
        Assert.Equal(
            new WebhookSubscription("wh-v2", "https://example.com/hooks", kept.Events, "SupportFlow", "whsec_v2", "kept across the upgrade", true, DateTimeOffset.FromUnixTimeMilliseconds(1764000000000)),
            kept);
        Assert.Equal(["run.*"], kept.Events);
        IReadOnlyList<WebhookDelivery> queued = await webhooks.ListWebhookDeliveriesAsync("wh-v2", null, 100, default);
        Assert.Equal(6, queued.Count);
        Assert.All(queued, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.Equal(["v2-completed", "v2-waiting"], queued.Select(d => d.RunId).Distinct().Order());
        Assert.Equal(3, (await runtime.ListRunsAsync(new RunQuery())).Total);
    }
}

/// <summary>The outbox on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookOutboxTests(PostgresServer server) : WebhookOutboxContract
{
    private protected override async Task<OutboxStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}
