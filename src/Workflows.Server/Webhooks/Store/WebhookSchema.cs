using Workflows.Sql;

namespace Workflows.Server.Webhooks.Store;

/// <summary>
/// The webhook outbox's tables, kept in the run store's database so a run's change and its
/// notification commit together. Versioned on their own (module "webhooks"); version 1 creates them
/// if missing, because stores of journal schema version 2 already have them.
/// </summary>
internal static class WebhookSchema
{
    public const string Module = "webhooks";

    /// <summary>What a purge of run <c>@run</c> deletes: its webhook deliveries that are no longer being sent, and their attempts.</summary>
    public static readonly IReadOnlyList<string> RunCleanups =
    [
        "DELETE FROM wf_webhook_attempts WHERE delivery_id IN (SELECT delivery_id FROM wf_webhook_deliveries WHERE run_id = @run AND status NOT IN (0, 1))",
        "DELETE FROM wf_webhook_deliveries WHERE run_id = @run AND status NOT IN (0, 1)",
    ];

    public static IReadOnlyList<IReadOnlyList<string>> Steps(SqlDialect dialect) =>
    [
        [
            $"CREATE TABLE IF NOT EXISTS wf_webhooks (webhook_id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, workflow TEXT NULL, secret TEXT NOT NULL, description TEXT NULL, enabled INTEGER NOT NULL, created_at {dialect.BigInt} NOT NULL)",
            $"""
            CREATE TABLE IF NOT EXISTS wf_webhook_deliveries (
                delivery_id {dialect.AutoIncrementKey}, webhook_id TEXT NOT NULL, message_id TEXT NOT NULL, topic TEXT NOT NULL, run_id TEXT NOT NULL,
                payload TEXT NOT NULL, status INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_at {dialect.BigInt} NOT NULL, lease_owner TEXT NULL, lease_expires {dialect.BigInt} NULL,
                last_status_code INTEGER NULL, last_error TEXT NULL, created_at {dialect.BigInt} NOT NULL, finished_at {dialect.BigInt} NULL)
            """,
            "CREATE INDEX IF NOT EXISTS wf_webhook_deliveries_due ON wf_webhook_deliveries (next_attempt_at, delivery_id) WHERE status IN (0, 1)",
            "CREATE INDEX IF NOT EXISTS wf_webhook_deliveries_log ON wf_webhook_deliveries (webhook_id, delivery_id)",
            "CREATE INDEX IF NOT EXISTS wf_webhook_deliveries_order ON wf_webhook_deliveries (webhook_id, run_id, delivery_id) WHERE status IN (0, 1)",
            $"CREATE TABLE IF NOT EXISTS wf_webhook_attempts (delivery_id {dialect.BigInt} NOT NULL, attempt INTEGER NOT NULL, at {dialect.BigInt} NOT NULL, status_code INTEGER NULL, error TEXT NULL, duration_ms {dialect.BigInt} NOT NULL, PRIMARY KEY (delivery_id, attempt))",
        ],
    ];
}
