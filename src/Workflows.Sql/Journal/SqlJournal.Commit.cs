using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: committing what a delivery did, in two sends of statements whatever the step did —
/// the first locks the run, settles the delivery and reads the state versions the commit depends on;
/// the second writes everything else — so that on PostgreSQL a step's commit costs two round trips.
/// </summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// The heart of the guarantees: the delivery's outcome, its events and their deliveries, its
    /// state changes and the run's new status, all in the caller's transaction, or none of them (the
    /// caller rolls back what the first send did when this returns anything but <see cref="CommitResult.Committed"/>).
    /// </summary>
    public async Task<CommitResult> CommitAsync(DbConnection connection, DbTransaction transaction, DeliveryCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Settled on condition that the lease still holds: a lost lease is found by the write that settles.
        var check = new StatementBatch();
        check.Add(RunColumnList + ", next_seq FROM wf_runs WHERE run_id = @id " + Dialect.RunLock, returnsRows: true, ("id", commit.RunId));
        AddSettle(check, commit, now);
        List<string> keys = [.. commit.StateReads.Select(r => r.Key).Concat(commit.StateWrites.Select(w => w.Key)).Distinct(StringComparer.Ordinal)];
        if (keys.Count > 0)
        {
            (string list, (string, object?)[] keyParameters) = InList("k", keys);
            check.Add($"SELECT key, version FROM wf_state WHERE run_id = @id AND key IN ({list})", returnsRows: true, [("id", commit.RunId), .. keyParameters]);
        }

        RunRecord? run = null;
        long sequence = 0;
        bool settled;
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        StatementBatch.BatchResults results = await check.ExecuteAsync(connection, transaction, Dialect.BatchesStatements, cancellationToken).ConfigureAwait(false);
        await using (results.ConfigureAwait(false))
        {
            DbDataReader reader = await results.NextAsync().ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (run, sequence) = (ReadRun(reader), reader.GetInt64(15));
            }

            reader = await results.NextAsync().ConfigureAwait(false);
            settled = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (keys.Count > 0)
            {
                reader = await results.NextAsync().ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            await results.FinishAsync().ConfigureAwait(false);
        }

        if (run is null || run.IsFinished || !settled)
        {
            return CommitResult.LeaseLost;
        }

        if (!ChangesState(commit, versions, out List<(StateWrite Write, long Current)> writes))
        {
            return CommitResult.StateConflict;
        }

        var changes = new StatementBatch();
        AddStateWrites(changes, commit.RunId, writes);
        long next = AddEvents(changes, commit.RunId, sequence, commit.Events, now);
        bool endsHere = commit.Completion is not null && run.ParentRunId is null;
        bool updatesStatus = commit.Completion is null;
        if (commit.Completion is { } ending && endsHere)
        {
            AddEndRun(changes, run, ending, now, next == sequence ? null : next);
        }
        else if (updatesStatus)
        {
            AddStatusUpdate(changes, run, commit.QuestionsAsked, now, next);
        }

        if (commit.Completion is { Status: WorkflowRunStatus.Failed } && commit.Outcome == DeliveryOutcome.Failed)
        {
            // What RetryAsync runs again.
            changes.Add("UPDATE wf_runs SET failed_delivery_id = @failed WHERE run_id = @id", returnsRows: false, ("failed", commit.DeliveryId), ("id", run.RunId));
        }

        bool stalled = false;
        results = await changes.ExecuteAsync(connection, transaction, Dialect.BatchesStatements, cancellationToken).ConfigureAwait(false);
        await using (results.ConfigureAwait(false))
        {
            if (updatesStatus)
            {
                // No row: nothing pending, running or waiting, and no question open (the status update's condition).
                DbDataReader reader = await results.NextAsync().ConfigureAwait(false);
                stalled = !await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            await results.FinishAsync().ConfigureAwait(false);
        }

        if (commit.ChildRun is { } child)
        {
            // Started with the suspension that waits for it: both happen, or neither. An id already taken is that child.
            await CreateRunAsync(connection, transaction, child, now, cancellationToken).ConfigureAwait(false);
        }

        if (commit.Tags is { Count: > 0 } tags)
        {
            await WriteTagsAsync(connection, transaction, run.RunId, tags, cancellationToken).ConfigureAwait(false);
        }

        if (stalled)
        {
            await EndRunAsync(connection, transaction, run, StallCompletion(commit.StallFailure?.Invoke()), now, cancellationToken, next).ConfigureAwait(false);
        }
        else if (commit.Completion is { } completion && !endsHere)
        {
            // A child's end answers its parent, which takes reads of the parent's rows: not one send.
            await EndRunAsync(connection, transaction, run, completion, now, cancellationToken, nextSequence: next == sequence ? null : next).ConfigureAwait(false);
        }

        return CommitResult.Committed;
    }

    /// <summary>
    /// Whether the state the step read is unchanged and each write finds the version it expects, taking the
    /// writes in order; and, for each write, the version it replaces (0: the key does not exist).
    /// </summary>
    private static bool ChangesState(DeliveryCommit commit, Dictionary<string, long> versions, out List<(StateWrite Write, long Current)> writes)
    {
        writes = new List<(StateWrite, long)>(commit.StateWrites.Count);
        foreach (StateRead read in commit.StateReads)
        {
            if (versions.GetValueOrDefault(read.Key) != read.Version)
            {
                return false;
            }
        }

        foreach (StateWrite write in commit.StateWrites)
        {
            long current = versions.GetValueOrDefault(write.Key);
            if (current != write.ExpectedVersion)
            {
                return false;
            }

            writes.Add((write, current));
            versions[write.Key] = write.Value is null ? 0 : current + 1;
        }

        return true;
    }

    private static void AddStateWrites(StatementBatch batch, string runId, List<(StateWrite Write, long Current)> writes)
    {
        for (int i = 0; i < writes.Count; i++)
        {
            (StateWrite write, long current) = writes[i];
            string n = i.ToString(CultureInfo.InvariantCulture);
            if (write.Value is null)
            {
                batch.Add($"DELETE FROM wf_state WHERE run_id = @id AND key = @sk{n}", returnsRows: false, ("id", runId), ("sk" + n, write.Key));
            }
            else if (current == 0)
            {
                batch.Add(
                    $"INSERT INTO wf_state (run_id, key, version, type, value) VALUES (@id, @sk{n}, 1, @st{n}, @sv{n})",
                    returnsRows: false,
                    ("id", runId), ("sk" + n, write.Key), ("st" + n, write.Type), ("sv" + n, write.Value));
            }
            else
            {
                batch.Add(
                    $"UPDATE wf_state SET version = version + 1, type = @st{n}, value = @sv{n} WHERE run_id = @id AND key = @sk{n}",
                    returnsRows: false,
                    ("st" + n, write.Type), ("sv" + n, write.Value), ("id", runId), ("sk" + n, write.Key));
            }
        }
    }

    /// <summary>Adds the statement that ends the delivery as its commit says if its lease still holds, returning its id (no row: the lease was lost).</summary>
    private static void AddSettle(StatementBatch batch, DeliveryCommit commit, DateTimeOffset now)
    {
        const string Returning = " RETURNING delivery_id";
        (string, object?) id = ("d", commit.DeliveryId), me = ("me", commit.WorkerId);
        switch (commit.Outcome)
        {
            case DeliveryOutcome.Done:
                batch.Add(
                    $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Done}, lease_owner = NULL, lease_expires = NULL, prompted = @p, worker = @me WHERE {SettledBy}{Returning}",
                    returnsRows: true, ("p", commit.PromptedWaits), id, me);
                break;
            case DeliveryOutcome.Waiting:
                batch.Add(
                    $"UPDATE wf_deliveries SET status = {Waiting}, lease_owner = NULL, lease_expires = NULL, waiting_for = @wf, wait_until = @until, prompted = @p WHERE {SettledBy}{Returning}",
                    returnsRows: true, ("wf", commit.WaitingFor), ("until", commit.WaitUntil is { } until ? Millis(until) : null), ("p", commit.PromptedWaits), id, me);
                break;
            case DeliveryOutcome.Retry:
                batch.Add(
                    $"UPDATE wf_deliveries SET status = {Pending}, lease_owner = NULL, lease_expires = NULL, attempt = attempt + 1, available_at = @due, error = @err WHERE {SettledBy}{Returning}",
                    returnsRows: true, ("due", Millis(commit.RetryAt ?? now)), ("err", commit.Error), id, me);
                break;
            default:
                batch.Add(
                    $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Failed}, lease_owner = NULL, lease_expires = NULL, error = @err WHERE {SettledBy}{Returning}",
                    returnsRows: true, ("err", commit.Error), id, me);
                break;
        }
    }

    /// <summary>The delivery (<c>@d</c>) is still claimed by the committing worker (<c>@me</c>).</summary>
    private static readonly string SettledBy = $"delivery_id = @d AND lease_owner = @me AND status = {Claimed}";

    /// <summary>
    /// The run's status after the commit, computed where the rows are (the run rules' <c>HasStalled</c>, in SQL):
    /// running while deliveries are pending or claimed (or wait for a child run), waiting for input while only waits
    /// or open questions remain; a suspended run stays suspended. Returns the new status, or no row when nothing is
    /// left (the run stalled: the caller ends it). Then the change, if any, goes into the feed.
    /// </summary>
    private static void AddStatusUpdate(StatementBatch batch, RunRecord run, int questionsAsked, DateTimeOffset now, long nextSequence)
    {
        batch.Add(StatusUpdate, returnsRows: true, ("q", questionsAsked), ("t", Millis(now)), ("n", nextSequence), ("id", run.RunId), ("child", StoredAnswer.ChildPrefix + "%"));
        batch.Add(StatusChange, returnsRows: false, ("id", run.RunId), ("w", run.Workflow), ("from", (int)run.Status), ("t", Millis(now)));
    }

    private static readonly string StatusUpdate =
        $"UPDATE wf_runs SET open_questions = open_questions + @q, updated_at = @t, next_seq = @n, status = CASE " +
        $"WHEN status = {(int)WorkflowRunStatus.Suspended} THEN {(int)WorkflowRunStatus.Suspended} " +
        $"WHEN EXISTS (SELECT 1 FROM wf_deliveries d WHERE d.run_id = @id AND (d.status IN ({Pending}, {Claimed}) OR (d.status = {Waiting} AND d.waiting_for LIKE @child))) THEN {(int)WorkflowRunStatus.Running} " +
        $"ELSE {(int)WorkflowRunStatus.WaitingForInput} END " +
        $"WHERE run_id = @id AND (open_questions + @q > 0 OR EXISTS (SELECT 1 FROM wf_deliveries d WHERE d.run_id = @id AND d.status IN ({Pending}, {Claimed}, {Waiting}))) " +
        "RETURNING status";

    /// <summary>The feed entry for a status the update above changed (<c>@from</c>: the status before).</summary>
    private static readonly string StatusChange =
        $"INSERT INTO wf_run_changes (run_id, workflow, from_status, to_status, at, seq) SELECT @id, @w, @from, r.status, @t, r.next_seq - 1 FROM wf_runs r " +
        $"WHERE r.run_id = @id AND r.status <> @from AND EXISTS (SELECT 1 FROM wf_meta WHERE key = '{FeedKey}')";

    /// <summary>Adds the run's end (see <see cref="EndRunStatements"/>) to a batch.</summary>
    private static void AddEndRun(StatementBatch batch, RunRecord run, RunCompletion completion, DateTimeOffset now, long? nextSequence) =>
        batch.Add(
            EndRunStatements,
            returnsRows: false,
            ("s", (int)completion.Status), ("rt", completion.ResultType), ("rp", completion.ResultPayload), ("e", completion.Error), ("f", WriteFailure(completion.Failure)),
            ("t", Millis(now)), ("n", nextSequence), ("id", run.RunId), ("w", run.Workflow), ("from", (int)run.Status));

    /// <summary>
    /// Adds events from <paramref name="sequence"/> on, each with its deliveries, and returns the sequence that
    /// follows (the caller holds the run's row and saves it).
    /// </summary>
    private static long AddEvents(StatementBatch batch, string runId, long sequence, IReadOnlyList<NewEvent> events, DateTimeOffset now)
    {
        long at = Millis(now);
        for (int e = 0; e < events.Count; e++)
        {
            NewEvent ev = events[e];
            string en = e.ToString(CultureInfo.InvariantCulture);

            // The event and its deliveries: a delivery finds its event by (run, sequence).
            var parameters = new (string, object?)[7 + (5 * ev.Deliveries.Count)];
            parameters[0] = ("r", runId);
            parameters[1] = ("seq" + en, sequence++);
            parameters[2] = ("kind" + en, (int)ev.Kind);
            parameters[3] = ("type" + en, ev.Type);
            parameters[4] = ("payload" + en, ev.Payload);
            parameters[5] = ("producer" + en, ev.Producer);
            parameters[6] = ("t", at);
            for (int i = 0; i < ev.Deliveries.Count; i++)
            {
                NewDelivery delivery = ev.Deliveries[i];
                string n = en + "_" + i.ToString(CultureInfo.InvariantCulture);
                int p = 7 + (5 * i);
                parameters[p] = ("step" + n, delivery.Step);
                parameters[p + 1] = ("name" + n, delivery.StepName);
                parameters[p + 2] = ("workers" + n, delivery.Workers);
                parameters[p + 3] = ("due" + n, Millis(delivery.AvailableAt));
                parameters[p + 4] = ("q" + n, delivery.Queue);
            }

            batch.Add(EventInsert(e, ev.Deliveries.Count), returnsRows: false, parameters);
        }

        return sequence;
    }

    /// <summary>Inserts events from <paramref name="sequence"/> on, and their deliveries; returns the sequence that follows (the caller saves it).</summary>
    private async Task<long> InsertEventsAsync(DbConnection connection, DbTransaction transaction, string runId, long sequence, IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new StatementBatch();
        long next = AddEvents(batch, runId, sequence, events, now);
        if (!batch.IsEmpty)
        {
            StatementBatch.BatchResults results = await batch.ExecuteAsync(connection, transaction, Dialect.BatchesStatements, cancellationToken).ConfigureAwait(false);
            await using (results.ConfigureAwait(false))
            {
                await results.FinishAsync().ConfigureAwait(false);
            }
        }

        return next;
    }

    private static readonly string[][] s_eventInserts = [.. Enumerable.Range(0, 4).Select(e => Enumerable.Range(0, 8).Select(d => BuildEventInsert(e, d)).ToArray())];

    /// <summary>The statements that insert the <paramref name="index"/>th event of a commit and its <paramref name="deliveries"/> deliveries (parameters as <see cref="AddEvents"/> names them).</summary>
    private static string EventInsert(int index, int deliveries) =>
        index < s_eventInserts.Length && deliveries < s_eventInserts[index].Length ? s_eventInserts[index][deliveries] : BuildEventInsert(index, deliveries);

    private static string BuildEventInsert(int index, int deliveries)
    {
        string e = index.ToString(CultureInfo.InvariantCulture);
        var sql = new System.Text.StringBuilder(
            $"INSERT INTO wf_events (run_id, seq, kind, type, payload, producer, created_at) VALUES (@r, @seq{e}, @kind{e}, @type{e}, @payload{e}, @producer{e}, @t)");
        for (int i = 0; i < deliveries; i++)
        {
            string n = e + "_" + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(
                $"; INSERT INTO wf_deliveries (run_id, step, step_name, workers, event_id, status, attempt, executions, available_at, prompted, created_at, queue, priority) " +
                $"VALUES (@r, @step{n}, @name{n}, @workers{n}, (SELECT event_id FROM wf_events WHERE run_id = @r AND seq = @seq{e}), {Pending}, 1, 0, @due{n}, 0, @t, @q{n}, " +
                "(SELECT priority FROM wf_runs WHERE run_id = @r))");
        }

        return sql.ToString();
    }
}
