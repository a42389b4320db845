using System.Data.Common;
using System.Globalization;
using System.Text.Json;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: runs, their status, and events sent into them from outside.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>
    /// Stores a new run and its StartEvent, or returns the run its id or idempotency key already names.
    /// The insert itself decides (<c>ON CONFLICT DO NOTHING</c>), so two starts with one key at the
    /// same moment, in any processes, make one run and both get it back.
    /// </summary>
    public async Task<(RunRecord Run, bool Created)> CreateRunAsync(DbConnection connection, DbTransaction transaction, NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? inserted;
        using (CachedCommand insert = Command(connection, transaction, RunInsert, RunInsertParameters(run, now)))
        using (DbDataReader reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            inserted = await ReadInsertedRunAsync(reader, run, cancellationToken).ConfigureAwait(false);
        }

        if (inserted is null)
        {
            return (await ExistingRunAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false), false);
        }

        RunRecord created = await StartEventAsync(connection, transaction, run, inserted, now, cancellationToken).ConfigureAwait(false);
        if (run.Tags is { Count: > 0 } tags)
        {
            await WriteTagsAsync(connection, transaction, run.RunId, tags, cancellationToken).ConfigureAwait(false);
            created = created with { Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal) };
        }

        return (created, true);
    }

    /// <summary>
    /// The new run's row, returned as inserted (no read of it after: on SQLite every statement costs); nothing if its
    /// id or idempotency key is taken.
    /// </summary>
    private const string RunInsert =
        "INSERT INTO wf_runs (run_id, workflow, fingerprint, shape, status, idempotency_key, next_seq, created_at, updated_at, parent_run_id, parent_delivery_id, trace_parent, deadline_at, timeout_ms, priority, partition_key, title) " +
        "VALUES (@id, @w, @f, @shape, @status, @k, 2, @t, @t, @parent, @pd, @trace, @deadline, @timeout, @priority, @partition, @title) ON CONFLICT DO NOTHING " +
        "RETURNING " + RunColumnNames;

    /// <summary>The run <see cref="RunInsert"/> returned, with its title; <see langword="null"/> when it returned none (the id or key was taken).</summary>
    private static async Task<RunRecord?> ReadInsertedRunAsync(DbDataReader reader, NewRun run, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRun(reader) with { Title = run.Title } : null;

    private static (string, object?)[] RunInsertParameters(NewRun run, DateTimeOffset now) =>
    [
        ("status", (int)(run.Queued ? WorkflowRunStatus.Queued : WorkflowRunStatus.Running)),
        ("priority", run.Priority), ("partition", run.PartitionKey), ("title", run.Title),
        ("id", run.RunId), ("w", run.Workflow), ("f", run.Fingerprint), ("shape", run.Shape), ("k", run.IdempotencyKey), ("t", Millis(now)),
        ("parent", run.ParentRunId), ("pd", run.ParentDeliveryId), ("trace", run.TraceParent),
        ("deadline", run.Timeout is { } timeout ? Millis(now + timeout) : null), ("timeout", run.Timeout is { } limit ? (long)limit.TotalMilliseconds : null),
    ];

    /// <summary>Whether <see cref="TryCreateRunAtOnceAsync"/> can store the run: its start asks no question and makes few deliveries, and it has no tags.</summary>
    public static bool CreatesAtOnce(NewRun run) =>
        run.Start.Question is null && run.Start.Deliveries.Count < s_startInserts.Length && run.Tags is not { Count: > 0 };

    /// <summary>
    /// Stores a new run, its StartEvent, deliveries and feed entry, and returns it, in one round trip (see
    /// <see cref="CreatesAtOnce"/>); <see langword="null"/> if its id or idempotency key was taken: the caller
    /// declines this write (nothing of it is kept) and creates the run the usual way, which returns the run that took them.
    /// </summary>
    public static async Task<RunRecord?> TryCreateRunAtOnceAsync(DbConnection connection, DbTransaction transaction, NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string sql, (string, object?)[] parameters) = RunAtOnceStatement(run, now);
        try
        {
            using CachedCommand insert = Command(connection, transaction, sql, parameters);
            using DbDataReader reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadRunAtOnceAsync(reader, run, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The id was taken: its run has a StartEvent at sequence 1 already. The usual create finds that run (or meets a real error again).
            return null;
        }
    }

    /// <summary><see cref="TryCreateRunAtOnceAsync"/> as one command and the reading of its results, for a group commit to send with others'.</summary>
    public static PipelinedWork<RunRecord?> PipelineRunAtOnce(NewRun run, DateTimeOffset now)
    {
        (string sql, (string, object?)[] parameters) = RunAtOnceStatement(run, now);
        return new PipelinedWork<RunRecord?>(sql, parameters, async (reader, cancellationToken) =>
        {
            try
            {
                // Only this write's first result: the batch moves past the rest, and an error in them undoes the write.
                RunRecord? created = await ReadInsertedRunAsync(reader, run, cancellationToken).ConfigureAwait(false);
                return (created, Keep: created is not null);
            }
            catch (DbException)
            {
                // As above: not kept, and the write runs again the usual way.
                return (null, Keep: false);
            }
        });
    }

    private static (string Sql, (string, object?)[] Parameters) RunAtOnceStatement(NewRun run, DateTimeOffset now)
    {
        WorkflowRunStatus status = run.Queued ? WorkflowRunStatus.Queued : WorkflowRunStatus.Running;
        return new Statement(RunInsert, RunInsertParameters(run, now)).Then(
            s_startInserts[run.Start.Deliveries.Count],
            [.. EventParameters(run.RunId, 1, run.Start, Millis(now)), ("w", run.Workflow), ("from", -1), ("s", (int)status)]);
    }

    /// <summary>
    /// The run the start's command returned as inserted (its first result), once its other statements ran (they run
    /// as the reader moves past them, and an error in one is thrown here); <see langword="null"/> when it returned none:
    /// another run took the key (this one's row was never inserted).
    /// </summary>
    private static async Task<RunRecord?> ReadRunAtOnceAsync(DbDataReader reader, NewRun run, CancellationToken cancellationToken)
    {
        RunRecord? inserted = await ReadInsertedRunAsync(reader, run, cancellationToken).ConfigureAwait(false);
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return inserted;
    }

    /// <summary>
    /// Records a new run's StartEvent (sequence 1: the row says 2 comes next), its deliveries and its feed
    /// entry — one round trip for the common start (no question, few deliveries), which leaves the run's row
    /// as <paramref name="inserted"/>; a question changes it, so that start reads it back.
    /// </summary>
    private async Task<RunRecord> StartEventAsync(DbConnection connection, DbTransaction transaction, NewRun run, RunRecord inserted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        WorkflowRunStatus status = run.Queued ? WorkflowRunStatus.Queued : WorkflowRunStatus.Running;
        NewEvent start = run.Start;
        if (start.Question is not null || start.Deliveries.Count >= s_startInserts.Length)
        {
            await InsertEventsAsync(connection, transaction, run.RunId, 1, [start], now, cancellationToken).ConfigureAwait(false);
            await RecordChangeAsync(connection, transaction, run.RunId, run.Workflow, null, status, now, cancellationToken).ConfigureAwait(false);
            return (await GetRunAsync(connection, transaction, run.RunId, cancellationToken).ConfigureAwait(false))! with { Title = run.Title };
        }

        using CachedCommand insert = Command(
            connection, transaction,
            s_startInserts[start.Deliveries.Count],
            [.. EventParameters(run.RunId, 1, start, Millis(now)), ("w", run.Workflow), ("from", -1), ("s", (int)status)]);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    /// <summary>A start's statements by its number of deliveries: the event and its deliveries, and the feed entry.</summary>
    private static readonly string[] s_startInserts = [.. Enumerable.Range(0, 8).Select(n => BuildEventInsert(n) + "; " + RecordChangeStatement("@r"))];

    /// <summary>The run that took a new run's id or idempotency key first.</summary>
    private static async Task<RunRecord> ExistingRunAsync(DbConnection connection, DbTransaction transaction, NewRun run, CancellationToken cancellationToken)
    {
        if (await ReadRunAsync(connection, transaction, run.RunId, string.Empty, cancellationToken, withTitle: true).ConfigureAwait(false) is { } existing)
        {
            return existing.Workflow == run.Workflow
                ? await WithTagsAsync(connection, transaction, existing, cancellationToken).ConfigureAwait(false)
                : throw new InvalidOperationException($"Run id '{run.RunId}' is already used by a run of workflow '{existing.Workflow}'.");
        }

        using CachedCommand find = Command(connection, transaction, "SELECT run_id FROM wf_runs WHERE workflow = @w AND idempotency_key = @k", ("w", run.Workflow), ("k", run.IdempotencyKey));
        return await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string id
            ? await WithTagsAsync(connection, transaction, (await ReadRunAsync(connection, transaction, id, string.Empty, cancellationToken, withTitle: true).ConfigureAwait(false))!, cancellationToken).ConfigureAwait(false)
            : throw new WorkflowStoreException($"Run '{run.RunId}' of workflow '{run.Workflow}' could not be stored and no run holds its id or idempotency key.");
    }

    /// <summary>A run with its tags, for callers (the journal's own reads skip the tags).</summary>
    public static async Task<RunRecord?> GetRunWithTagsAsync(DbConnection connection, string runId, CancellationToken cancellationToken) =>
        await ReadRunAsync(connection, null, runId, string.Empty, cancellationToken, withTitle: true).ConfigureAwait(false) is { } run
            ? await WithTagsAsync(connection, null, run, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Locks a run's row for a commit; returns the run and the sequence its next event takes.</summary>
    private async Task<(RunRecord? Run, long NextSequence)> LockRunAsync(DbConnection connection, DbTransaction transaction, string runId, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(connection, transaction, RunColumnList + ", next_seq FROM wf_runs WHERE run_id = @id " + Dialect.RunLock, ("id", runId));
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (ReadRun(reader), reader.GetInt64(15)) : (null, 0);
    }

    public Task<RunRecord?> GetRunAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken, bool forUpdate = false) =>
        ReadRunAsync(connection, transaction, runId, forUpdate ? " " + Dialect.RunLock : string.Empty, cancellationToken);

    /// <summary>One run; <paramref name="withTitle"/> reads its title too, for callers (the journal's own reads leave it out).</summary>
    private static async Task<RunRecord?> ReadRunAsync(DbConnection connection, DbTransaction? transaction, string runId, string suffix, CancellationToken cancellationToken, bool withTitle = false)
    {
        using CachedCommand command = Command(connection, transaction, (withTitle ? TitledRunColumns : RunColumns) + " WHERE run_id = @id" + suffix, ("id", runId));
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (withTitle ? ReadTitledRun(reader) : ReadRun(reader)) : null;
    }

    public static async Task<RunPage> ListRunsAsync(DbConnection connection, RunQuery query, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        var parameters = new List<(string, object?)>();
        FilterByWorkflowAndStatus(filters, parameters, query.Workflow, query.Status);

        if (query.ParentRunId is not null)
        {
            filters.Add("parent_run_id = @parent");
            parameters.Add(("parent", query.ParentRunId));
        }

        if (query.CreatedAfter is { } after)
        {
            filters.Add("created_at >= @after");
            parameters.Add(("after", Millis(after)));
        }

        if (query.CreatedBefore is { } before)
        {
            filters.Add("created_at < @before");
            parameters.Add(("before", Millis(before)));
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // LIKE with the pattern's own wildcards escaped, so '%' and '_' in a search are found as written.
            string text = query.Search.Trim();
            string escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            filters.Add("(LOWER(title) LIKE @search ESCAPE '\\' OR run_id LIKE @idprefix ESCAPE '\\')");
            parameters.Add(("search", "%" + escaped.ToLowerInvariant() + "%"));
            parameters.Add(("idprefix", escaped + "%"));
        }

        int tag = 0;
        foreach ((string key, string value) in query.Tags ?? Enumerable.Empty<KeyValuePair<string, string>>())
        {
            string n = (tag++).ToString(CultureInfo.InvariantCulture);
            filters.Add($"EXISTS (SELECT 1 FROM wf_run_tags t WHERE t.run_id = wf_runs.run_id AND t.key = @tk{n} AND t.value = @tv{n})");
            parameters.Add(("tk" + n, key));
            parameters.Add(("tv" + n, value));
        }

        string where = filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters);
        int total;
        using (CachedCommand count = Command(connection, null, "SELECT COUNT(*) FROM wf_runs" + where, [.. parameters]))
        {
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        parameters.Add(("limit", Math.Clamp(query.Limit, 1, 1000)));
        parameters.Add(("offset", Math.Max(query.Offset, 0)));
        using CachedCommand command = Command(connection, null, TitledRunColumns + where + " ORDER BY created_at DESC, run_id DESC LIMIT @limit OFFSET @offset", [.. parameters]);
        var runs = new List<RunRecord>();
        using (DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(ReadTitledRun(reader));
            }
        }

        Dictionary<string, Dictionary<string, string>> tags = await ReadTagsAsync(connection, null, [.. runs.Select(r => r.RunId)], cancellationToken).ConfigureAwait(false);
        return new RunPage([.. runs.Select(r => tags.TryGetValue(r.RunId, out Dictionary<string, string>? mine) ? r with { Tags = mine } : r)], total);
    }


    /// <summary>The filters runs and purges share: a workflow's runs, runs in a status.</summary>
    private static void FilterByWorkflowAndStatus(List<string> filters, List<(string, object?)> parameters, string? workflow, WorkflowRunStatus? status)
    {
        if (workflow is not null)
        {
            filters.Add("workflow = @w");
            parameters.Add(("w", workflow));
        }

        if (status is { } value)
        {
            filters.Add("status = @s");
            parameters.Add(("s", (int)value));
        }
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
        using (CachedCommand find = Command(
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

        var journal = new NewEvent(EventRecordKind.External, ev.Type, ev.Payload, ev.SentBy, waiting is null ? ev.Deliveries : []);
        if (waiting is null && ev.Deliveries.Count == 0)
        {
            return ExternalResult.NotAccepted;
        }

        (HumanTaskRecord? task, ExternalResult? refused) = await TaskAnsweredAsync(connection, transaction, ev, waiting, cancellationToken).ConfigureAwait(false);
        if (refused is { } notAllowed)
        {
            return notAllowed;
        }

        List<NewEvent> entries = [journal];
        if (task is not null)
        {
            entries.Add(await CompleteTaskAsync(connection, transaction, task, ev.Answerer?.UserId ?? ev.SentBy, now, cancellationToken).ConfigureAwait(false));
        }

        long journaled = await AppendEventsAsync(connection, transaction, ev.RunId, entries, now, cancellationToken).ConfigureAwait(false);
        if (task is not null)
        {
            await RecordTaskChangeAsync(connection, transaction, ev.RunId, task.TaskId, TaskHistoryEntry.Completed, journaled + 1, now, cancellationToken).ConfigureAwait(false);
        }
        if (waiting is { } id)
        {
            List<StoredAnswer> recorded = [.. ParseAnswers(answers), new StoredAnswer(ev.Type, ev.Payload) { SentBy = ev.SentBy }];
            await ExecuteAsync(
                connection, transaction,
                $"UPDATE wf_deliveries SET status = {Pending}, waiting_for = NULL, wait_until = NULL, answers = @a, available_at = @now WHERE delivery_id = @id",
                cancellationToken,
                ("a", JsonSerializer.Serialize(recorded, SqlJson.Default.ListStoredAnswer)), ("now", Millis(now)), ("id", id)).ConfigureAwait(false);
        }

        // An event routed to steps answers one of the run's open questions (a waiting step's answer is tracked by its delivery).
        // A suspended run keeps the answer and stays suspended: its step runs once it is resumed.
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_runs SET status = CASE WHEN status IN ({Suspended}, {(int)WorkflowRunStatus.Queued}) THEN status ELSE 0 END, updated_at = @t" +
            (waiting is null ? ", open_questions = CASE WHEN open_questions > 0 THEN open_questions - 1 ELSE 0 END" : string.Empty) + " WHERE run_id = @id",
            cancellationToken,
            ("t", Millis(now)), ("id", ev.RunId)).ConfigureAwait(false);
        if (run.Status is not WorkflowRunStatus.Running and not WorkflowRunStatus.Suspended and not WorkflowRunStatus.Queued)
        {
            await RecordChangeAsync(connection, transaction, run.RunId, run.Workflow, run.Status, WorkflowRunStatus.Running, now, cancellationToken).ConfigureAwait(false);
        }

        return waiting is null ? ExternalResult.Routed : ExternalResult.Answered;
    }

    public async Task<bool> CancelRunAsync(DbConnection connection, DbTransaction transaction, string runId, RunFailure reason, string requestedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        RunRecord? run = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        if (run is null || run.IsFinished)
        {
            return false;
        }

        await JournalControlAsync(connection, transaction, run, RunControlEntry.Cancelled, new RunControlEntry(requestedBy, run.Status), now, cancellationToken).ConfigureAwait(false);
        await EndRunAsync(connection, transaction, run, new RunCompletion(WorkflowRunStatus.Cancelled, null, null, reason.Message, reason), now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Ends the run; <paramref name="nextSequence"/>, when given, is the sequence its next event would take (the commit's events are in).</summary>
    private static async Task EndRunAsync(
        DbConnection connection, DbTransaction transaction, RunRecord run, RunCompletion completion, DateTimeOffset now, CancellationToken cancellationToken, long? nextSequence = null, Statement? before = null, ExpectedChecks? checks = null)
    {
        await EndRunOnlyAsync(connection, transaction, run, completion, now, nextSequence, before, checks, cancellationToken).ConfigureAwait(false);
        if (run.ParentRunId is not null)
        {
            await AnswerParentAsync(connection, transaction, run, completion, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A child run ended: the parent's step waiting for it gets its result (or how it ended) as its
    /// answer, in this same transaction, and runs again. A parent that stopped waiting (it ended) is left alone.
    /// </summary>
    private static async Task AnswerParentAsync(DbConnection connection, DbTransaction transaction, RunRecord child, RunCompletion completion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long? deliveryId;
        using (CachedCommand find = Command(connection, transaction, "SELECT parent_delivery_id FROM wf_runs WHERE run_id = @id", ("id", child.RunId)))
        {
            object? found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            deliveryId = found is null or DBNull ? null : Convert.ToInt64(found, CultureInfo.InvariantCulture);
        }

        string? answers;
        using (CachedCommand waiting = Command(
            connection, transaction,
            $"SELECT answers FROM wf_deliveries WHERE delivery_id = @id AND status = {Waiting} AND waiting_for = @w",
            ("id", deliveryId), ("w", StoredAnswer.ChildPrefix + child.RunId)))
        {
            using DbDataReader reader = await waiting.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            answers = reader.IsDBNull(0) ? null : reader.GetString(0);
        }

        StoredAnswer outcome = completion.Status == WorkflowRunStatus.Completed
            ? new StoredAnswer(completion.ResultType!, completion.ResultPayload!)
            : new StoredAnswer(
                StoredAnswer.ChildEnded,
                JsonSerializer.Serialize(new ChildRunEnded(child.RunId, child.Workflow, completion.Status, completion.Failure, child.TimeLimit is { } limit ? (long)limit.TotalMilliseconds : null), SqlJson.Default.ChildRunEnded));
        List<StoredAnswer> recorded = [.. ParseAnswers(answers), outcome];
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_deliveries SET status = {Pending}, waiting_for = NULL, wait_until = NULL, answers = @a, available_at = @now WHERE delivery_id = @id",
            cancellationToken,
            ("a", JsonSerializer.Serialize(recorded, SqlJson.Default.ListStoredAnswer)), ("now", Millis(now)), ("id", deliveryId)).ConfigureAwait(false);
        RunRecord parent = (await ReadRunAsync(connection, transaction, child.ParentRunId!, string.Empty, cancellationToken).ConfigureAwait(false))!;
        if (parent.Status == WorkflowRunStatus.WaitingForInput)
        {
            await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = 0, updated_at = @t WHERE run_id = @id", cancellationToken, ("t", Millis(now)), ("id", parent.RunId)).ConfigureAwait(false);
            await RecordChangeAsync(connection, transaction, parent.RunId, parent.Workflow, parent.Status, WorkflowRunStatus.Running, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An ending run's deliveries still to run (or waiting), cancelled.</summary>
    private static readonly string CancelDeliveriesStatement =
        $"UPDATE wf_deliveries SET status = {(int)DeliveryStatus.Cancelled}, lease_owner = NULL, lease_expires = NULL WHERE run_id = @id AND status IN ({Pending}, {Claimed}, {Waiting})";

    /// <summary>The run's end, its deliveries left cancelled and the change in the feed: one round trip (the change reads the sequence the end saved).</summary>
    private static readonly string EndRunStatements =
        "UPDATE wf_runs SET status = @s, result_type = @rt, result_payload = @rp, error = @e, failure = @f, updated_at = @t, finished_at = @t, next_seq = COALESCE(@n, next_seq) WHERE run_id = @id; " +
        CancelDeliveriesStatement + "; " +
        CancelTasksStatement + "; " +
        RecordChangeStatement("@id");

    /// <summary>
    /// Ends the run, its deliveries and tasks, with its feed entry; <paramref name="before"/>, if any, goes in the same round trip ahead of it,
    /// and begins with <paramref name="checks"/> when they are given.
    /// </summary>
    private static async Task EndRunOnlyAsync(
        DbConnection connection, DbTransaction transaction, RunRecord run, RunCompletion completion, DateTimeOffset now, long? nextSequence, Statement? before, ExpectedChecks? checks, CancellationToken cancellationToken)
    {
        (string, object?)[] parameters =
        [
            ("s", (int)completion.Status), ("rt", completion.ResultType), ("rp", completion.ResultPayload), ("e", completion.Error), ("f", WriteFailure(completion.Failure)),
            ("t", Millis(now)), ("n", nextSequence), ("id", run.RunId), ("w", run.Workflow), ("from", (int)run.Status),
        ];
        (string sql, (string, object?)[] all) = before?.Then(EndRunStatements, parameters) ?? (EndRunStatements, parameters);
        if (checks is null)
        {
            await ExecuteAsync(connection, transaction, sql, cancellationToken, all).ConfigureAwait(false);
            return;
        }

        using CachedCommand end = Command(connection, transaction, sql, all);
        using DbDataReader reader = await end.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await checks.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Running while deliveries are pending or claimed; waiting for input while only waits remain or a
    /// question is unanswered; stalled otherwise (the run rules' <c>HasStalled</c>, in SQL); a suspended
    /// run stays suspended until an operator resumes it, whatever its steps in flight commit. Returns the
    /// status and how many deliveries are active (pending or claimed, or waiting for a child run).
    /// </summary>
    /// <remarks>
    /// One round trip while the run goes on: the counts, the status they give (worked out in SQL the same
    /// way) and the feed entry if it changed. Only a stalled run takes another, to end it. <c>before</c>
    /// (the commit's event) goes ahead in the same round trip; with <c>handOver</c>, it returns the ids of the delivery handed over.
    /// </remarks>
    private static async Task<(WorkflowRunStatus Status, long Active)> UpdateRunStatusAsync(
        DbConnection connection, DbTransaction transaction, RunRecord run, Func<RunFailure>? stalled, DateTimeOffset now, CancellationToken cancellationToken, bool resuming = false, long? nextSequence = null,
        Statement? before = null, HandOver? handOver = null, ExpectedChecks? checks = null)
    {
        long active, waiting, questions;
        (string, object?)[] parameters =
        [
            ("id", run.RunId), ("child", StoredAnswer.ChildPrefix + "%"), ("keep", run.Status == WorkflowRunStatus.Suspended && !resuming ? 1 : 0),
            ("t", Millis(now)), ("n", nextSequence), ("w", run.Workflow), ("from", (int)run.Status),
        ];
        (string sql, (string, object?)[] all) = before?.Then(RunStatusStatements, parameters) ?? (RunStatusStatements, parameters);
        using (CachedCommand update = Command(connection, transaction, sql, all))
        {
            using DbDataReader reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (checks is not null)
            {
                await checks.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            if (handOver is not null)
            {
                await handOver.ReadIdsAsync(reader, run.RunId, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            active = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            waiting = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            questions = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }

        if (active == 0 && waiting == 0 && questions == 0)
        {
            // The UPDATE above left the run alone: it stalled, and ends here.
            RunCompletion stall = StallCompletion(stalled?.Invoke());
            await EndRunAsync(connection, transaction, run, stall, now, cancellationToken, nextSequence).ConfigureAwait(false);
            return (stall.Status, 0);
        }

        return (run.Status == WorkflowRunStatus.Suspended && !resuming ? WorkflowRunStatus.Suspended
            : active > 0 ? WorkflowRunStatus.Running : WorkflowRunStatus.WaitingForInput, active);
    }

    /// <summary>
    /// The run's active deliveries (<c>a</c>: pending or claimed, or waiting for a child run, which runs for
    /// it) and waiting ones (<c>w</c>: waiting for a person's answer or a time), counted in one pass over the
    /// run's own deliveries.
    /// </summary>
    /// <remarks>
    /// <c>status IN (pending, claimed, waiting)</c> as one condition keeps PostgreSQL on the run's index: written
    /// as <c>status IN (pending, claimed) OR ...</c>, its planner ORed in the partial index of every active
    /// delivery in the store, and each count scanned the whole backlog (0.2 ms each under load, five per commit).
    /// </remarks>
    private static readonly string DeliveryCounts =
        $"SELECT SUM(CASE WHEN status <> {Waiting} OR waiting_for LIKE @child THEN 1 ELSE 0 END) AS a, " +
        $"SUM(CASE WHEN status = {Waiting} AND waiting_for NOT LIKE @child THEN 1 ELSE 0 END) AS w " +
        $"FROM wf_deliveries WHERE run_id = @id AND status IN ({Pending}, {Claimed}, {Waiting})";

    /// <summary>
    /// The counts; the status they give, set unless the run stalled (<c>@keep</c>: a suspended run stays so);
    /// the feed entry when the status changed from <c>@from</c>.
    /// </summary>
    private static readonly string RunStatusStatements =
        $"SELECT COALESCE(c.a, 0), COALESCE(c.w, 0), (SELECT open_questions FROM wf_runs WHERE run_id = @id) FROM ({DeliveryCounts}) c; " +
        $"UPDATE wf_runs SET status = CASE WHEN @keep = 1 THEN {(int)WorkflowRunStatus.Suspended} WHEN c.a > 0 THEN {(int)WorkflowRunStatus.Running} ELSE {(int)WorkflowRunStatus.WaitingForInput} END, " +
        $"updated_at = @t, next_seq = COALESCE(@n, next_seq) FROM ({DeliveryCounts}) c WHERE wf_runs.run_id = @id AND (c.a > 0 OR c.w > 0 OR wf_runs.open_questions > 0); " +
        "INSERT INTO wf_run_changes (run_id, workflow, from_status, to_status, at, seq) SELECT @id, @w, @from, r.status, @t, r.next_seq - 1 FROM wf_runs r " +
        $"WHERE r.run_id = @id AND r.status <> @from AND EXISTS (SELECT 1 FROM wf_meta WHERE key = '{FeedKey}')";

    private static RunCompletion StallCompletion(RunFailure? stall) =>
        new(WorkflowRunStatus.Failed, null, null, stall?.Message ?? "The run stalled: nothing was pending or running, and no StopEvent was produced.", stall);
}
