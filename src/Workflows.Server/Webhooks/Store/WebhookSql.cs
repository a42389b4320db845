using System.Data.Common;
using System.Globalization;
using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Server.Webhooks.Store;

/// <summary>The webhook outbox in SQL: subscriptions, deliveries and attempts, in the tables <see cref="WebhookSchema"/> keeps beside the journal.</summary>
internal static class WebhookSql
{
    private const int WebhookPending = (int)WebhookDeliveryStatus.Pending;
    private const int WebhookSending = (int)WebhookDeliveryStatus.Sending;

    private const string SubscriptionColumns = "SELECT webhook_id, url, events, workflow, secret, description, enabled, created_at FROM wf_webhooks";

    private const string WebhookDeliveryColumns =
        "SELECT delivery_id, webhook_id, message_id, topic, run_id, payload, status, attempts, next_attempt_at, last_status_code, last_error, created_at, finished_at FROM wf_webhook_deliveries";

    private static long Millis(DateTimeOffset time) => SqlCommands.Millis(time);

    private static DateTimeOffset FromMillis(long millis) => SqlCommands.FromMillis(millis);

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        SqlCommands.Create(connection, transaction, sql, parameters);

    public static Task<int> AddSubscriptionAsync(DbConnection connection, DbTransaction transaction, WebhookSubscription subscription, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            "INSERT INTO wf_webhooks (webhook_id, url, events, workflow, secret, description, enabled, created_at) VALUES (@id, @url, @events, @w, @secret, @d, @enabled, @t)",
            cancellationToken,
            ("id", subscription.Id), ("url", subscription.Url), ("events", string.Join(',', subscription.Events)), ("w", subscription.Workflow),
            ("secret", subscription.Secret), ("d", subscription.Description), ("enabled", subscription.Enabled ? 1 : 0), ("t", Millis(subscription.CreatedAt)));

