using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: a commit handing the run's next delivery to the worker that committed, under its lease
/// and in the same transaction, when that delivery is all the run has to do next — no claim needed.
/// </summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// Which of the commit's events carries the one delivery the worker may take with the commit: the
    /// worker asked, and the commit makes exactly one delivery, due now, through no queue, with no
    /// question, child run or run end beside it. The caller hands it over only if the run's new status
    /// then says the run runs and this delivery is all it has active. <see langword="null"/> when none.
    /// </summary>
    private static int? HandOverEvent(DeliveryCommit commit, DateTimeOffset now)
    {
        if (commit.NextLease is null || commit.Completion is not null || commit.ChildRun is not null || commit.QuestionsAsked > 0)
        {
            return null;
        }

        int? found = null;
        for (int i = 0; i < commit.Events.Count; i++)
        {
            NewEvent ev = commit.Events[i];
            if (ev.Question is not null)
            {
                return null;
            }

            if (ev.Deliveries.Count == 0)
            {
                continue;
            }

            if (found is not null || ev.Deliveries.Count > 1 || ev.Deliveries[0] is { Queue: not null } || ev.Deliveries[0].AvailableAt > now)
            {
                return null;
            }

            found = i;
        }

        return found;
    }

    /// <summary>
    /// The delivery a commit hands to its worker: inserted under the worker's lease (no claim needed),
    /// its ids read back by the insert itself.
    /// </summary>
    internal sealed class HandOver(int index, string workerId, long leaseUntil)
    {
        /// <summary>Which of the commit's events carries it.</summary>
        public int Index => index;

        public string WorkerId => workerId;

        public long LeaseUntil => leaseUntil;

        public long DeliveryId { get; set; }

        public long EventId { get; set; }

        /// <summary>Reads the ids its insert returned, where <paramref name="reader"/> stands.</summary>
        public async Task ReadIdsAsync(DbDataReader reader, string runId, CancellationToken cancellationToken)
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Inserting the delivery handed over in run '{runId}' returned no row.");
            }

            DeliveryId = reader.GetInt64(0);
            EventId = reader.GetInt64(1);
        }

        /// <summary>It, as a claim would have returned it; <paramref name="sequence"/> is the commit's first event's.</summary>
        public ClaimedDelivery Claimed(DeliveryCommit commit, RunRecord run, long sequence, DateTimeOffset now)
        {
            NewEvent ev = commit.Events[index];
            var stored = new StoredEvent(EventId, run.RunId, sequence + index, ev.Kind, ev.Type, ev.Payload, ev.Producer, FromMillis(Millis(now))) { Lineage = ev.Lineage };
            return new ClaimedDelivery(DeliveryId, run, ev.Deliveries[0].Step, 1, stored, [], 0) { AvailableAt = ev.Deliveries[0].AvailableAt };
        }
    }

    /// <summary>An event and its one delivery, inserted under the committing worker's lease; reads back both ids.</summary>
    private static async Task InsertHandedOverAsync(DbConnection connection, DbTransaction transaction, string runId, long sequence, NewEvent ev, long at, HandOver handOver, CancellationToken cancellationToken)
    {
        using CachedCommand insert = Command(
            connection, transaction,
            HandedOverInsert,
            [.. EventParameters(runId, sequence, ev, at), ("me", handOver.WorkerId), ("until", handOver.LeaseUntil)]);
        using DbDataReader reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await handOver.ReadIdsAsync(reader, runId, cancellationToken).ConfigureAwait(false);
    }

    private static readonly string HandedOverInsert =
        BuildEventInsert(0) +
        "; INSERT INTO wf_deliveries (run_id, step, step_name, workers, event_id, status, attempt, executions, available_at, prompted, created_at, queue, priority, lease_owner, lease_expires, started_at) " +
        $"VALUES (@r, @step0, @name0, @workers0, (SELECT event_id FROM wf_events WHERE run_id = @r AND seq = @seq), {Claimed}, 1, 1, @due0, 0, @t, @q0, " +
        "(SELECT priority FROM wf_runs WHERE run_id = @r), @me, @until, @t) RETURNING delivery_id, event_id";

    /// <summary>Puts a delivery inserted to be handed over back to pending, as if it had never been: it waits for a claim.</summary>
    private static Task<int> KeepForAClaimAsync(DbConnection connection, DbTransaction transaction, HandOver handOver, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Pending}, lease_owner = NULL, lease_expires = NULL, executions = 0, started_at = NULL WHERE delivery_id = @id",
            cancellationToken,
            ("id", handOver.DeliveryId));
}
