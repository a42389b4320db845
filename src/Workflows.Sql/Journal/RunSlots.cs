using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// One claim's view of the limits on runs in progress per workflow: a queued run starts (takes a
/// slot) only while fewer than its workflow's limit of top-level runs are running, waiting for input
/// or suspended after they started — counted once per claim under the workflow's lock, then kept up to date as this
/// claim starts more.
/// </summary>
/// <param name="request">The claim.</param>
/// <param name="filter">The claim's condition on the runs this worker can run (alias <c>r</c>).</param>
/// <param name="filterParameters">Its parameters, with <c>@now</c>.</param>
internal sealed class RunSlots(ClaimRequest request, string filter, List<(string, object?)> filterParameters)
{
    private const int Queued = (int)WorkflowRunStatus.Queued;

    // Runs that hold a slot: started and not ended. A suspended run keeps its slot if it had started (a step of
    // it ran); a queued one has none yet.
    private const string InProgress =
        "(r.status IN (0, 5) OR (r.status = 6 AND EXISTS (SELECT 1 FROM wf_deliveries d WHERE d.run_id = r.run_id AND d.executions > 0)))";

    private readonly Dictionary<string, long?> _inProgress = new(StringComparer.Ordinal);

    /// <summary>The workflows this claim found at their limits, or being started by another process.</summary>
    public HashSet<string> Blocked { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the queued run may start now; if so it is started (status running, its timeout counted
    /// from now) and counted. A workflow without a limit here starts its queued runs at once.
    /// </summary>
    public async Task<bool> TryStartAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, PickedDelivery delivery, CancellationToken cancellationToken)
    {
        string runId = delivery.RunId, workflow = delivery.Workflow;
        if (request.RunLimits.TryGetValue(workflow, out int limit))
        {
            if (!_inProgress.TryGetValue(workflow, out long? running))
            {
                running = await CountAsync(journal, connection, transaction, workflow, cancellationToken).ConfigureAwait(false);
                _inProgress[workflow] = running;
            }

            // Only where claims run side by side (the dialect has a named lock for them): with one writer (SQLite)
            // every claim sees every row, so the pick is already in order.
            if (running is not { } count || count >= limit
                || (journal.Dialect.QueueLock is not null && await OlderQueuedRunAsync(connection, transaction, delivery, cancellationToken).ConfigureAwait(false)))
            {
                Blocked.Add(workflow);
                return false;
            }

            _inProgress[workflow] = count + 1;
        }

        long now = SqlCommands.Millis(request.Now);
        using CachedCommand start = StatementCache.Rent(
            connection, transaction,
            $"UPDATE wf_runs SET status = 0, deadline_at = CASE WHEN timeout_ms IS NULL THEN NULL ELSE @now + timeout_ms END, updated_at = @now WHERE run_id = @id AND status = {Queued}",
            ("now", now), ("id", runId));
        await start.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await SqlJournal.RecordChangeAsync(connection, transaction, runId, workflow, WorkflowRunStatus.Queued, WorkflowRunStatus.Running, request.Now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Whether a queued run of the workflow that should start before this one (higher priority, or due
    /// earlier) is due and claimable here. Claims skip rows another claim holds, so the pick may have
    /// passed over an older run that a claim which could not take the workflow's lock still held: under
    /// the lock, this look sees it, and the slot waits for it (the next claim takes it) — runs start in order.
    /// </summary>
    private async Task<bool> OlderQueuedRunAsync(DbConnection connection, DbTransaction transaction, PickedDelivery delivery, CancellationToken cancellationToken)
    {
        using CachedCommand older = StatementCache.Rent(
            connection, transaction,
            $"SELECT 1 FROM wf_deliveries d CROSS JOIN wf_runs r WHERE r.run_id = d.run_id AND d.status = {(int)DeliveryStatus.Pending} AND d.available_at <= @now " +
            $"AND r.status = {Queued} AND r.parent_run_id IS NULL AND r.workflow = @ow AND ({filter}) " +
            "AND (d.priority > @op OR (d.priority = @op AND (d.available_at < @oa OR (d.available_at = @oa AND d.delivery_id < @oid)))) LIMIT 1",
            [.. filterParameters, ("ow", delivery.Workflow), ("op", delivery.Priority), ("oa", delivery.AvailableAt), ("oid", delivery.Id)]);
        return await older.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The workflow's runs in progress; <see langword="null"/> when another process is starting its runs right now (it gets its turn at the next look).</summary>
    private static async Task<long?> CountAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, string workflow, CancellationToken cancellationToken)
    {
        if (journal.Dialect.QueueLock is { } runLock)
        {
            using CachedCommand take = StatementCache.Rent(connection, transaction, runLock, ("lock", "wf_runs:" + workflow));
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        using CachedCommand count = StatementCache.Rent(
            connection, transaction,
            $"SELECT COUNT(*) FROM wf_runs r WHERE r.workflow = @w AND r.parent_run_id IS NULL AND {InProgress}",
            ("w", workflow));
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