    public static async Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(DbConnection connection, string? id, CancellationToken cancellationToken)
    {
        using DbCommand command = id is null
            ? Command(connection, null, SubscriptionColumns + " ORDER BY created_at, webhook_id")
            : Command(connection, null, SubscriptionColumns + " WHERE webhook_id = @id", ("id", id));
        var subscriptions = new List<WebhookSubscription>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            subscriptions.Add(new WebhookSubscription(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6) == 1,
                FromMillis(reader.GetInt64(7))));
        }

        return subscriptions;
    }

    public static async Task<bool> RemoveSubscriptionAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection, transaction,
            "DELETE FROM wf_webhook_attempts WHERE delivery_id IN (SELECT delivery_id FROM wf_webhook_deliveries WHERE webhook_id = @id)",
            cancellationToken,
            ("id", id)).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "DELETE FROM wf_webhook_deliveries WHERE webhook_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        return await ExecuteAsync(connection, transaction, "DELETE FROM wf_webhooks WHERE webhook_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) == 1;
    }

    /// <summary>Stops delivering to a subscription (the receiver said it is gone): its pending deliveries fail with <paramref name="reason"/>.</summary>
    private static async Task DisableSubscriptionAsync(DbConnection connection, DbTransaction transaction, string id, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "UPDATE wf_webhooks SET enabled = 0 WHERE webhook_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_webhook_deliveries SET status = {(int)WebhookDeliveryStatus.Failed}, lease_owner = NULL, lease_expires = NULL, last_error = @e, finished_at = @t " +
            $"WHERE webhook_id = @id AND status IN ({WebhookPending}, {WebhookSending})",
            cancellationToken,
            ("e", reason), ("t", Millis(now)), ("id", id)).ConfigureAwait(false);
    }

    /// <summary>Takes the changes off the feed and queues their deliveries; false (roll back) if another dispatcher took any of them first.</summary>
    public static async Task<bool> FanOutAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RunChange> changes, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (changes.Count > 0 && await SqlWorkflowStore.DeleteRunChangesAsync(connection, transaction, [.. changes.Select(c => c.Id)], cancellationToken).ConfigureAwait(false) != changes.Count)
        {
            return false;
        }

        long at = Millis(now);
        foreach (NewWebhookDelivery delivery in deliveries)
        {
            await ExecuteAsync(
                connection, transaction,
                "INSERT INTO wf_webhook_deliveries (webhook_id, message_id, topic, run_id, payload, status, attempts, next_attempt_at, created_at) " +
                $"VALUES (@w, @m, @topic, @r, @p, {WebhookPending}, 0, @t, @t)",
                cancellationToken,
                ("w", delivery.SubscriptionId), ("m", delivery.MessageId), ("topic", delivery.Topic), ("r", delivery.RunId), ("p", delivery.Payload), ("t", at)).ConfigureAwait(false);
        }

        return true;
    }

    public static async Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, string dispatcherId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        using (DbCommand find = Command(
            connection, transaction,
            $"SELECT d.delivery_id FROM wf_webhook_deliveries d WHERE d.status IN ({WebhookPending}, {WebhookSending}) " +
            $"AND ((d.status = {WebhookPending} AND d.next_attempt_at <= @now) OR (d.status = {WebhookSending} AND d.lease_expires <= @now)) " +
            $"AND NOT EXISTS (SELECT 1 FROM wf_webhook_deliveries o WHERE o.webhook_id = d.webhook_id AND o.run_id = d.run_id AND o.delivery_id < d.delivery_id AND o.status IN ({WebhookPending}, {WebhookSending})) " +
            $"ORDER BY d.next_attempt_at, d.delivery_id LIMIT @max {dialect.SkipLocked}",
            ("now", Millis(now)), ("max", Math.Clamp(max, 1, 100))))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var taken = new List<WebhookDelivery>(ids.Count);
        foreach (long id in ids)
        {
            await ExecuteAsync(
                connection, transaction,
                $"UPDATE wf_webhook_deliveries SET status = {WebhookSending}, lease_owner = @me, lease_expires = @until, attempts = attempts + 1 WHERE delivery_id = @id",
                cancellationToken,
                ("me", dispatcherId), ("until", Millis(now + lease)), ("id", id)).ConfigureAwait(false);
            taken.AddRange(await ReadWebhookDeliveriesAsync(connection, transaction, " WHERE delivery_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false));
        }

        return taken;
    }

    /// <summary>Gives a delivery back untried (its dispatcher is stopping): due at once, its attempt not counted.</summary>
    public static async Task<bool> ReleaseWebhookDeliveryAsync(DbConnection connection, DbTransaction transaction, long deliveryId, string dispatcherId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_webhook_deliveries SET status = {WebhookPending}, lease_owner = NULL, lease_expires = NULL, attempts = attempts - 1 " +
            $"WHERE delivery_id = @id AND lease_owner = @me AND status = {WebhookSending}",
            cancellationToken,
            ("id", deliveryId), ("me", dispatcherId)).ConfigureAwait(false) == 1;

    public static async Task<DateTimeOffset?> NextWebhookDueAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(
            connection, null,
            $"SELECT MIN(CASE WHEN status = {WebhookPending} THEN next_attempt_at ELSE lease_expires END) FROM wf_webhook_deliveries WHERE status IN ({WebhookPending}, {WebhookSending})");
        object? due = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return due is null or DBNull ? null : FromMillis(Convert.ToInt64(due, CultureInfo.InvariantCulture));
    }

    public static async Task<bool> RecordWebhookAttemptAsync(DbConnection connection, DbTransaction transaction, WebhookAttemptOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        WebhookAttempt attempt = outcome.Attempt;
        bool finished = outcome.Status is WebhookDeliveryStatus.Delivered or WebhookDeliveryStatus.Failed;
        int updated = await ExecuteAsync(
            connection, transaction,
            "UPDATE wf_webhook_deliveries SET status = @s, lease_owner = NULL, lease_expires = NULL, next_attempt_at = @next, last_status_code = @code, last_error = @e, finished_at = @fin " +
            $"WHERE delivery_id = @id AND lease_owner = @me AND status = {WebhookSending}",
            cancellationToken,
            ("s", (int)outcome.Status), ("next", Millis(outcome.RetryAt ?? now)), ("code", attempt.StatusCode), ("e", attempt.Error),
            ("fin", finished ? Millis(now) : null), ("id", outcome.DeliveryId), ("me", outcome.DispatcherId)).ConfigureAwait(false);
        if (updated != 1)
        {
            return false;
        }

        await ExecuteAsync(
            connection, transaction,
            "INSERT INTO wf_webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) VALUES (@id, @n, @t, @code, @e, @ms)",
            cancellationToken,
            ("id", outcome.DeliveryId), ("n", attempt.Attempt), ("t", Millis(attempt.At)), ("code", attempt.StatusCode), ("e", attempt.Error), ("ms", (long)attempt.Duration.TotalMilliseconds)).ConfigureAwait(false);
        if (outcome is { Unsubscribe: { } reason, SubscriptionId: { } subscription })
        {
            // One transaction: whoever sees the delivery failed sees its subscription disabled.
            await DisableSubscriptionAsync(connection, transaction, subscription, reason, now, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public static Task<List<WebhookDelivery>> ListWebhookDeliveriesAsync(DbConnection connection, string subscriptionId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        beforeId is { } before
            ? ReadWebhookDeliveriesAsync(connection, null, " WHERE webhook_id = @w AND delivery_id < @before ORDER BY delivery_id DESC LIMIT @limit", cancellationToken, ("w", subscriptionId), ("before", before), ("limit", Math.Clamp(limit, 1, 500)))
            : ReadWebhookDeliveriesAsync(connection, null, " WHERE webhook_id = @w ORDER BY delivery_id DESC LIMIT @limit", cancellationToken, ("w", subscriptionId), ("limit", Math.Clamp(limit, 1, 500)));

    public static async Task<IReadOnlyList<WebhookAttempt>> ListWebhookAttemptsAsync(DbConnection connection, long deliveryId, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(
            connection, null,
            "SELECT attempt, at, status_code, error, duration_ms FROM wf_webhook_attempts WHERE delivery_id = @id ORDER BY attempt",
            ("id", deliveryId));
        var attempts = new List<WebhookAttempt>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            attempts.Add(new WebhookAttempt(
                deliveryId,
                reader.GetInt32(0),
                FromMillis(reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                TimeSpan.FromMilliseconds(reader.GetInt64(4))));
        }

        return attempts;
    }

    private static async Task<List<WebhookDelivery>> ReadWebhookDeliveriesAsync(DbConnection connection, DbTransaction? transaction, string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, WebhookDeliveryColumns + where, parameters);
        var deliveries = new List<WebhookDelivery>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new WebhookDelivery(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                (WebhookDeliveryStatus)reader.GetInt32(6),
                reader.GetInt32(7),
                FromMillis(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                FromMillis(reader.GetInt64(11)),
                reader.IsDBNull(12) ? null : FromMillis(reader.GetInt64(12))));
        }

        return deliveries;
    }
}
