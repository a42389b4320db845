namespace Workflows.Durable.Sql;

/// <summary>What differs between the databases the journal runs on.</summary>
internal abstract class SqlDialect
{
    /// <summary>The statements that create the schema in an empty database, in order.</summary>
    public abstract IReadOnlyList<string> CreateSchema { get; }

    /// <summary>Appended to the claim query's SELECT to lock the row and skip rows others locked (PostgreSQL: <c>FOR UPDATE OF d SKIP LOCKED</c>).</summary>
    public virtual string ClaimLock => string.Empty;

    /// <summary>Appended to reading a run inside a write transaction, to serialize writers per run (PostgreSQL: <c>FOR UPDATE</c>).</summary>
    public virtual string RunLock => string.Empty;

    /// <summary>The names of the tables a Workflows store has.</summary>
    public static readonly IReadOnlyList<string> Tables = ["wf_meta", "wf_runs", "wf_events", "wf_deliveries", "wf_state"];

    /// <summary>The schema version this build reads and writes.</summary>
    public const int SchemaVersion = 1;
}
