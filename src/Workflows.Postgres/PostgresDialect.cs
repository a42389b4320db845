using Workflows.Sql;

namespace Workflows.Postgres;

/// <summary>The journal's schema in PostgreSQL; claims skip rows other workers have locked, commits lock their run's row.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    public override IReadOnlyList<IReadOnlyList<string>> Schema { get; } =
    [
        [
            "CREATE TABLE wf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE wf_runs (
                run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, fingerprint TEXT NOT NULL, shape TEXT NOT NULL,
                status INTEGER NOT NULL, idempotency_key TEXT NULL, result_type TEXT NULL, result_payload TEXT NULL, error TEXT NULL,
                next_seq BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX wf_runs_idempotency ON wf_runs (workflow, idempotency_key) WHERE idempotency_key IS NOT NULL",
            "CREATE INDEX wf_runs_status ON wf_runs (status, created_at)",
            """
            CREATE TABLE wf_events (
                event_id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, seq BIGINT NOT NULL, kind INTEGER NOT NULL,
                type TEXT NOT NULL, payload TEXT NOT NULL, producer TEXT NULL, created_at BIGINT NOT NULL, UNIQUE (run_id, seq))
            """,
            """
            CREATE TABLE wf_deliveries (
                delivery_id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, step INTEGER NOT NULL, step_name TEXT NOT NULL,
                workers INTEGER NOT NULL, event_id BIGINT NOT NULL, status INTEGER NOT NULL, attempt INTEGER NOT NULL, executions INTEGER NOT NULL,
                available_at BIGINT NOT NULL, lease_owner TEXT NULL, lease_expires BIGINT NULL, waiting_for TEXT NULL, answers TEXT NULL,
                prompted INTEGER NOT NULL, error TEXT NULL, worker TEXT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX wf_deliveries_active ON wf_deliveries (available_at, delivery_id) WHERE status IN (0, 1)",
            "CREATE INDEX wf_deliveries_run ON wf_deliveries (run_id, step, status)",
            "CREATE TABLE wf_state (run_id TEXT NOT NULL, key TEXT NOT NULL, version BIGINT NOT NULL, type TEXT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key))",
        ],
        // Version 2 also created the webhook tables; they now belong to the webhook module
        // (Workflows.Server), which creates them if missing, so this step makes only the feed.
        [
            "CREATE TABLE wf_run_changes (change_id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, workflow TEXT NOT NULL, from_status INTEGER NOT NULL, to_status INTEGER NOT NULL, at BIGINT NOT NULL, seq BIGINT NOT NULL)",
        ],
        [
            "ALTER TABLE wf_runs ADD COLUMN failure TEXT NULL",
        ],
        [
            "ALTER TABLE wf_runs ADD COLUMN parent_run_id TEXT NULL",
            "ALTER TABLE wf_runs ADD COLUMN parent_delivery_id BIGINT NULL",
            "ALTER TABLE wf_runs ADD COLUMN trace_parent TEXT NULL",
            "ALTER TABLE wf_runs ADD COLUMN deadline_at BIGINT NULL",
            "ALTER TABLE wf_runs ADD COLUMN timeout_ms BIGINT NULL",
            "ALTER TABLE wf_runs ADD COLUMN open_questions INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE wf_deliveries ADD COLUMN wait_until BIGINT NULL",
            "CREATE INDEX wf_runs_parent ON wf_runs (parent_run_id) WHERE parent_run_id IS NOT NULL",
            "CREATE INDEX wf_runs_deadline ON wf_runs (deadline_at) WHERE deadline_at IS NOT NULL AND status IN (0, 5)",
            "CREATE INDEX wf_deliveries_wait_until ON wf_deliveries (wait_until) WHERE status = 2 AND wait_until IS NOT NULL",
        ],
        [
            "ALTER TABLE wf_runs ADD COLUMN failed_delivery_id BIGINT NULL",
            "CREATE TABLE wf_run_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key))",
            "CREATE INDEX wf_run_tags_value ON wf_run_tags (key, value)",
            "CREATE INDEX wf_runs_finished ON wf_runs (updated_at) WHERE status IN (1, 2, 3, 4)",
            "CREATE INDEX wf_runs_created ON wf_runs (created_at)",
        ],
        [
            """
            CREATE TABLE wf_schedules (
                schedule_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, spec TEXT NOT NULL, start_type TEXT NOT NULL, start_payload TEXT NOT NULL,
                paused INTEGER NOT NULL, next_due BIGINT NULL, last_run_id TEXT NULL, buffered_at BIGINT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX wf_schedules_due ON wf_schedules (next_due) WHERE paused = 0",
        ],
        [
            "ALTER TABLE wf_deliveries ADD COLUMN queue TEXT NULL",
            "ALTER TABLE wf_deliveries ADD COLUMN started_at BIGINT NULL",
            "ALTER TABLE wf_runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE wf_runs ADD COLUMN partition_key TEXT NULL",
            "CREATE INDEX wf_deliveries_queue ON wf_deliveries (queue, status) WHERE queue IS NOT NULL",
            "CREATE INDEX wf_deliveries_queue_started ON wf_deliveries (queue, started_at) WHERE queue IS NOT NULL",
        ],
        [
            // Runs in progress per workflow, counted when a queued run asks for a slot.
            "CREATE INDEX wf_runs_workflow_status ON wf_runs (workflow, status) WHERE parent_run_id IS NULL",
        ],
        [
            // Results of ctx.OnceAsync, per delivery: what a step gets back instead of doing the work again.
            "ALTER TABLE wf_deliveries ADD COLUMN recorded TEXT NULL",
        ],
        [
            // A title for people, shown in run lists and searched.
            "ALTER TABLE wf_runs ADD COLUMN title TEXT NULL",
        ],
        [
            // Claims take due deliveries in this index's order and stop at their limit, instead of sorting every active delivery
            // by its run's priority: each delivery keeps a copy of its run's priority (fixed when the run starts).
            "ALTER TABLE wf_deliveries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "UPDATE wf_deliveries SET priority = (SELECT r.priority FROM wf_runs r WHERE r.run_id = wf_deliveries.run_id) WHERE status IN (0, 1, 2)",
            "CREATE INDEX wf_deliveries_due ON wf_deliveries (priority DESC, available_at, delivery_id) WHERE status IN (0, 1)",
        ],
        [
            // Questions as tasks people work from: who may answer, who is on it, by when, and how it ended.
            """
            CREATE TABLE wf_tasks (
                task_id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, workflow TEXT NOT NULL, step TEXT NOT NULL, delivery_id BIGINT NOT NULL,
                prompt_seq BIGINT NOT NULL, prompt_type TEXT NOT NULL, title TEXT NOT NULL, priority INTEGER NOT NULL, due_at BIGINT NULL,
                status INTEGER NOT NULL, claimed_by TEXT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, closed_at BIGINT NULL,
                completed_by TEXT NULL, escalated_at BIGINT NULL, overdue_type TEXT NULL, overdue_payload TEXT NULL, overdue_deliveries TEXT NULL)
            """,
            "CREATE INDEX wf_tasks_run ON wf_tasks (run_id, task_id)",
            "CREATE INDEX wf_tasks_open ON wf_tasks (created_at) WHERE status = 0",
            "CREATE INDEX wf_tasks_due ON wf_tasks (due_at) WHERE status = 0 AND escalated_at IS NULL AND due_at IS NOT NULL",
            // Who may answer: users (kind 0) and roles (kind 1), so an inbox finds a person's tasks through an index.
            "CREATE TABLE wf_task_assignees (task_id BIGINT NOT NULL, kind INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (task_id, kind, name))",
            "CREATE INDEX wf_task_assignees_name ON wf_task_assignees (kind, name)",
            // A task's changes go to the run-change feed too (for webhooks): which task, and what happened to it.
            "ALTER TABLE wf_run_changes ADD COLUMN task_id BIGINT NULL",
            "ALTER TABLE wf_run_changes ADD COLUMN task_change TEXT NULL",
        ],
        [
            // Where an event stands among fan-outs, so a join gathers the items of one fan-out (see Rules.Lineage).
            "ALTER TABLE wf_events ADD COLUMN lineage TEXT NULL",
        ],
        [
            // When a run ended, apart from when it last changed: retention and purges find ended runs by it. Keeping
            // updated_at out of every index lets a step's commit, which changes only updated_at and next_seq, update
            // the run's row in place (a heap-only update on PostgreSQL: no index entry written, less WAL).
            "ALTER TABLE wf_runs ADD COLUMN finished_at BIGINT NULL",
            "UPDATE wf_runs SET finished_at = updated_at WHERE status IN (1, 2, 3, 4)",
            "DROP INDEX wf_runs_finished",
            "CREATE INDEX wf_runs_finished ON wf_runs (finished_at) WHERE status IN (1, 2, 3, 4)",
            // Room on each page for a run's next versions: an update in place needs it (rows are ~0.9 KB, mostly the shape).
            "ALTER TABLE wf_runs SET (fillfactor = 70)",
        ],
    ];

    public override string BigInt => "BIGINT";

    public override string AutoIncrementKey => "BIGSERIAL PRIMARY KEY";

    // Two processes starting at once must not both change the schema.
    public override string? SchemaLock => "SELECT pg_advisory_xact_lock(7720261121)";

    // Locks the delivery and its run together, skipping both if another worker holds either: a claim
    // never waits, so it can never deadlock with a commit (which locks the run, then its deliveries).
    public override string ClaimLock => "FOR UPDATE OF d, r SKIP LOCKED";

    public override string RunLock => "FOR UPDATE";

    /// <inheritdoc/>
    /// <remarks>
    /// Without it, a burst of work arriving after the tables were analyzed while idle (or in their first minute, before any
    /// statistics) made every claim sort all 2,000 due deliveries to take 8: 5–9 ms a claim, against a fraction of one in index order.
    /// </remarks>
    public override string? BeforeOrderedRead => "SET LOCAL enable_sort = off";

    /// <inheritdoc/>
    public override string? AfterOrderedRead => "SET LOCAL enable_sort = DEFAULT";

    /// <inheritdoc/>
    /// <remarks>
    /// In a new database, before its first statistics, every look for children of ended runs read all of <c>wf_runs</c>
    /// (4–8 ms a look with 8,000 runs, once a second per worker) instead of the index of child runs, which is empty here.
    /// </remarks>
    public override string? BeforeIndexedRead => "SET LOCAL enable_seqscan = off";

    /// <inheritdoc/>
    public override string? AfterIndexedRead => "SET LOCAL enable_seqscan = DEFAULT";

    // Never waits: a claim that finds another claiming the same queue leaves that queue for its next look.
    public override string? QueueLock => "SELECT pg_try_advisory_xact_lock(hashtext(@lock))";

    public override string SkipLocked => "FOR UPDATE SKIP LOCKED";
}
