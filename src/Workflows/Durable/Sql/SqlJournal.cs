using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Workflows.Durable.Sql;

/// <summary>
/// The journal's operations in SQL, each run inside a transaction the store opens: the same logic
/// for SQLite and PostgreSQL, so both stores keep exactly the same guarantees.
/// </summary>
internal sealed class SqlJournal(SqlDialect dialect)
{
    private const int Pending = (int)DeliveryStatus.Pending;
    private const int Claimed = (int)DeliveryStatus.Claimed;
    private const int Waiting = (int)DeliveryStatus.Waiting;
    private const string ActiveRun = "(0, 5)";

    /// <summary>The dialect.</summary>
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Creates the schema in an empty database and marks it as a Workflows store.</summary>
    public async Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (string statement in Dialect.CreateSchema)
        {
            await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "INSERT INTO wf_meta (key, value) VALUES ('schema', 'workflows'), ('version', @v)", cancellationToken, ("v", SqlDialect.SchemaVersion.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
    }

    /// <summary>Checks that the Workflows tables are there and of this version.</summary>
    public static async Task VerifySchemaAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> tables, string where, CancellationToken cancellationToken)
    {
        if (!tables.Contains("wf_meta"))
        {
            throw new WorkflowStoreException(
                $"{where} is not a Workflows store: it has tables ({string.Join(", ", tables.Order())}) but no wf_meta. Workflows does not write into another application's database; use an empty one.");
        }

        string? schema = null;
        string? version = null;
        using (DbCommand command = Command(connection, transaction, "SELECT key, value FROM wf_meta"))
        {
            using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (reader.GetString(0))
                {
                    case "schema": schema = reader.GetString(1); break;
                    case "version": version = reader.GetString(1); break;
                }
            }
        }

        if (schema != "workflows")
        {
            throw new WorkflowStoreException($"{where} has a wf_meta table that does not say it is a Workflows store (schema = '{schema}').");
        }

        if (version != SqlDialect.SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw new WorkflowStoreException($"{where} is a Workflows store of schema version {version}; this build reads version {SqlDialect.SchemaVersion}.");
        }

