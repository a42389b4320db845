using System.Data.Common;
using System.Text.Json;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: an operator's controls of a run (suspend, resume, retry, cancel), each applied and
/// journaled in one transaction under the run's lock, so two operators (or an operator and a worker)
/// acting at once never leave a run half changed.
/// </summary>
internal sealed partial class SqlJournal
{
    private const int Suspended = (int)WorkflowRunStatus.Suspended;

    public async Task<RunControlResult> ControlRunAsync(DbConnection connection, DbTransaction transaction, RunControlRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? run = await GetRunAsync(connection, transaction, request.RunId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        if (run is null)
        {
            return new RunControlResult(false, null);
        }

        switch (request.Control)
        {
            case RunControl.Suspend when run.Status is WorkflowRunStatus.Running or WorkflowRunStatus.WaitingForInput or WorkflowRunStatus.Queued:
                await SetStatusAsync(connection, transaction, run, WorkflowRunStatus.Suspended, now, cancellationToken).ConfigureAwait(false);
                await JournalControlAsync(connection, transaction, run, RunControlEntry.Suspended, new RunControlEntry(request.RequestedBy, run.Status), now, cancellationToken).ConfigureAwait(false);
                break;
            case RunControl.Resume when run.Status == WorkflowRunStatus.Suspended:
                await JournalControlAsync(connection, transaction, run, RunControlEntry.Resumed, new RunControlEntry(request.RequestedBy, run.Status), now, cancellationToken).ConfigureAwait(false);

                // A run suspended before it started queues for a slot again; any other runs or waits for input, as what
                // is left says (answers that came while it was suspended are pending already).
                if (run.ParentRunId is null && !await HasStartedAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false))
                {
                    await SetStatusAsync(connection, transaction, run, WorkflowRunStatus.Queued, now, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await UpdateRunStatusAsync(connection, transaction, run, null, now, cancellationToken, resuming: true).ConfigureAwait(false);
                }

                break;
            case RunControl.Retry when run.Status == WorkflowRunStatus.Failed:
                if (await FailedDeliveryAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false) is not { } failed)
                {
                    return new RunControlResult(false, run) { NothingToRetry = true };
                }

                await RetryAsync(connection, transaction, run, failed.Id, now, cancellationToken).ConfigureAwait(false);
                await ReopenTasksAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false);
                await JournalControlAsync(connection, transaction, run, RunControlEntry.Retried, new RunControlEntry(request.RequestedBy, run.Status, failed.Step, failed.Id), now, cancellationToken).ConfigureAwait(false);
                break;
            default:
                return new RunControlResult(false, run);
        }

        return new RunControlResult(true, await GetRunAsync(connection, transaction, run.RunId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether any delivery of the run was ever claimed: a run suspended while queued has none.</summary>
    private static async Task<bool> HasStartedAsync(DbConnection connection, DbTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        using CachedCommand find = Command(connection, transaction, "SELECT COUNT(*) FROM wf_deliveries WHERE run_id = @id AND executions > 0", ("id", run.RunId));
        return Convert.ToInt64(await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>
    /// The delivery whose failure ended the run: the one recorded when it failed, or, for a run that
    /// failed before that was recorded, its last failed delivery of the step its failure names. None
    /// when no step's failure ended it (it stalled, or an event reached no step).
    /// </summary>
    private static async Task<(long Id, string Step)?> FailedDeliveryAsync(DbConnection connection, DbTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        using CachedCommand find = Command(
            connection, transaction,
            $"SELECT d.delivery_id, d.step_name FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id " +
            $"WHERE d.run_id = @id AND d.status = {(int)DeliveryStatus.Failed} AND (d.delivery_id = r.failed_delivery_id OR (r.failed_delivery_id IS NULL AND d.step_name = @step)) " +
            "ORDER BY d.delivery_id DESC LIMIT 1",
            ("id", run.RunId), ("step", run.Failure?.Step ?? string.Empty));
        using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// The failed delivery is due again at its first attempt, and the deliveries the failure cancelled
    /// (pending, running or waiting when the run ended) are back where they were; the run's outcome is cleared.
    /// </summary>
    private static async Task RetryAsync(DbConnection connection, DbTransaction transaction, RunRecord run, long deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long at = Millis(now);
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Pending}, attempt = 1, available_at = @now, lease_owner = NULL, lease_expires = NULL, error = NULL WHERE delivery_id = @d",
            cancellationToken,
            ("now", at), ("d", deliveryId)).ConfigureAwait(false);
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = CASE WHEN waiting_for IS NULL THEN {Pending} ELSE {Waiting} END, available_at = CASE WHEN available_at < @now THEN @now ELSE available_at END " +
            $"WHERE run_id = @id AND status = {(int)DeliveryStatus.Cancelled}",
            cancellationToken,
            ("now", at), ("id", run.RunId)).ConfigureAwait(false);

        // A top-level run gave up its slot when it failed: it queues for one again (a claim starts it at once when its workflow has no limit).
        WorkflowRunStatus status = run.ParentRunId is null ? WorkflowRunStatus.Queued : WorkflowRunStatus.Running;
        await ExecuteAsync(
            connection, transaction,
            "UPDATE wf_runs SET status = @s, result_type = NULL, result_payload = NULL, error = NULL, failure = NULL, failed_delivery_id = NULL, updated_at = @t, finished_at = NULL WHERE run_id = @id",
            cancellationToken,
            ("s", (int)status), ("t", at), ("id", run.RunId)).ConfigureAwait(false);
        await RecordChangeAsync(connection, transaction, run.RunId, run.Workflow, run.Status, status, now, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SetStatusAsync(DbConnection connection, DbTransaction transaction, RunRecord run, WorkflowRunStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = @s, updated_at = @t WHERE run_id = @id", cancellationToken, ("s", (int)status), ("t", Millis(now)), ("id", run.RunId)).ConfigureAwait(false);
        await RecordChangeAsync(connection, transaction, run.RunId, run.Workflow, run.Status, status, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records who controlled the run, and how, in its journal.</summary>
    private static Task<long> JournalControlAsync(DbConnection connection, DbTransaction transaction, RunRecord run, string type, RunControlEntry entry, DateTimeOffset now, CancellationToken cancellationToken) =>
        AppendEventsAsync(
            connection, transaction, run.RunId,
            [new NewEvent(EventRecordKind.Control, type, JsonSerializer.Serialize(entry, ControlJson.Default.RunControlEntry), null, [])],
            now, cancellationToken);
}
