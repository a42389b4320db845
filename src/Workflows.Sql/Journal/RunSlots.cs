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
internal sealed class RunSlots(ClaimRequest request)
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
    public async Task<bool> TryStartAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, string runId, string workflow, CancellationToken cancellationToken)
    {
        if (request.RunLimits.TryGetValue(workflow, out int limit))
        {
            if (!_inProgress.TryGetValue(workflow, out long? running))
            {
                running = await CountAsync(journal, connection, transaction, workflow, cancellationToken).ConfigureAwait(false);
                _inProgress[workflow] = running;
            }

            if (running is not { } count || count >= limit)
            {
                Blocked.Add(workflow);
                return false;
            }

            _inProgress[workflow] = count + 1;
        }

        long now = SqlCommands.Millis(request.Now);
        using DbCommand start = SqlCommands.Create(
            connection, transaction,
            $"UPDATE wf_runs SET status = 0, deadline_at = CASE WHEN timeout_ms IS NULL THEN NULL ELSE @now + timeout_ms END, updated_at = @now WHERE run_id = @id AND status = {Queued}",
            ("now", now), ("id", runId));
        await start.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await SqlJournal.RecordChangeAsync(connection, transaction, runId, workflow, WorkflowRunStatus.Queued, WorkflowRunStatus.Running, request.Now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The workflow's runs in progress; <see langword="null"/> when another process is starting its runs right now (it gets its turn at the next look).</summary>
    private static async Task<long?> CountAsync(SqlJournal journal, DbConnection connection, DbTransaction transaction, string workflow, CancellationToken cancellationToken)
    {
        if (journal.Dialect.QueueLock is { } runLock)
        {
            using DbCommand take = SqlCommands.Create(connection, transaction, runLock, ("lock", "wf_runs:" + workflow));
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        using DbCommand count = SqlCommands.Create(
            connection, transaction,
            $"SELECT COUNT(*) FROM wf_runs r WHERE r.workflow = @w AND r.parent_run_id IS NULL AND {InProgress}",
            ("w", workflow));
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
