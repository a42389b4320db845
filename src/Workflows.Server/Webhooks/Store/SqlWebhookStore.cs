using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Server.Webhooks.Store;

/// <summary>
/// The webhook outbox in the run store's own database (SQLite or PostgreSQL), through the store's
/// read and write primitives. Its tables are made on first use.
/// </summary>
internal sealed class SqlWebhookStore(SqlWorkflowStore store, TimeProvider time) : IWebhookStore
{
    // Made once per process and shared by every caller; a failed attempt (the store not open yet) is tried again by the next.
    private Task? _schema;

    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        Task? schema = Volatile.Read(ref _schema);
        if (schema is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        if (schema is null || schema.IsFaulted || schema.IsCanceled)
        {
            Task created = CreateSchemaAsync();
            schema = Interlocked.CompareExchange(ref _schema, created, schema) == schema ? created : Volatile.Read(ref _schema)!;
        }

        return schema.WaitAsync(cancellationToken);
    }

    /// <summary>Makes the tables, then has a purge of runs delete their finished webhook deliveries too (those still being sent stay, to finish).</summary>
    private async Task CreateSchemaAsync()
    {
        await store.EnsureModuleSchemaAsync(WebhookSchema.Module, WebhookSchema.Steps(store.Dialect), CancellationToken.None).ConfigureAwait(false);
        foreach (string cleanup in WebhookSchema.RunCleanups)
        {
            store.AddRunCleanup(cleanup);
        }
    }

    public async Task AddSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync((c, t, ct) => WebhookSql.AddSubscriptionAsync(c, t, subscription, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadAsync((c, ct) => WebhookSql.ListSubscriptionsAsync(c, null, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return (await store.ReadAsync((c, ct) => WebhookSql.ListSubscriptionsAsync(c, id, ct), cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<bool> RemoveSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync((c, t, ct) => WebhookSql.RemoveSubscriptionAsync(c, t, id, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> FanOutAsync(IReadOnlyList<RunChange> changes, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        // Rolled back when another dispatcher took any of the changes first: it queued them, so nothing is lost or doubled.
        return await store.WriteAsync(
            async (c, t, ct) =>
            {
                bool done = await WebhookSql.FanOutAsync(c, t, changes, deliveries, now, ct).ConfigureAwait(false);
                return (done, Keep: done);
            },
            SqlWriteKind.None,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(string dispatcherId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync((c, t, ct) => WebhookSql.ClaimWebhookDeliveriesAsync(store.Dialect, c, t, dispatcherId, now, lease, max, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseWebhookDeliveryAsync(long deliveryId, string dispatcherId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync((c, t, ct) => WebhookSql.ReleaseWebhookDeliveryAsync(c, t, deliveryId, dispatcherId, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadAsync(WebhookSql.NextWebhookDueAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RecordWebhookAttemptAsync(WebhookAttemptOutcome outcome, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await WriteAsync((c, t, ct) => WebhookSql.RecordWebhookAttemptAsync(c, t, outcome, time.GetUtcNow(), ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(string subscriptionId, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadAsync((c, ct) => WebhookSql.ListWebhookDeliveriesAsync(c, subscriptionId, beforeId, limit, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookAttempt>> ListWebhookAttemptsAsync(long deliveryId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadAsync((c, ct) => WebhookSql.ListWebhookAttemptsAsync(c, deliveryId, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A write that always keeps its changes.</summary>
    private Task<T> WriteAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        store.WriteAsync(async (c, t, ct) => (await work(c, t, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);
}
