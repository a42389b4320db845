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
            using CachedCommand next = Command(
                connection, transaction,
                $"SELECT MIN(CASE WHEN d.status = {Pending} THEN d.available_at ELSE d.lease_expires END) FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id " +
                $"WHERE d.status IN ({Pending}, {Claimed}) AND ((d.status = {Pending} AND d.available_at > @now) OR (d.status = {Claimed} AND d.lease_expires > @now)) " +
                $"AND r.status IN {ClaimableRun} AND ({filter})",
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
    /// When an active delivery can be claimed: a pending one when it falls due, a claimed one when its lease runs out.
    /// One expression, not "(pending AND due) OR (claimed AND expired)": PostgreSQL's planner multiplies the repeated
    /// status conditions' selectivities, expects a few rows, and then joins and sorts every due delivery instead of
    /// reading <c>wf_deliveries_due</c> in order (14 ms against 5 ms per claim with 1,600 deliveries due).
    /// </summary>
    private static readonly string DueAt = $"(CASE WHEN d.status = {Pending} THEN d.available_at ELSE d.lease_expires END)";

    /// <summary>
    /// Due deliveries of runs this worker can run: higher-priority runs first, then oldest due. Read in the order of
    /// <c>wf_deliveries_due</c> (deliveries first: SQLite keeps a CROSS JOIN's order; PostgreSQL plans it as any join),
    /// so a claim reads about as many rows as it takes however many runs are active, instead of sorting all of them.
    /// </summary>
    private async Task<List<PickedDelivery>> PickAsync(
        DbConnection connection, DbTransaction transaction, string filter, List<(string, object?)> parameters, string extra, CancellationToken cancellationToken)
    {
        var picked = new List<PickedDelivery>();
        using CachedCommand find = Command(
            connection, transaction,
            $"SELECT d.delivery_id, d.run_id, d.step, d.workers, d.queue, r.partition_key, r.workflow, r.status, d.priority, d.available_at FROM wf_deliveries d CROSS JOIN wf_runs r " +
            $"WHERE r.run_id = d.run_id AND d.status IN ({Pending}, {Claimed}) AND {DueAt} <= @now " +
            $"AND r.status IN {ClaimableRun} AND ({filter}){extra} ORDER BY d.priority DESC, d.available_at, d.delivery_id LIMIT @max {Dialect.ClaimLock}",
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

    /// <summary>Appends events in order with consecutive sequence numbers, and their deliveries.</summary>
    private async Task AppendEventsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        long sequence;
        using (CachedCommand next = Command(connection, transaction, "SELECT next_seq FROM wf_runs WHERE run_id = @r", ("r", runId)))
        {
            sequence = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        long after = await InsertEventsAsync(connection, transaction, runId, sequence, events, now, cancellationToken).ConfigureAwait(false);
        await SetNextSequenceAsync(connection, transaction, runId, sequence, after, cancellationToken).ConfigureAwait(false);
    }

    private static Task SetNextSequenceAsync(DbConnection connection, DbTransaction transaction, string runId, long before, long after, CancellationToken cancellationToken) =>
        after == before
            ? Task.CompletedTask
            : ExecuteAsync(connection, transaction, "UPDATE wf_runs SET next_seq = @n WHERE run_id = @r", cancellationToken, ("n", after), ("r", runId));

    /// <summary>The delivery (<c>@id</c>) is still claimed by the committing worker (<c>@me</c>).</summary>
    private static readonly string HeldBy = $"delivery_id = @id AND lease_owner = @me AND status = {Claimed}";
}
