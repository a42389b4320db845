namespace Workflows.Durable.Sql;

/// <summary>What differs between the databases the journal runs on.</summary>
internal abstract class SqlDialect
{
    /// <summary>
    /// The schema, one list of statements per version: <c>Schema[0]</c> creates version 1 in an
    /// empty database, <c>Schema[n]</c> brings version n to n + 1. Never edit a released step: add one.
    /// </summary>
    public abstract IReadOnlyList<IReadOnlyList<string>> Schema { get; }

    /// <summary>Appended to the claim query's SELECT to lock the row and skip rows others locked (PostgreSQL: <c>FOR UPDATE OF d SKIP LOCKED</c>).</summary>
    public virtual string ClaimLock => string.Empty;

    /// <summary>Appended to reading a run inside a write transaction, to serialize writers per run (PostgreSQL: <c>FOR UPDATE</c>).</summary>
    public virtual string RunLock => string.Empty;

    /// <summary>Appended to a SELECT of rows to take: lock them and skip rows others locked (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>).</summary>
    public virtual string SkipLocked => string.Empty;

    /// <summary>The tables each schema version adds.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> TablesByVersion =
    [
        ["wf_meta", "wf_runs", "wf_events", "wf_deliveries", "wf_state"],
        ["wf_run_changes", "wf_webhooks", "wf_webhook_deliveries", "wf_webhook_attempts"],
    ];

    /// <summary>The schema version this build reads and writes.</summary>
    public const int SchemaVersion = 2;
}
