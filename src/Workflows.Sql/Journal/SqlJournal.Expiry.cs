using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: what time ends, looked at by whichever worker claims next (so it survives restarts and
/// needs no timer process): runs past their deadline, child runs whose parent ended, and waits past
/// their deadline, which resume without an answer.
/// </summary>
internal sealed partial class SqlJournal
{
    private const int Batch = 50;

    /// <summary>Ends what time has ended, before a claim; returns the runs it ended.</summary>
    private async Task<List<RunRecord>> ExpireAsync(DbConnection connection, DbTransaction transaction, ClaimRequest request, CancellationToken cancellationToken)
    {
        var ended = new List<RunRecord>();
        long now = Millis(request.Now);
        if (request.DeadlineFailure is { } timedOut)
        {
            foreach (RunRecord run in await LockRunsAsync(connection, transaction, "r.deadline_at <= @now", ("now", now), cancellationToken, Dialect.IndexedBy("wf_runs_deadline")).ConfigureAwait(false))
            {
                RunFailure failure = timedOut(run);
                await EndRunAsync(connection, transaction, run, new RunCompletion(WorkflowRunStatus.TimedOut, null, null, failure.Message, failure), request.Now, cancellationToken).ConfigureAwait(false);
                ended.Add(run);
            }
        }

        if (request.OrphanFailure is { } orphaned)
        {
            // Driven from the index of child runs (few), never from the statuses (every active run): "status + 0" is no use to
            // that index, which PostgreSQL's planner chose when statistics taken while few runs were active said few are (3 ms a look under load).
            string parentEnded = $"r.parent_run_id IS NOT NULL AND EXISTS (SELECT 1 FROM wf_runs p WHERE p.run_id = r.parent_run_id AND p.status NOT IN {LiveRun})";
            foreach (RunRecord run in await LockRunsAsync(
                connection, transaction, parentEnded, ("now", now), cancellationToken, Dialect.IndexedBy("wf_runs_parent"), status: $"r.status + 0 IN {ActiveRun}").ConfigureAwait(false))
            {
                RunFailure failure = orphaned(run);
                await EndRunAsync(connection, transaction, run, new RunCompletion(WorkflowRunStatus.Cancelled, null, null, failure.Message, failure), request.Now, cancellationToken).ConfigureAwait(false);
                ended.Add(run);
            }
        }

        await ExpireWaitsAsync(connection, transaction, now, cancellationToken).ConfigureAwait(false);
        await ExpireTasksAsync(connection, transaction, now, cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <summary>Active runs matching <paramref name="condition"/> (on alias <c>r</c>), locked for this transaction; rows other workers hold are skipped.</summary>
    /// <remarks>SQLite, without statistics, would read every active run through the status index: <paramref name="indexedBy"/> names a better one.</remarks>
    private async Task<List<RunRecord>> LockRunsAsync(
        DbConnection connection, DbTransaction transaction, string condition, (string, object?) parameter, CancellationToken cancellationToken, string indexedBy = "", string status = $"r.status IN {ActiveRun}")
    {
        var ids = new List<string>();

        // Ordered by an expression no index gives: ordered by run_id, PostgreSQL walked the whole primary key to stop early
        // at the first 50 rows, and read every run when there were none (3–9 ms a look with 4,000 runs), instead of the
        // condition's index and a sort of the few rows it finds.
        using (CachedCommand find = Command(
            connection, transaction,
            IndexedRead($"SELECT r.run_id FROM wf_runs r{indexedBy} WHERE {status} AND {condition} ORDER BY r.run_id || '' LIMIT {Batch} {Dialect.SkipLocked}"),
            parameter))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var runs = new List<RunRecord>(ids.Count);
        foreach (string id in ids)
        {
            runs.Add((await GetRunAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false))!);
        }

        return runs;
    }

    /// <summary>Steps waiting past their deadline get a "no answer" and run again; their runs are running again.</summary>
    private async Task ExpireWaitsAsync(DbConnection connection, DbTransaction transaction, long now, CancellationToken cancellationToken)
    {
        var expired = new List<(long Id, string RunId, string? Answers)>();

        // Driven from the index of waits (few), never from the statuses (every active run): statistics taken while few runs
        // were active made PostgreSQL's planner start from wf_runs_status and look up each run's waits (3–8 ms a look under load).
        using (CachedCommand find = Command(
            connection, transaction,
            IndexedRead(
                $"SELECT d.delivery_id, d.run_id, d.answers FROM wf_deliveries d CROSS JOIN wf_runs r " +
                $"WHERE r.run_id = d.run_id AND d.status = {Waiting} AND d.wait_until <= @now AND r.status + 0 IN {ActiveRun} ORDER BY d.wait_until LIMIT {Batch} {Dialect.ClaimLock}"),
            ("now", now)))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                expired.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        foreach ((long id, string runId, string? answers) in expired)
        {
            List<StoredAnswer> recorded = [.. ParseAnswers(answers), new StoredAnswer(StoredAnswer.NoAnswer, "null")];
            await ExecuteAsync(
                connection, transaction,
                $"UPDATE wf_deliveries SET status = {Pending}, waiting_for = NULL, wait_until = NULL, answers = @a, available_at = @now WHERE delivery_id = @id",
                cancellationToken,
                ("a", JsonSerializer.Serialize(recorded, SqlJson.Default.ListStoredAnswer)), ("now", now), ("id", id)).ConfigureAwait(false);
            RunRecord run = (await GetRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false))!;
            if (run.Status != WorkflowRunStatus.Running)
            {
                await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = 0, updated_at = @t WHERE run_id = @id", cancellationToken, ("t", now), ("id", runId)).ConfigureAwait(false);
                await RecordChangeAsync(connection, transaction, runId, run.Workflow, run.Status, WorkflowRunStatus.Running, FromMillis(now), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>When time next ends something: the soonest deadline of an active run or of a waiting step, or due time of an open task.</summary>
    private static async Task<long?> NextExpiryAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        using CachedCommand next = Command(
            connection, transaction,
            $"SELECT MIN(due) FROM (SELECT MIN(deadline_at) AS due FROM wf_runs WHERE deadline_at IS NOT NULL AND status IN {ActiveRun} " +
            // A suspended run's waits come due only once it is resumed.
            $"UNION ALL SELECT MIN(d.wait_until) AS due FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id WHERE d.status = {Waiting} AND d.wait_until IS NOT NULL AND r.status IN {ActiveRun} " +
            $"UNION ALL SELECT MIN(t.due_at) AS due FROM wf_tasks t JOIN wf_runs r ON r.run_id = t.run_id WHERE t.status = {OpenTask} AND t.escalated_at IS NULL AND t.due_at IS NOT NULL AND r.status IN {ActiveRun}) due_times");
        object? soonest = await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return soonest is null or DBNull ? null : Convert.ToInt64(soonest, CultureInfo.InvariantCulture);
    }
}
