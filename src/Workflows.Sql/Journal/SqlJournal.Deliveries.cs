using System.Data.Common;
using System.Globalization;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: claiming deliveries, leases, and committing what a delivery did.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// Claims up to <see cref="ClaimRequest.Max"/> due deliveries (pending, or claimed under an expired
    /// lease) of runs this worker can run, oldest due first, within each step's worker limit.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(DbConnection connection, DbTransaction transaction, ClaimRequest request, CancellationToken cancellationToken)
    {
        long now = Millis(request.Now);
        List<RunRecord> ended = request.DeadlineFailure is null && request.OrphanFailure is null
            ? []
            : await ExpireAsync(connection, transaction, request, cancellationToken).ConfigureAwait(false);
        (string filter, List<(string, object?)> parameters) = WorkflowFilter(request.Fingerprints, request.CompatibleFingerprints);
        if (filter.Length == 0)
        {
            return new ClaimResult([], null) { Ended = ended };
        }

        parameters.Add(("now", now));
        var due = new List<(string, object?)>(parameters) { ("max", Math.Clamp(request.Max, 1, 100)) };

        // "status IN (pending, claimed)" keeps the scan on the partial index of active deliveries, however long the history.
        List<PickedDelivery> picked = await PickAsync(connection, transaction, filter, due, string.Empty, cancellationToken).ConfigureAwait(false);
        if (picked.Count == 0)
        {
            // The soonest pending delivery to fall due, or lease to run out (a dead worker's delivery is then taken over).
            // Through the partial index of active deliveries: PostgreSQL otherwise read every delivery ever made (3–6 ms a look),
            // or, with statistics taken while few runs were active, every active run through wf_runs_status ("status + 0").
            using CachedCommand next = Command(
                connection, transaction,
                IndexedRead(
                    $"SELECT MIN(CASE WHEN d.status = {Pending} THEN d.available_at ELSE d.lease_expires END) FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id " +
                    $"WHERE d.status IN ({Pending}, {Claimed}) AND ((d.status = {Pending} AND d.available_at > @now) OR (d.status = {Claimed} AND d.lease_expires > @now)) " +
                    $"AND r.status + 0 IN {ClaimableRun} AND ({filter})"),
                [.. parameters]);
            object? soonest = await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            long? nextDue = soonest is null or DBNull ? null : Convert.ToInt64(soonest, CultureInfo.InvariantCulture);
            if (await NextExpiryAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is { } expiry && (nextDue is null || expiry < nextDue))
            {
                nextDue = expiry;
            }

            return new ClaimResult([], nextDue is { } at ? FromMillis(at) : null) { Ended = ended };
        }

        var limits = new ClaimLimits(new QueueClaims(request), new RunSlots(request, filter, parameters), new Dictionary<(string RunId, int Step), long>());
        var chosen = new List<long>();
        await TakeWithinLimitsAsync(connection, transaction, request, picked, limits, chosen, cancellationToken).ConfigureAwait(false);

        // Queues and workflows at their limits must not hold back other work behind them: look once more past them.
        if (chosen.Count < request.Max && (limits.Queues.Blocked.Count > 0 || limits.Runs.Blocked.Count > 0))
        {
            (string past, (string, object?)[] blocked) = limits.Exclusion(picked.Select(p => p.Id));
            List<PickedDelivery> more = await PickAsync(connection, transaction, filter, [.. due, .. blocked], past, cancellationToken).ConfigureAwait(false);
            await TakeWithinLimitsAsync(connection, transaction, request, more, limits, chosen, cancellationToken).ConfigureAwait(false);
        }

        List<ClaimedDelivery> deliveries = await TakeAllAsync(connection, transaction, chosen, request, cancellationToken).ConfigureAwait(false);

        // All due deliveries were at their step's limit: look again shortly.
        return new ClaimResult(deliveries, deliveries.Count == 0 ? request.Now + TimeSpan.FromMilliseconds(20) : null) { Ended = ended };
    }

    /// <summary>
    /// Due deliveries of runs this worker can run: higher-priority runs first, then oldest due. Read in the order of
    /// <c>wf_deliveries_due</c> (deliveries first: SQLite keeps a CROSS JOIN's order; PostgreSQL plans it as any join),
    /// so a claim reads about as many rows as it takes however many runs are active, instead of sorting all of them
    /// (<see cref="SqlDialect.BeforeOrderedRead"/> keeps PostgreSQL's planner to that order). Each delivery's run is
    /// found by its key: the run's status is compared as <c>r.status + 0</c>, because with statistics taken while few runs
    /// were active PostgreSQL's generic plan read the runs through <c>wf_runs_status</c> and scanned every active run for
    /// each delivery (7 ms a claim with 2,000 runs in flight, against 0.3 by the key).
    /// </summary>
    private async Task<List<PickedDelivery>> PickAsync(
        DbConnection connection, DbTransaction transaction, string filter, List<(string, object?)> parameters, string extra, CancellationToken cancellationToken)
    {
        var picked = new List<PickedDelivery>();
        using CachedCommand find = Command(
            connection, transaction,
            OrderedRead(
                $"SELECT d.delivery_id, d.run_id, d.step, d.workers, d.queue, r.partition_key, r.workflow, r.status, d.priority, d.available_at FROM wf_deliveries d CROSS JOIN wf_runs r " +
                $"WHERE r.run_id = d.run_id AND d.status IN ({Pending}, {Claimed}) AND ((d.status = {Pending} AND d.available_at <= @now) OR (d.status = {Claimed} AND d.lease_expires <= @now)) " +
                $"AND r.status + 0 IN {ClaimableRun} AND ({filter}){extra} ORDER BY d.priority DESC, d.available_at, d.delivery_id LIMIT @max {Dialect.ClaimLock}"),
            [.. parameters]);
        using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            picked.Add(new PickedDelivery(
                reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6), reader.GetInt32(7) == (int)WorkflowRunStatus.Queued, reader.GetInt32(8), reader.GetInt64(9)));
        }

        return picked;
    }

    /// <summary>
    /// Chooses the picked deliveries that fit their step's worker limit, their queue's limits and (for a
    /// queued run) its workflow's limit of runs in progress, up to the claim's maximum. The runs' rows
    /// are held (or SQLite's single writer is), so the step counts are exact: no two claims exceed a step's limit.
    /// </summary>
    private async Task TakeWithinLimitsAsync(
        DbConnection connection,
        DbTransaction transaction,
        ClaimRequest request,
        List<PickedDelivery> picked,
        ClaimLimits limits,
        List<long> chosen,
        CancellationToken cancellationToken)
    {
        await CountClaimedStepsAsync(connection, transaction, picked, Millis(request.Now), limits.Steps, cancellationToken).ConfigureAwait(false);
        foreach (PickedDelivery delivery in picked)
        {
            if (chosen.Count >= request.Max)
            {
                return;
            }

            long active = limits.Steps[(delivery.RunId, delivery.Step)];
            if (active >= delivery.Workers)
            {
                continue;
            }

            // A queued run starts when its workflow has a slot, even if its step's queue then holds the delivery back.
            if (delivery.Queued && limits.Started.Add(delivery.RunId)
                && !await limits.Runs.TryStartAsync(this, connection, transaction, delivery, cancellationToken).ConfigureAwait(false))
            {
                limits.Started.Remove(delivery.RunId);
                continue;
            }

            if (delivery.Queue is { } queue && !await limits.Queues.TryTakeAsync(this, connection, transaction, queue, delivery.Partition, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            limits.Steps[(delivery.RunId, delivery.Step)] = active + 1;
            chosen.Add(delivery.Id);
        }
    }

    public static async Task<bool> RenewLeaseAsync(DbConnection connection, DbTransaction transaction, long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET lease_expires = @until WHERE delivery_id = @id AND lease_owner = @me AND status = {Claimed} " +
            $"AND run_id IN (SELECT run_id FROM wf_runs WHERE status IN {LiveRun})",
            cancellationToken,
            ("until", Millis(until)), ("id", deliveryId), ("me", workerId)).ConfigureAwait(false) == 1;

    public static Task ReleaseAsync(DbConnection connection, DbTransaction transaction, long deliveryId, string workerId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Pending}, lease_owner = NULL, lease_expires = NULL WHERE delivery_id = @id AND lease_owner = @me AND status = {Claimed}",
            cancellationToken,
            ("id", deliveryId), ("me", workerId));

    /// <summary>
    /// The heart of the guarantees: the delivery's outcome, its events and their deliveries, its
    /// state changes and the run's new status, all in the caller's transaction, or none of them.
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(DbConnection connection, DbTransaction transaction, DeliveryCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The run locked, and the delivery settled on condition that the lease still holds, in one round trip:
        // a lost lease (or an ended run) is found here, and the write declines, undoing the settle with it.
        (RunRecord? run, long sequence, bool settled) = await LockAndSettleAsync(connection, transaction, commit, now, cancellationToken).ConfigureAwait(false);
        if (run is null || run.IsFinished || !settled)
        {
            return new(CommitResult.LeaseLost, null);
        }

        return await CommitLockedAsync(connection, transaction, commit, run, sequence, now, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The commit, the run locked (or, with <paramref name="checks"/>, to be locked by the checks sent with its first command):
    /// <paramref name="sequence"/> is the sequence the run's next event takes.
    /// </summary>
    private async Task<CommitOutcome> CommitLockedAsync(
        DbConnection connection, DbTransaction transaction, DeliveryCommit commit, RunRecord run, long sequence, DateTimeOffset now, ExpectedChecks? checks, CancellationToken cancellationToken)
    {
        foreach (StateRead read in commit.StateReads)
        {
            if (await StateVersionAsync(connection, transaction, commit.RunId, read.Key, cancellationToken).ConfigureAwait(false) != read.Version)
            {
                return new(CommitResult.StateConflict, null);
            }
        }

        foreach (StateWrite write in commit.StateWrites)
        {
            if (!await WriteStateAsync(connection, transaction, commit.RunId, write, cancellationToken).ConfigureAwait(false))
            {
                return new(CommitResult.StateConflict, null);
            }
        }

        HandOver? handOver = HandOverEvent(commit, now) is { } index ? new HandOver(index, commit.WorkerId, Millis(now + commit.NextLease!.Value)) : null;

        // The usual commit, one event and nothing beside it, sends the event with the run's end or new status (and the checks, if any, before it).
        Statement? eventInsert = OnlyEventInsert(commit, sequence, now, handOver);
        Statement? first = checks is null ? eventInsert : eventInsert is { } insert ? checks.Statement.Then(insert) : checks.Statement;
        long next = eventInsert is null
            ? await InsertEventsAsync(connection, transaction, commit.RunId, sequence, commit.Events, now, cancellationToken, handOver).ConfigureAwait(false)
            : sequence + 1;
        if (commit.ChildRun is { } child)
        {
            // Started with the suspension that waits for it: both happen, or neither. An id already taken is that child.
            await CreateRunAsync(connection, transaction, child, now, cancellationToken).ConfigureAwait(false);
        }
        if (commit.Tags is { Count: > 0 } tags)
        {
            await WriteTagsAsync(connection, transaction, run.RunId, tags, cancellationToken).ConfigureAwait(false);
        }

        if (commit.Completion is { } completion)
        {
            if (checks is { UpdatesRun: true })
            {
                await EndAsExpectedAsync(connection, transaction, commit, run, completion, checks, first!.Value, now, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await EndRunAsync(connection, transaction, run, completion, now, cancellationToken, nextSequence: next == sequence ? null : next, before: first, checks: checks).ConfigureAwait(false);
            }

            if (completion.Status == WorkflowRunStatus.Failed && commit.Outcome == DeliveryOutcome.Failed)
            {
                // What RetryAsync runs again.
                await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET failed_delivery_id = @d WHERE run_id = @id", cancellationToken, ("d", commit.DeliveryId), ("id", run.RunId)).ConfigureAwait(false);
            }
        }
        else
        {
            if (commit.QuestionsAsked > 0)
            {
                await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET open_questions = open_questions + @q WHERE run_id = @id", cancellationToken, ("q", commit.QuestionsAsked), ("id", run.RunId)).ConfigureAwait(false);
            }

            (WorkflowRunStatus status, long active) = checks is { UpdatesRun: true }
                ? await CommitKnownStatusAsync(connection, transaction, commit, checks, first!.Value, handOver, cancellationToken).ConfigureAwait(false)
                : await UpdateRunStatusAsync(
                    connection, transaction, run, commit.StallFailure, now, cancellationToken, nextSequence: next, before: first, handOver: eventInsert is null ? null : handOver, checks: checks).ConfigureAwait(false);
            if (handOver is not null)
            {
                if (status == WorkflowRunStatus.Running && active == 1)
                {
                    return HandedOver(commit, run, handOver, sequence, next, now);
                }

                // Not all the run has active (a fan-out's other branches), or the run is suspended: it waits for a claim like any other.
                await KeepForAClaimAsync(connection, transaction, handOver, cancellationToken).ConfigureAwait(false);
            }
        }

        return new(CommitResult.Committed, null);
    }

    /// <summary>
    /// A commit that handed its run's next delivery to its worker: the delivery, claimed, and its own commit expected
    /// (the run runs, at <paramref name="next"/>); <paramref name="sequence"/> is the commit's first event's.
    /// </summary>
    private CommitOutcome HandedOver(DeliveryCommit commit, RunRecord run, HandOver handOver, long sequence, long next, DateTimeOffset now)
    {
        RunRecord running = run with { Status = WorkflowRunStatus.Running };
        Expect(handOver.DeliveryId, running, next);
        return new(CommitResult.Committed, handOver.Claimed(commit, running, sequence, now));
    }

    /// <summary>The runs a worker can take: of each workflow, those started under its fingerprint or an earlier compatible one.</summary>
    private static (string Filter, List<(string, object?)> Parameters) WorkflowFilter(IReadOnlyDictionary<string, string> fingerprints, IReadOnlyDictionary<string, IReadOnlyList<string>> compatible)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object?)>();
        int i = 0;
        foreach ((string workflow, string fingerprint) in fingerprints.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string n = i++.ToString(CultureInfo.InvariantCulture);
            parameters.Add(("w" + n, workflow));
            parameters.Add(("f" + n, fingerprint));
            if (!compatible.TryGetValue(workflow, out IReadOnlyList<string>? earlier) || earlier.Count == 0)
            {
                clauses.Add($"(r.workflow = @w{n} AND r.fingerprint = @f{n})");
                continue;
            }

            var names = new List<string> { "@f" + n };
            for (int e = 0; e < earlier.Count; e++)
            {
                string name = $"f{n}e{e.ToString(CultureInfo.InvariantCulture)}";
                names.Add("@" + name);
                parameters.Add((name, earlier[e]));
            }

            clauses.Add($"(r.workflow = @w{n} AND r.fingerprint IN ({string.Join(", ", names)}))");
        }

        return (string.Join(" OR ", clauses), parameters);
    }


    /// <summary>Appends events in order with consecutive sequence numbers, and their deliveries; returns the first one's sequence.</summary>
    private static async Task<long> AppendEventsAsync(DbConnection connection, DbTransaction transaction, string runId, List<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        long sequence;
        using (CachedCommand next = Command(connection, transaction, "SELECT next_seq FROM wf_runs WHERE run_id = @r", ("r", runId)))
        {
            sequence = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        long after = await InsertEventsAsync(connection, transaction, runId, sequence, events, now, cancellationToken).ConfigureAwait(false);
        await SetNextSequenceAsync(connection, transaction, runId, sequence, after, cancellationToken).ConfigureAwait(false);
        return sequence;
    }

    private static Task SetNextSequenceAsync(DbConnection connection, DbTransaction transaction, string runId, long before, long after, CancellationToken cancellationToken) =>
        after == before
            ? Task.CompletedTask
            : ExecuteAsync(connection, transaction, "UPDATE wf_runs SET next_seq = @n WHERE run_id = @r", cancellationToken, ("n", after), ("r", runId));

    /// <summary>
    /// Inserts events from <paramref name="sequence"/> on (the caller holds the run's row and saves the
    /// sequence that follows, which this returns), and their deliveries.
    /// </summary>
    private static async Task<long> InsertEventsAsync(
        DbConnection connection, DbTransaction transaction, string runId, long sequence, IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken, HandOver? handOver = null)
    {
        long at = Millis(now);
        for (int e = 0; e < events.Count; e++)
        {
            NewEvent ev = events[e];
            if (handOver?.Index == e)
            {
                await InsertHandedOverAsync(connection, transaction, runId, sequence++, ev, at, handOver, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The event and its deliveries in one round trip: a delivery finds its event by (run, sequence).
            await ExecuteAsync(connection, transaction, EventInsert(ev.Deliveries.Count), cancellationToken, EventParameters(runId, sequence++, ev, at)).ConfigureAwait(false);
            if (ev.Question is { } question)
            {
                sequence = await OpenTaskAsync(connection, transaction, runId, sequence - 1, ev, question, sequence, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return sequence;
    }

    /// <summary>
    /// The statements that insert the commit's only event (and its deliveries, the one handed over among them),
    /// when nothing else is recorded beside it (no question, child run or tags), to be sent with the run's end or
    /// new status; <see langword="null"/> otherwise, and the events go in one by one.
    /// </summary>
    private static Statement? OnlyEventInsert(DeliveryCommit commit, long sequence, DateTimeOffset now, HandOver? handOver)
    {
        if (commit.Events is not [{ Question: null } ev] || ev.Deliveries.Count >= s_eventInserts.Length
            || commit.ChildRun is not null || commit.Tags is { Count: > 0 } || commit.QuestionsAsked > 0)
        {
            return null;
        }

        (string, object?)[] parameters = EventParameters(commit.RunId, sequence, ev, Millis(now));
        return handOver is null
            ? new Statement(EventInsert(ev.Deliveries.Count), parameters)
            : new Statement(HandedOverInsert, [.. parameters, ("me", handOver.WorkerId), ("until", handOver.LeaseUntil)]);
    }

    /// <summary>The parameters of <see cref="EventInsert"/>: the event's, then each delivery's.</summary>
    private static (string, object?)[] EventParameters(string runId, long sequence, NewEvent ev, long at)
    {
        var parameters = new (string, object?)[8 + (5 * ev.Deliveries.Count)];
        parameters[0] = ("r", runId);
        parameters[1] = ("seq", sequence);
        parameters[2] = ("kind", (int)ev.Kind);
        parameters[3] = ("type", ev.Type);
        parameters[4] = ("payload", ev.Payload);
        parameters[5] = ("producer", ev.Producer);
        parameters[6] = ("t", at);
        parameters[7] = ("lineage", ev.Lineage);
        for (int i = 0; i < ev.Deliveries.Count; i++)
        {
            NewDelivery delivery = ev.Deliveries[i];
            string[] names = DeliveryParameterNames(i);
            int p = 8 + (5 * i);
            parameters[p] = (names[0], delivery.Step);
            parameters[p + 1] = (names[1], delivery.StepName);
            parameters[p + 2] = (names[2], delivery.Workers);
            parameters[p + 3] = (names[3], Millis(delivery.AvailableAt));
            parameters[p + 4] = (names[4], delivery.Queue);
        }

        return parameters;
    }

    private static readonly string[] s_eventInserts = [.. Enumerable.Range(0, 8).Select(BuildEventInsert)];

    /// <summary>The statements that insert an event and its <paramref name="deliveries"/> deliveries (parameters as <see cref="InsertEventsAsync"/> names them).</summary>
    private static string EventInsert(int deliveries) => deliveries < s_eventInserts.Length ? s_eventInserts[deliveries] : BuildEventInsert(deliveries);

    private static string BuildEventInsert(int deliveries)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO wf_events (run_id, seq, kind, type, payload, producer, created_at, lineage) VALUES (@r, @seq, @kind, @type, @payload, @producer, @t, @lineage)");
        for (int i = 0; i < deliveries; i++)
        {
            string n = DeliveryNumber(i);
            sql.Append(
                $"; INSERT INTO wf_deliveries (run_id, step, step_name, workers, event_id, status, attempt, executions, available_at, prompted, created_at, queue, priority) " +
                $"VALUES (@r, @step{n}, @name{n}, @workers{n}, (SELECT event_id FROM wf_events WHERE run_id = @r AND seq = @seq), {Pending}, 1, 0, @due{n}, 0, @t, @q{n}, " +
                "(SELECT priority FROM wf_runs WHERE run_id = @r))");
        }

        return sql.ToString();
    }

    private static string DeliveryNumber(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static readonly string[][] s_deliveryParameterNames = [.. Enumerable.Range(0, 8).Select(BuildDeliveryParameterNames)];

    /// <summary>The names of delivery <paramref name="i"/>'s parameters in <see cref="EventParameters"/>: step, name, workers, due, queue.</summary>
    private static string[] DeliveryParameterNames(int i) => i < s_deliveryParameterNames.Length ? s_deliveryParameterNames[i] : BuildDeliveryParameterNames(i);

    private static string[] BuildDeliveryParameterNames(int i)
    {
        string n = DeliveryNumber(i);
        return ["step" + n, "name" + n, "workers" + n, "due" + n, "q" + n];
    }

    /// <summary>A state value's version now: 0 when the key does not exist.</summary>
    private static async Task<long> StateVersionAsync(DbConnection connection, DbTransaction transaction, string runId, string key, CancellationToken cancellationToken)
    {
        using CachedCommand version = Command(connection, transaction, "SELECT version FROM wf_state WHERE run_id = @r AND key = @k", ("r", runId), ("k", key));
        object? found = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return found is null or DBNull ? 0 : Convert.ToInt64(found, CultureInfo.InvariantCulture);
    }

    /// <summary>Writes one state value if it is still at the version the step read; false on a conflict.</summary>
    private static async Task<bool> WriteStateAsync(DbConnection connection, DbTransaction transaction, string runId, StateWrite write, CancellationToken cancellationToken)
    {
        long current = await StateVersionAsync(connection, transaction, runId, write.Key, cancellationToken).ConfigureAwait(false);

        if (current != write.ExpectedVersion)
        {
            return false;
        }

        if (write.Value is null)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM wf_state WHERE run_id = @r AND key = @k", cancellationToken, ("r", runId), ("k", write.Key)).ConfigureAwait(false);
        }
        else if (current == 0)
        {
            await ExecuteAsync(
                connection, transaction,
                "INSERT INTO wf_state (run_id, key, version, type, value) VALUES (@r, @k, 1, @type, @v)",
                cancellationToken,
                ("r", runId), ("k", write.Key), ("type", write.Type), ("v", write.Value)).ConfigureAwait(false);
        }
        else
        {
            await ExecuteAsync(
                connection, transaction,
                "UPDATE wf_state SET version = version + 1, type = @type, value = @v WHERE run_id = @r AND key = @k",
                cancellationToken,
                ("r", runId), ("k", write.Key), ("type", write.Type), ("v", write.Value)).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The delivery (<c>@id</c>) is still claimed by the committing worker (<c>@me</c>).</summary>
    private static readonly string HeldBy = HeldByNamed(string.Empty);

    /// <summary>
    /// <see cref="HeldBy"/> with its parameters' names starting with <paramref name="p"/>. The status is compared as
    /// <c>status + 0</c>: as a plain <c>status = claimed</c>, PostgreSQL's generic plan could read the delivery through the
    /// partial index of active deliveries (whose statistics, taken when few were active, say it is tiny), and scanned
    /// every active delivery to find one (1.6 ms under a 2,000-run burst, against 0.02 by its key).
    /// </summary>
    private static string HeldByNamed(string p) => $"delivery_id = @{p}id AND lease_owner = @{p}me AND status + 0 = {Claimed}";

    /// <summary>
    /// Locks the run's row and ends the delivery as its commit says, if its lease still holds, in one command:
    /// the run (<see langword="null"/> when there is none), the sequence its next event takes, and whether the delivery was settled.
    /// </summary>
    private async Task<(RunRecord? Run, long NextSequence, bool Settled)> LockAndSettleAsync(
        DbConnection connection, DbTransaction transaction, DeliveryCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string settle, (string, object?)[] parameters) = SettleStatement(commit, now);
        using CachedCommand command = Command(
            connection, transaction,
            SqlTexts.Join(_lockRunForSettle ??= RunColumnList + ", next_seq FROM wf_runs WHERE run_id = @run " + Dialect.RunLock, settle),
            [("run", commit.RunId), .. parameters]);
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (null, 0, false);
        }

        (RunRecord run, long sequence) = (ReadRun(reader), reader.GetInt64(15));
        bool settled = await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) && await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (run, sequence, settled);
    }

    /// <summary>The run's columns and next sequence, locked: what <see cref="LockAndSettleAsync"/> sends ahead of the settle (made once).</summary>
    private string? _lockRunForSettle;

    /// <summary>
    /// The statement that ends the delivery as its commit says, if its lease still holds (the delivery, <c>@id</c>,
    /// is still claimed by the committing worker, <c>@me</c>), returning its id if so, and its parameters; their names start with <c>x_</c> when <paramref name="expected"/>.
    /// </summary>
    private static (string Sql, (string, object?)[] Parameters) SettleStatement(DeliveryCommit commit, DateTimeOffset now, bool expected = false)
    {
        SettleStatements s = expected ? SettleStatements.Expected : SettleStatements.Plain;
        (string, object?) id = (s.Id, commit.DeliveryId), me = (s.Me, commit.WorkerId);
        return commit.Outcome switch
        {
            DeliveryOutcome.Done or DeliveryOutcome.Failed when commit.NotExecuted => (
                s.NotExecutedSql,
                [(s.Status, (int)(commit.Outcome == DeliveryOutcome.Done ? DeliveryStatus.Done : DeliveryStatus.Failed)), (s.Worker, commit.WorkerId), (s.Error, commit.Error), id, me]),
            DeliveryOutcome.Done => (s.DoneSql, [(s.Prompted, commit.PromptedWaits), (s.Worker, commit.WorkerId), id, me]),
            DeliveryOutcome.Waiting => (
                s.WaitingSql,
                [(s.WaitingFor, commit.WaitingFor), (s.Until, commit.WaitUntil is { } until ? Millis(until) : null), (s.Prompted, commit.PromptedWaits), id, me]),
            DeliveryOutcome.Retry => (s.RetrySql, [(s.Due, Millis(commit.RetryAt ?? now)), (s.Error, commit.Error), id, me]),
            _ => (s.FailedSql, [(s.Error, commit.Error), id, me]),
        };
    }

    /// <summary>The texts and parameter names of <see cref="SettleStatement"/>, made once for each prefix of its names.</summary>
    private sealed class SettleStatements
    {
        public static readonly SettleStatements Plain = new(string.Empty);
        public static readonly SettleStatements Expected = new("x_");

        private SettleStatements(string p)
        {
            (Id, Me, Status, Worker, Error, Prompted, WaitingFor, Until, Due) = (p + "id", p + "me", p + "s", p + "w", p + "e", p + "p", p + "w", p + "until", p + "due");
            string heldBy = HeldByNamed(p);
            NotExecutedSql = $"UPDATE wf_deliveries SET status = @{p}s, lease_owner = NULL, lease_expires = NULL, executions = 0, worker = @{p}w, error = @{p}e WHERE {heldBy} RETURNING delivery_id";
            DoneSql = $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Done}, lease_owner = NULL, lease_expires = NULL, prompted = @{p}p, worker = @{p}w WHERE {heldBy} RETURNING delivery_id";
            WaitingSql = $"UPDATE wf_deliveries SET status = {Waiting}, lease_owner = NULL, lease_expires = NULL, waiting_for = @{p}w, wait_until = @{p}until, prompted = @{p}p WHERE {heldBy} RETURNING delivery_id";
            RetrySql = $"UPDATE wf_deliveries SET status = {Pending}, lease_owner = NULL, lease_expires = NULL, attempt = attempt + 1, available_at = @{p}due, error = @{p}e WHERE {heldBy} RETURNING delivery_id";
            FailedSql = $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Failed}, lease_owner = NULL, lease_expires = NULL, error = @{p}e WHERE {heldBy} RETURNING delivery_id";
        }

        public string NotExecutedSql { get; }

        public string DoneSql { get; }

        public string WaitingSql { get; }

        public string RetrySql { get; }

        public string FailedSql { get; }

        public string Id { get; }

        public string Me { get; }

        public string Status { get; }

        public string Worker { get; }

        public string Error { get; }

        public string Prompted { get; }

        public string WaitingFor { get; }

        public string Until { get; }

        public string Due { get; }
    }
}