        foreach (string table in SqlDialect.Tables)
        {
            if (!tables.Contains(table))
            {
                throw new WorkflowStoreException($"{where} is a Workflows store but its table {table} is missing; it was damaged or altered. Restore it from a backup.");
            }
        }
    }

    /// <summary>Stores a new run and its StartEvent, or returns the run an id or idempotency key already names.</summary>
    public async Task<(RunRecord Run, bool Created)> CreateRunAsync(DbConnection connection, DbTransaction transaction, NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GetRunAsync(connection, transaction, run.RunId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing.Workflow == run.Workflow
                ? (existing, false)
                : throw new InvalidOperationException($"Run id '{run.RunId}' is already used by a run of workflow '{existing.Workflow}'.");
        }

        if (run.IdempotencyKey is not null)
        {
            using DbCommand find = Command(connection, transaction, "SELECT run_id FROM wf_runs WHERE workflow = @w AND idempotency_key = @k", ("w", run.Workflow), ("k", run.IdempotencyKey));
            if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id)
            {
                return ((await GetRunAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false))!, false);
            }
        }

        long at = Millis(now);
        await ExecuteAsync(
            connection, transaction,
            "INSERT INTO wf_runs (run_id, workflow, fingerprint, shape, status, idempotency_key, next_seq, created_at, updated_at) VALUES (@id, @w, @f, @s, 0, @k, 1, @t, @t)",
            cancellationToken,
            ("id", run.RunId), ("w", run.Workflow), ("f", run.Fingerprint), ("s", run.Shape), ("k", run.IdempotencyKey), ("t", at)).ConfigureAwait(false);
        await AppendEventsAsync(connection, transaction, run.RunId, [run.Start], now, cancellationToken).ConfigureAwait(false);
        return ((await GetRunAsync(connection, transaction, run.RunId, cancellationToken).ConfigureAwait(false))!, true);
    }

    public async Task<RunRecord?> GetRunAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken, bool forUpdate = false)
    {
        using DbCommand command = Command(connection, transaction, RunColumns + " WHERE run_id = @id" + (forUpdate ? " " + Dialect.RunLock : string.Empty), ("id", runId));
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRun(reader) : null;
    }

    public static async Task<RunPage> ListRunsAsync(DbConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Workflow is not null)
        {
            filters.Add("workflow = @w");
            parameters.Add(("w", query.Workflow));
        }

        if (query.Status is { } status)
        {
            filters.Add("status = @s");
            parameters.Add(("s", (int)status));
        }

        string where = filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters);
        int total;
        using (DbCommand count = Command(connection, null, "SELECT COUNT(*) FROM wf_runs" + where, [.. parameters]))
        {
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        parameters.Add(("limit", Math.Clamp(query.Limit, 1, 1000)));
        parameters.Add(("offset", Math.Max(query.Offset, 0)));
        using DbCommand command = Command(connection, null, RunColumns + where + " ORDER BY created_at DESC, run_id DESC LIMIT @limit OFFSET @offset", [.. parameters]);
        var runs = new List<RunRecord>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadRun(reader));
        }

        return new RunPage(runs, total);
    }

    /// <summary>
    /// Claims up to <see cref="ClaimRequest.Max"/> due deliveries (pending, or claimed under an expired
    /// lease) of runs this worker can run, oldest due first, within each step's worker limit.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(DbConnection connection, DbTransaction transaction, ClaimRequest request, CancellationToken cancellationToken)
    {
        long now = Millis(request.Now);
        (string filter, List<(string, object?)> parameters) = WorkflowFilter(request.Fingerprints);
        if (filter.Length == 0)
        {
            return new ClaimResult([], null);
        }

        parameters.Add(("now", now));
        var due = new List<(string, object?)>(parameters) { ("max", Math.Clamp(request.Max, 1, 100)) };

        // "status IN (pending, claimed)" keeps the scan on the partial index of active deliveries, however long the history.
        var picked = new List<(long Id, string RunId, int Step, int Workers)>();
        using (DbCommand find = Command(
            connection, transaction,
            $"SELECT d.delivery_id, d.run_id, d.step, d.workers FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id " +
            $"WHERE d.status IN ({Pending}, {Claimed}) AND ((d.status = {Pending} AND d.available_at <= @now) OR (d.status = {Claimed} AND d.lease_expires <= @now)) " +
            $"AND r.status IN {ActiveRun} AND ({filter}) ORDER BY d.available_at, d.delivery_id LIMIT @max {Dialect.ClaimLock}",
            [.. due]))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                picked.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        if (picked.Count == 0)
        {
            using DbCommand next = Command(
                connection, transaction,
                $"SELECT MIN(d.available_at) FROM wf_deliveries d JOIN wf_runs r ON r.run_id = d.run_id WHERE d.status = {Pending} AND d.available_at > @now AND r.status IN {ActiveRun} AND ({filter})",
                [.. parameters]);
            object? soonest = await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return new ClaimResult([], soonest is null or DBNull ? null : FromMillis(Convert.ToInt64(soonest, CultureInfo.InvariantCulture)));
        }

        // The runs' rows are held (or SQLite's single writer is), so these counts are exact: no two claims exceed a step's limit.
        var claimed = new Dictionary<(string RunId, int Step), long>();
        var deliveries = new List<ClaimedDelivery>();
        foreach ((long id, string runId, int step, int workers) in picked)
        {
            if (!claimed.TryGetValue((runId, step), out long active))
            {
                using DbCommand count = Command(
                    connection, transaction,
                    $"SELECT COUNT(*) FROM wf_deliveries WHERE run_id = @r AND step = @s AND status = {Claimed} AND lease_expires > @now",
                    ("r", runId), ("s", step), ("now", now));
                active = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            if (active >= workers)
            {
                continue;
            }

            claimed[(runId, step)] = active + 1;
            deliveries.Add(await TakeAsync(connection, transaction, id, request, cancellationToken).ConfigureAwait(false));
        }

        // All due deliveries were at their step's limit: look again shortly.
        return new ClaimResult(deliveries, deliveries.Count == 0 ? request.Now + TimeSpan.FromMilliseconds(20) : null);
    }

    /// <summary>Puts one delivery under the worker's lease and loads what running it needs.</summary>
    private async Task<ClaimedDelivery> TakeAsync(DbConnection connection, DbTransaction transaction, long deliveryId, ClaimRequest request, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Claimed}, lease_owner = @me, lease_expires = @until, executions = executions + 1 WHERE delivery_id = @id",
            cancellationToken,
            ("me", request.WorkerId), ("until", Millis(request.Now + request.Lease)), ("id", deliveryId)).ConfigureAwait(false);

        using DbCommand load = Command(
            connection, transaction,
            "SELECT d.run_id, d.step, d.attempt, d.answers, d.prompted, e.event_id, e.seq, e.kind, e.type, e.payload, e.producer, e.created_at " +
            "FROM wf_deliveries d JOIN wf_events e ON e.event_id = d.event_id WHERE d.delivery_id = @id",
            ("id", deliveryId));
        string runId;
        int step, attempt, prompted;
        string? answers;
        StoredEvent ev;
        using (DbDataReader reader = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            runId = reader.GetString(0);
            step = reader.GetInt32(1);
            attempt = reader.GetInt32(2);
            answers = reader.IsDBNull(3) ? null : reader.GetString(3);
            prompted = reader.GetInt32(4);
            ev = new StoredEvent(reader.GetInt64(5), runId, reader.GetInt64(6), (EventRecordKind)reader.GetInt32(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10), FromMillis(reader.GetInt64(11)));
        }

        RunRecord run = (await GetRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false))!;
        return new ClaimedDelivery(deliveryId, run, step, attempt, ev, ParseAnswers(answers), prompted);
    }

    public static async Task<bool> RenewLeaseAsync(DbConnection connection, DbTransaction transaction, long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET lease_expires = @until WHERE delivery_id = @id AND lease_owner = @me AND status = {Claimed} " +
            $"AND run_id IN (SELECT run_id FROM wf_runs WHERE status IN {ActiveRun})",
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
    public async Task<CommitResult> CommitAsync(DbConnection connection, DbTransaction transaction, DeliveryCommit commit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? run = await GetRunAsync(connection, transaction, commit.RunId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        if (run is null || run.IsFinished)
        {
            return CommitResult.LeaseLost;
        }

        using (DbCommand held = Command(
            connection, transaction,
            $"SELECT COUNT(*) FROM wf_deliveries WHERE delivery_id = @id AND lease_owner = @me AND status = {Claimed}",
            ("id", commit.DeliveryId), ("me", commit.WorkerId)))
        {
            if (Convert.ToInt64(await held.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 1)
            {
                return CommitResult.LeaseLost;
            }
        }

        foreach (StateWrite write in commit.StateWrites)
        {
            if (!await WriteStateAsync(connection, transaction, commit.RunId, write, cancellationToken).ConfigureAwait(false))
            {
                return CommitResult.StateConflict;
            }
        }

        await AppendEventsAsync(connection, transaction, commit.RunId, commit.Events, now, cancellationToken).ConfigureAwait(false);
        await SettleDeliveryAsync(connection, transaction, commit, now, cancellationToken).ConfigureAwait(false);
        if (commit.Completion is { } completion)
        {
            await EndRunAsync(connection, transaction, commit.RunId, completion, now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await UpdateRunStatusAsync(connection, transaction, commit.RunId, commit.AcceptsExternalEvents, commit.StallMessage, now, cancellationToken).ConfigureAwait(false);
        }

        return CommitResult.Committed;
    }

    /// <summary>An event from outside: to the oldest delivery waiting for its type, else to the steps that take it.</summary>
    public async Task<ExternalResult> AddExternalEventAsync(DbConnection connection, DbTransaction transaction, ExternalEvent ev, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? run = await GetRunAsync(connection, transaction, ev.RunId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        if (run is null)
        {
            return ExternalResult.RunNotFound;
        }

        if (run.IsFinished)
        {
            return ExternalResult.RunEnded;
        }

        var parameters = new List<(string, object?)> { ("run", ev.RunId) };
        var names = new List<string>();
        for (int i = 0; i < ev.AcceptedTypes.Count; i++)
        {
            names.Add("@t" + i.ToString(CultureInfo.InvariantCulture));
            parameters.Add(("t" + i.ToString(CultureInfo.InvariantCulture), ev.AcceptedTypes[i]));
        }

        long? waiting = null;
        string? answers = null;
        using (DbCommand find = Command(
            connection, transaction,
            $"SELECT delivery_id, answers FROM wf_deliveries WHERE run_id = @run AND status = {Waiting} AND waiting_for IN ({string.Join(", ", names)}) ORDER BY delivery_id LIMIT 1",
            [.. parameters]))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                waiting = reader.GetInt64(0);
                answers = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        var journal = new NewEvent(EventRecordKind.External, ev.Type, ev.Payload, null, waiting is null ? ev.Deliveries : []);
        if (waiting is null && ev.Deliveries.Count == 0)
        {
            return ExternalResult.NotAccepted;
        }

        await AppendEventsAsync(connection, transaction, ev.RunId, [journal], now, cancellationToken).ConfigureAwait(false);
        if (waiting is { } id)
        {
            List<StoredAnswer> recorded = [.. ParseAnswers(answers), new StoredAnswer(ev.Type, ev.Payload)];
            await ExecuteAsync(
                connection, transaction,
                $"UPDATE wf_deliveries SET status = {Pending}, waiting_for = NULL, answers = @a, available_at = @now WHERE delivery_id = @id",
                cancellationToken,
                ("a", JsonSerializer.Serialize(recorded, EngineJsonContext.Default.ListStoredAnswer)), ("now", Millis(now)), ("id", id)).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = 0, updated_at = @t WHERE run_id = @id", cancellationToken, ("t", Millis(now)), ("id", ev.RunId)).ConfigureAwait(false);
        return waiting is null ? ExternalResult.Routed : ExternalResult.Answered;
    }

    public async Task<bool> CancelRunAsync(DbConnection connection, DbTransaction transaction, string runId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? run = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        if (run is null || run.IsFinished)
        {
            return false;
        }

        await EndRunAsync(connection, transaction, runId, new RunCompletion(WorkflowRunStatus.Cancelled, null, null, reason), now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(DbConnection connection, string runId, long afterSequence, int max, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(
            connection, null,
            "SELECT event_id, seq, kind, type, payload, producer, created_at FROM wf_events WHERE run_id = @r AND seq > @after ORDER BY seq LIMIT @max",
            ("r", runId), ("after", afterSequence), ("max", Math.Clamp(max, 1, 10_000)));
        var events = new List<StoredEvent>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredEvent(reader.GetInt64(0), runId, reader.GetInt64(1), (EventRecordKind)reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), FromMillis(reader.GetInt64(6))));
        }

        return events;
    }

    public static async Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(DbConnection connection, string runId, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(connection, null, "SELECT key, version, type, value FROM wf_state WHERE run_id = @r", ("r", runId));
        var state = new Dictionary<string, StoredValue>(StringComparer.Ordinal);
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            state[reader.GetString(0)] = new StoredValue(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
        }

        return state;
    }

    public static async Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(DbConnection connection, string runId, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(
            connection, null,
            "SELECT delivery_id, step, step_name, event_id, status, attempt, executions, worker FROM wf_deliveries WHERE run_id = @r ORDER BY delivery_id",
            ("r", runId));
        var deliveries = new List<DeliveryRecord>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(new DeliveryRecord(reader.GetInt64(0), runId, reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), (DeliveryStatus)reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return deliveries;
    }

    /// <summary>Unix milliseconds: one integer column type in every database, ordered like time.</summary>
    public static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    private const string RunColumns =
        "SELECT run_id, workflow, fingerprint, shape, status, idempotency_key, result_type, result_payload, error, created_at, updated_at FROM wf_runs";

    private static RunRecord ReadRun(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        (WorkflowRunStatus)reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        FromMillis(reader.GetInt64(9)),
        FromMillis(reader.GetInt64(10)));

    private static List<StoredAnswer> ParseAnswers(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, EngineJsonContext.Default.ListStoredAnswer) ?? [];

    private static (string Filter, List<(string, object?)> Parameters) WorkflowFilter(IReadOnlyDictionary<string, string> fingerprints)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object?)>();
        int i = 0;
        foreach ((string workflow, string fingerprint) in fingerprints.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string n = i++.ToString(CultureInfo.InvariantCulture);
            clauses.Add($"(r.workflow = @w{n} AND r.fingerprint = @f{n})");
            parameters.Add(("w" + n, workflow));
            parameters.Add(("f" + n, fingerprint));
        }

        return (string.Join(" OR ", clauses), parameters);
    }

    /// <summary>Appends events in order with consecutive sequence numbers, and their deliveries.</summary>
    private static async Task AppendEventsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        long sequence;
        using (DbCommand next = Command(connection, transaction, "SELECT next_seq FROM wf_runs WHERE run_id = @r", ("r", runId)))
        {
            sequence = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        long at = Millis(now);
        foreach (NewEvent ev in events)
        {
            long eventId;
            using (DbCommand insert = Command(
                connection, transaction,
                "INSERT INTO wf_events (run_id, seq, kind, type, payload, producer, created_at) VALUES (@r, @seq, @kind, @type, @payload, @producer, @t) RETURNING event_id",
                ("r", runId), ("seq", sequence++), ("kind", (int)ev.Kind), ("type", ev.Type), ("payload", ev.Payload), ("producer", ev.Producer), ("t", at)))
            {
                eventId = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            foreach (NewDelivery delivery in ev.Deliveries)
            {
                await ExecuteAsync(
                    connection, transaction,
                    $"INSERT INTO wf_deliveries (run_id, step, step_name, workers, event_id, status, attempt, executions, available_at, prompted, created_at) " +
                    $"VALUES (@r, @step, @name, @workers, @e, {Pending}, 1, 0, @due, 0, @t)",
                    cancellationToken,
                    ("r", runId), ("step", delivery.Step), ("name", delivery.StepName), ("workers", delivery.Workers), ("e", eventId), ("due", Millis(delivery.AvailableAt)), ("t", at)).ConfigureAwait(false);
            }
        }

        await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET next_seq = @n WHERE run_id = @r", cancellationToken, ("n", sequence), ("r", runId)).ConfigureAwait(false);
    }

    /// <summary>Writes one state value if it is still at the version the step read; false on a conflict.</summary>
    private static async Task<bool> WriteStateAsync(DbConnection connection, DbTransaction transaction, string runId, StateWrite write, CancellationToken cancellationToken)
    {
        long current;
        using (DbCommand version = Command(connection, transaction, "SELECT version FROM wf_state WHERE run_id = @r AND key = @k", ("r", runId), ("k", write.Key)))
        {
            object? found = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            current = found is null or DBNull ? 0 : Convert.ToInt64(found, CultureInfo.InvariantCulture);
        }

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

    private static Task<int> SettleDeliveryAsync(DbConnection connection, DbTransaction transaction, DeliveryCommit commit, DateTimeOffset now, CancellationToken cancellationToken) => commit.Outcome switch
    {
        DeliveryOutcome.Done => ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Done}, lease_owner = NULL, lease_expires = NULL, prompted = @p, worker = @w WHERE delivery_id = @id",
            cancellationToken, ("p", commit.PromptedWaits), ("w", commit.WorkerId), ("id", commit.DeliveryId)),
        DeliveryOutcome.Waiting => ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Waiting}, lease_owner = NULL, lease_expires = NULL, waiting_for = @w, prompted = @p WHERE delivery_id = @id",
            cancellationToken, ("w", commit.WaitingFor), ("p", commit.PromptedWaits), ("id", commit.DeliveryId)),
        DeliveryOutcome.Retry => ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Pending}, lease_owner = NULL, lease_expires = NULL, attempt = attempt + 1, available_at = @due, error = @e WHERE delivery_id = @id",
            cancellationToken, ("due", Millis(commit.RetryAt ?? now)), ("e", commit.Error), ("id", commit.DeliveryId)),
        _ => ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Failed}, lease_owner = NULL, lease_expires = NULL, error = @e WHERE delivery_id = @id",
            cancellationToken, ("e", commit.Error), ("id", commit.DeliveryId)),
    };

    private static async Task EndRunAsync(DbConnection connection, DbTransaction transaction, string runId, RunCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection, transaction,
            "UPDATE wf_runs SET status = @s, result_type = @rt, result_payload = @rp, error = @e, updated_at = @t WHERE run_id = @id",
            cancellationToken,
            ("s", (int)completion.Status), ("rt", completion.ResultType), ("rp", completion.ResultPayload), ("e", completion.Error), ("t", Millis(now)), ("id", runId)).ConfigureAwait(false);
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Cancelled}, lease_owner = NULL, lease_expires = NULL WHERE run_id = @id AND status IN ({Pending}, {Claimed}, {Waiting})",
            cancellationToken,
            ("id", runId)).ConfigureAwait(false);
    }

    /// <summary>Running while deliveries are pending or claimed; waiting for input when only waits remain (or the workflow takes events from outside); stalled otherwise.</summary>
    private static async Task UpdateRunStatusAsync(DbConnection connection, DbTransaction transaction, string runId, bool acceptsExternal, string stallMessage, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long active, waiting;
        using (DbCommand count = Command(
            connection, transaction,
            $"SELECT COALESCE(SUM(CASE WHEN status IN ({Pending}, {Claimed}) THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = {Waiting} THEN 1 ELSE 0 END), 0) FROM wf_deliveries WHERE run_id = @id",
            ("id", runId)))
        {
            using DbDataReader reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            active = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            waiting = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        if (active == 0 && waiting == 0 && !acceptsExternal)
        {
            await EndRunAsync(connection, transaction, runId, new RunCompletion(WorkflowRunStatus.Failed, null, null, stallMessage), now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var status = active > 0 ? WorkflowRunStatus.Running : WorkflowRunStatus.WaitingForInput;
        await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = @s, updated_at = @t WHERE run_id = @id", cancellationToken, ("s", (int)status), ("t", Millis(now)), ("id", runId)).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
