namespace Workflows.Sql;

/// <summary>
/// What differs between the databases the journal runs on: the journal's schema in the database's
/// types, how rows are locked, and the type names a module (webhooks, say) needs for tables of its own.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int SchemaVersion = 14;

    /// <summary>The tables each schema version adds: what a store of that version must have.</summary>
    internal static readonly IReadOnlyList<IReadOnlyList<string>> TablesByVersion =
    [
        ["wf_meta", "wf_runs", "wf_events", "wf_deliveries", "wf_state"],
        ["wf_run_changes"],
        [],
        [],
        ["wf_run_tags"],
        ["wf_schedules"],
        [],
        [],
        [],
        [],
        [],
        ["wf_tasks", "wf_task_assignees"],
        [],
        [],
    ];

    /// <summary>
    /// The schema, one list of statements per version: <c>Schema[0]</c> creates version 1 in an
    /// empty database, <c>Schema[n]</c> brings version n to n + 1. Never edit a released step: add one.
    /// </summary>
    public abstract IReadOnlyList<IReadOnlyList<string>> Schema { get; }

    /// <summary>A column type for 64-bit integers (<c>INTEGER</c>, <c>BIGINT</c>).</summary>
    public abstract string BigInt { get; }

    /// <summary>A 64-bit primary key the database numbers itself, with its type (<c>INTEGER PRIMARY KEY AUTOINCREMENT</c>, <c>BIGSERIAL PRIMARY KEY</c>).</summary>
    public abstract string AutoIncrementKey { get; }

    /// <summary>Appended to the claim query's SELECT to lock the row and skip rows others locked (PostgreSQL: <c>FOR UPDATE OF d SKIP LOCKED</c>).</summary>
    public virtual string ClaimLock => string.Empty;

    /// <summary>Appended to reading a run inside a write transaction, to serialize writers per run (PostgreSQL: <c>FOR UPDATE</c>).</summary>
    public virtual string RunLock => string.Empty;

    /// <summary>Appended to a SELECT of rows to take: lock them and skip rows others locked (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>).</summary>
    public virtual string SkipLocked => string.Empty;

    /// <summary>
    /// A statement that takes a named lock for the rest of the transaction without waiting, returning
    /// whether it got it (parameter <c>@lock</c>), so claims of one queue take turns across processes;
    /// <see langword="null"/> where writers already take turns (SQLite).
    /// </summary>
    public virtual string? QueueLock => null;

    /// <summary>
    /// Follows a table name in a FROM clause to read it through <paramref name="index"/>, where the database
    /// would otherwise choose a worse one without statistics (SQLite: <c>INDEXED BY</c>); empty where the
    /// planner knows better (PostgreSQL).
    /// </summary>
    /// <param name="index">The index's name.</param>
    /// <returns>The clause, with a leading space, or an empty string.</returns>
    public virtual string IndexedBy(string index) => string.Empty;

    /// <summary>
    /// A statement run just before a query that must read its rows in an index's order and stop at its <c>LIMIT</c> (a
    /// claim's pick), so the planner cannot sort every matching row instead when statistics taken while few rows matched
    /// say few do (PostgreSQL: <c>SET LOCAL enable_sort = off</c>); <see langword="null"/> where the query's own form keeps the order (SQLite).
    /// </summary>
    public virtual string? BeforeOrderedRead => null;

    /// <summary>The statement that undoes <see cref="BeforeOrderedRead"/> for the rest of the transaction (PostgreSQL: <c>SET LOCAL enable_sort = DEFAULT</c>).</summary>
    public virtual string? AfterOrderedRead => null;

    /// <summary>
    /// A statement run just before a scan that must read its table through the small partial index it is written for
    /// (the expiry scans: runs past a deadline, children of ended runs, waits past their time; the look for the soonest due delivery), so that without
    /// statistics (a new table, or one not yet analyzed after it grew) the planner cannot read the whole table instead
    /// (PostgreSQL: <c>SET LOCAL enable_seqscan = off</c>); <see langword="null"/> where <see cref="IndexedBy"/> names the index (SQLite).
    /// </summary>
    public virtual string? BeforeIndexedRead => null;

    /// <summary>The statement that undoes <see cref="BeforeIndexedRead"/> for the rest of the transaction (PostgreSQL: <c>SET LOCAL enable_seqscan = DEFAULT</c>).</summary>
    public virtual string? AfterIndexedRead => null;

    /// <summary>A statement that makes schema changes of concurrent processes take turns, run first in their transaction (none where writers already take turns).</summary>
    public virtual string? SchemaLock => null;
}
