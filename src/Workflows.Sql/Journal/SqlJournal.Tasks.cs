using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: questions as tasks. A task opens with the question's commit, changes hands by people
/// allowed to (decided here, in the transaction that makes the change), closes with its answer or its
/// run's end, and every change is an entry in its run's journal.
/// </summary>
internal sealed partial class SqlJournal
{
    private const int OpenTask = (int)HumanTaskStatus.Open;
    private const int UserAssignee = 0;
    private const int RoleAssignee = 1;

    private const string TaskColumns =
        "SELECT task_id, run_id, workflow, step, prompt_seq, prompt_type, title, priority, due_at, status, claimed_by, created_at, updated_at, closed_at, completed_by, escalated_at, delivery_id FROM wf_tasks";

    // What EndRunStatements does to a run's open tasks: they close with it (answered by nobody).
    private static string CancelTasksStatement =>
        $"UPDATE wf_tasks SET status = {(int)HumanTaskStatus.Cancelled}, closed_at = @t, updated_at = @t WHERE run_id = @id AND status = {OpenTask}";

    private static readonly string s_humanResponse = typeof(HumanResponseEvent).FullName!;

    /// <summary>Opens the task a question asks for, and journals it after the question (at <paramref name="sequence"/>, returning the sequence after).</summary>
    private static async Task<long> OpenTaskAsync(
        DbConnection connection, DbTransaction transaction, string runId, long promptSequence, NewEvent prompt, NewTask task, long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long at = Millis(now);
        long taskId;
        using (CachedCommand insert = Command(
            connection, transaction,
            "INSERT INTO wf_tasks (run_id, workflow, step, delivery_id, prompt_seq, prompt_type, title, priority, due_at, status, created_at, updated_at, overdue_type, overdue_payload, overdue_deliveries) " +
            $"VALUES (@r, (SELECT workflow FROM wf_runs WHERE run_id = @r), @step, @d, @seq, @type, @title, @p, @due, {OpenTask}, @t, @t, @ot, @op, @od) RETURNING task_id",
            ("r", runId), ("step", prompt.Producer ?? string.Empty), ("d", task.DeliveryId), ("seq", promptSequence), ("type", prompt.Type), ("title", task.Title),
            ("p", task.Priority), ("due", task.DueAt is { } due ? Millis(due) : null), ("t", at),
            ("ot", task.Overdue?.Type), ("op", task.Overdue?.Payload),
            ("od", task.Overdue is { } overdue ? JsonSerializer.Serialize([.. overdue.Deliveries], SqlJson.Default.ListNewDelivery) : null)))
        {
            taskId = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        await WriteAssigneesAsync(connection, transaction, taskId, task.Users, task.Roles, cancellationToken).ConfigureAwait(false);
        var entry = new TaskHistoryEntry(taskId, null) { Users = task.Users.Count == 0 ? null : task.Users, Roles = task.Roles.Count == 0 ? null : task.Roles };
        await RecordTaskChangeAsync(connection, transaction, runId, taskId, TaskHistoryEntry.Created, sequence, now, cancellationToken).ConfigureAwait(false);
        return await InsertEventsAsync(connection, transaction, runId, sequence, [TaskEntry(TaskHistoryEntry.Created, entry)], now, cancellationToken).ConfigureAwait(false);
    }

    private static NewEvent TaskEntry(string type, TaskHistoryEntry entry) =>
        new(EventRecordKind.Task, type, JsonSerializer.Serialize(entry, ControlJson.Default.TaskHistoryEntry), entry.By, []);

    private static async Task WriteAssigneesAsync(DbConnection connection, DbTransaction transaction, long taskId, IReadOnlyList<string> users, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        foreach ((int kind, string name) in users.Distinct(StringComparer.Ordinal).Select(u => (UserAssignee, u)).Concat(roles.Distinct(StringComparer.Ordinal).Select(r => (RoleAssignee, r))))
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO wf_task_assignees (task_id, kind, name) VALUES (@id, @k, @n)", cancellationToken, ("id", taskId), ("k", kind), ("n", name)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The task an event from outside answers, and whether its sender may: the task it names, or else (for
    /// a human response) the run's oldest open task asked by <paramref name="waitingDelivery"/> when the
    /// event goes to a waiting step, or its oldest open question asked some other way.
    /// </summary>
    private static async Task<(HumanTaskRecord? Task, ExternalResult? Refused)> TaskAnsweredAsync(
        DbConnection connection, DbTransaction transaction, ExternalEvent ev, long? waitingDelivery, CancellationToken cancellationToken)
    {
        HumanTaskRecord? task;
        if (ev.TaskId is { } taskId)
        {
            task = await GetTaskAsync(connection, transaction, taskId, cancellationToken).ConfigureAwait(false);
            if (task is null || task.RunId != ev.RunId)
            {
                return (null, ExternalResult.TaskNotFound);
            }
        }
        else if (ev.AcceptedTypes.Contains(s_humanResponse))
        {
            string which = waitingDelivery is null
                ? $"NOT EXISTS (SELECT 1 FROM wf_deliveries d WHERE d.delivery_id = t.delivery_id AND d.status = {Waiting})"
                : "t.delivery_id = @d";
            using CachedCommand find = Command(
                connection, transaction,
                $"SELECT t.task_id FROM wf_tasks t WHERE t.run_id = @r AND t.status = {OpenTask} AND {which} ORDER BY t.task_id LIMIT 1",
                ("r", ev.RunId), ("d", waitingDelivery));
            object? found = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            task = found is null or DBNull ? null : await GetTaskAsync(connection, transaction, Convert.ToInt64(found, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return (null, null);
        }

        return task is not null && ev.Answerer is { } answerer && task.Refusal(answerer, TaskAction.Answer) is not null
            ? (task, ExternalResult.TaskRefused)
            : (task, task is { Status: not HumanTaskStatus.Open } ? ExternalResult.TaskRefused : null);
    }

    /// <summary>Closes an answered task and journals who answered.</summary>
    private static async Task<NewEvent> CompleteTaskAsync(DbConnection connection, DbTransaction transaction, HumanTaskRecord task, string? by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_tasks SET status = {(int)HumanTaskStatus.Completed}, closed_at = @t, updated_at = @t, completed_by = @by WHERE task_id = @id",
            cancellationToken,
            ("t", Millis(now)), ("by", by), ("id", task.TaskId)).ConfigureAwait(false);
        return TaskEntry(TaskHistoryEntry.Completed, new TaskHistoryEntry(task.TaskId, by) { From = task.ClaimedBy });
    }

    /// <summary>A claim, release, delegation or reassignment, if the actor may; journaled in the task's run.</summary>
    public async Task<TaskChangeResult> ChangeTaskAsync(DbConnection connection, DbTransaction transaction, TaskChangeRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GetTaskAsync(connection, transaction, request.TaskId, cancellationToken).ConfigureAwait(false) is not { } before)
        {
            return new TaskChangeResult(null, null);
        }

        // The run's row first, as every writer of a run takes it: changes of one run's tasks and its commits take turns.
        RunRecord? run = await GetRunAsync(connection, transaction, before.RunId, cancellationToken, forUpdate: true).ConfigureAwait(false);
        HumanTaskRecord task = (await GetTaskAsync(connection, transaction, request.TaskId, cancellationToken).ConfigureAwait(false))!;
        if (task.Refusal(request.Actor, request.Action) is { } refusal)
        {
            return new TaskChangeResult(task, refusal);
        }

        if (run is null)
        {
            return new TaskChangeResult(task, $"Task {task.TaskId}'s run {task.RunId} no longer exists.");
        }

        string by = request.Actor.UserId;
        long at = Millis(now);
        (string type, TaskHistoryEntry entry) = request.Action switch
        {
            TaskAction.Claim => (TaskHistoryEntry.Claimed, new TaskHistoryEntry(task.TaskId, by) { To = by }),
            TaskAction.Release => (TaskHistoryEntry.Released, new TaskHistoryEntry(task.TaskId, by) { From = task.ClaimedBy, Reason = request.Reason }),
            TaskAction.Delegate => (TaskHistoryEntry.Delegated, new TaskHistoryEntry(task.TaskId, by) { From = task.ClaimedBy ?? by, To = request.To, Users = [request.To!], Reason = request.Reason }),
            TaskAction.Reassign => (TaskHistoryEntry.Reassigned, new TaskHistoryEntry(task.TaskId, by)
            {
                From = task.ClaimedBy,
                Users = request.Users.Count == 0 ? null : request.Users,
                Roles = request.Roles.Count == 0 ? null : request.Roles,
                Reason = request.Reason,
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Action, "Answer a task by sending its answer."),
        };

        string? claimedBy = request.Action == TaskAction.Claim ? by : null;
        await ExecuteAsync(connection, transaction, "UPDATE wf_tasks SET claimed_by = @c, updated_at = @t WHERE task_id = @id", cancellationToken, ("c", claimedBy), ("t", at), ("id", task.TaskId)).ConfigureAwait(false);
        if (request.Action is TaskAction.Delegate or TaskAction.Reassign)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM wf_task_assignees WHERE task_id = @id", cancellationToken, ("id", task.TaskId)).ConfigureAwait(false);
            IReadOnlyList<string> users = request.Action == TaskAction.Delegate ? [request.To!] : request.Users;
            IReadOnlyList<string> roles = request.Action == TaskAction.Delegate ? [] : request.Roles;
            await WriteAssigneesAsync(connection, transaction, task.TaskId, users, roles, cancellationToken).ConfigureAwait(false);
        }

        long journaled = await AppendEventsAsync(connection, transaction, task.RunId, [TaskEntry(type, entry)], now, cancellationToken).ConfigureAwait(false);
        await RecordTaskChangeAsync(connection, transaction, task.RunId, task.TaskId, type, journaled, now, cancellationToken).ConfigureAwait(false);
        return new TaskChangeResult(await GetTaskAsync(connection, transaction, task.TaskId, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>
    /// Open tasks of active runs past their due time, found once: each is marked, journaled, and its
    /// overdue event (if it has one) recorded and routed, so its run runs again.
    /// </summary>
    private async Task ExpireTasksAsync(DbConnection connection, DbTransaction transaction, long now, CancellationToken cancellationToken)
    {
        var due = new List<(long TaskId, string RunId, string? Type, string? Payload, string? Deliveries)>();
        using (CachedCommand find = Command(
            connection, transaction,
            $"SELECT t.task_id, t.run_id, t.overdue_type, t.overdue_payload, t.overdue_deliveries FROM wf_tasks t{Dialect.IndexedBy("wf_tasks_due")} " +
            $"WHERE t.status = {OpenTask} AND t.escalated_at IS NULL AND t.due_at IS NOT NULL AND t.due_at <= @now " +
            $"AND EXISTS (SELECT 1 FROM wf_runs r WHERE r.run_id = t.run_id AND r.status IN {ActiveRun}) ORDER BY t.due_at LIMIT {Batch} {Dialect.SkipLocked}",
            ("now", now)))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        DateTimeOffset at = FromMillis(now);
        foreach ((long taskId, string runId, string? type, string? payload, string? deliveries) in due)
        {
            if (await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true).ConfigureAwait(false) is not { } run)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, "UPDATE wf_tasks SET escalated_at = @t, updated_at = @t WHERE task_id = @id", cancellationToken, ("t", now), ("id", taskId)).ConfigureAwait(false);
            var entries = new List<NewEvent> { TaskEntry(TaskHistoryEntry.Overdue, new TaskHistoryEntry(taskId, null)) };
            if (type is not null && payload is not null)
            {
                // Routed now, as if the step that asked had sent it: the step that takes it runs.
                List<NewDelivery> routes = deliveries is null ? [] : JsonSerializer.Deserialize(deliveries, SqlJson.Default.ListNewDelivery) ?? [];
                entries.Add(new NewEvent(EventRecordKind.Routed, type, payload, null, [.. routes.Select(d => d with { AvailableAt = at })]));
            }

            long journaled = await AppendEventsAsync(connection, transaction, runId, entries, at, cancellationToken).ConfigureAwait(false);
            await RecordTaskChangeAsync(connection, transaction, runId, taskId, TaskHistoryEntry.Overdue, journaled, at, cancellationToken).ConfigureAwait(false);
            if (entries.Count > 1 && run.Status != WorkflowRunStatus.Running)
            {
                await ExecuteAsync(connection, transaction, "UPDATE wf_runs SET status = 0, updated_at = @t WHERE run_id = @id", cancellationToken, ("t", now), ("id", runId)).ConfigureAwait(false);
                await RecordChangeAsync(connection, transaction, runId, run.Workflow, run.Status, WorkflowRunStatus.Running, at, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A run that fails closes its open tasks; retried, it asks them again as they were.</summary>
    private static Task<int> ReopenTasksAsync(DbConnection connection, DbTransaction transaction, RunRecord run, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            $"UPDATE wf_tasks SET status = {OpenTask}, closed_at = NULL WHERE run_id = @id AND status = {(int)HumanTaskStatus.Cancelled} AND closed_at = @ended",
            cancellationToken,
            ("id", run.RunId), ("ended", Millis(run.UpdatedAt)));

    public static Task<HumanTaskRecord?> GetTaskAsync(DbConnection connection, long taskId, CancellationToken cancellationToken) =>
        GetTaskAsync(connection, null, taskId, cancellationToken);

    private static async Task<HumanTaskRecord?> GetTaskAsync(DbConnection connection, DbTransaction? transaction, long taskId, CancellationToken cancellationToken)
    {
        List<HumanTaskRecord> found = await ReadTasksAsync(connection, transaction, TaskColumns + " WHERE task_id = @id", [("id", taskId)], cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public static async Task<HumanTaskPage> ListTasksAsync(DbConnection connection, HumanTaskQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        var parameters = new List<(string, object?)>();
        if (query.Status is { } status)
        {
            filters.Add("status = @s");
            parameters.Add(("s", (int)status));
        }

        if (query.Workflow is not null)
        {
            filters.Add("workflow = @w");
            parameters.Add(("w", query.Workflow));
        }

        if (query.RunId is not null)
        {
            filters.Add("run_id = @r");
            parameters.Add(("r", query.RunId));
        }

        var mine = new List<string>();
        if (query.User is not null)
        {
            mine.Add($"claimed_by = @u OR EXISTS (SELECT 1 FROM wf_task_assignees a WHERE a.task_id = wf_tasks.task_id AND a.kind = {UserAssignee} AND a.name = @u)");
            parameters.Add(("u", query.User));
        }

        if (query.Roles is { Count: > 0 } roles)
        {
            (string list, (string, object?)[] named) = InList("role", roles);
            mine.Add($"EXISTS (SELECT 1 FROM wf_task_assignees a WHERE a.task_id = wf_tasks.task_id AND a.kind = {RoleAssignee} AND a.name IN ({list}))");
            parameters.AddRange(named);
        }

        if (mine.Count > 0)
        {
            filters.Add("(" + string.Join(" OR ", mine) + ")");
        }

        if (query.Unassigned)
        {
            filters.Add("claimed_by IS NULL AND NOT EXISTS (SELECT 1 FROM wf_task_assignees a WHERE a.task_id = wf_tasks.task_id)");
        }

        if (query.Overdue)
        {
            filters.Add($"status = {OpenTask} AND due_at <= @now");
            parameters.Add(("now", Millis(now)));
        }

        string where = filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters);
        int total;
        using (CachedCommand count = Command(connection, null, "SELECT COUNT(*) FROM wf_tasks" + where, [.. parameters]))
        {
            total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        string order = query.Sort switch
        {
            HumanTaskSort.Oldest => "task_id",
            HumanTaskSort.Due => "CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, task_id",
            HumanTaskSort.Priority => "priority DESC, task_id",
            _ => "task_id DESC",
        };
        parameters.Add(("limit", Math.Clamp(query.Limit, 1, 1000)));
        parameters.Add(("offset", Math.Max(query.Offset, 0)));
        List<HumanTaskRecord> tasks = await ReadTasksAsync(connection, null, $"{TaskColumns}{where} ORDER BY {order} LIMIT @limit OFFSET @offset", [.. parameters], cancellationToken).ConfigureAwait(false);
        return new HumanTaskPage(tasks, total);
    }

    /// <summary>Tasks a query finds, with who may answer each.</summary>
    private static async Task<List<HumanTaskRecord>> ReadTasksAsync(DbConnection connection, DbTransaction? transaction, string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        var tasks = new List<HumanTaskRecord>();
        using (CachedCommand command = Command(connection, transaction, sql, parameters))
        {
            using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tasks.Add(new HumanTaskRecord(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetInt64(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    [],
                    [],
                    reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : FromMillis(reader.GetInt64(8)),
                    (HumanTaskStatus)reader.GetInt32(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10),
                    FromMillis(reader.GetInt64(11)),
                    FromMillis(reader.GetInt64(12)))
                {
                    ClosedAt = reader.IsDBNull(13) ? null : FromMillis(reader.GetInt64(13)),
                    CompletedBy = reader.IsDBNull(14) ? null : reader.GetString(14),
                    EscalatedAt = reader.IsDBNull(15) ? null : FromMillis(reader.GetInt64(15)),
                    DeliveryId = reader.GetInt64(16),
                });
            }
        }

        if (tasks.Count == 0)
        {
            return tasks;
        }

        var users = new Dictionary<long, List<string>>();
        var roles = new Dictionary<long, List<string>>();
        (string list, (string, object?)[] ids) = InList("t", tasks.Select(t => t.TaskId).ToList());
        using (CachedCommand assignees = Command(connection, transaction, $"SELECT task_id, kind, name FROM wf_task_assignees WHERE task_id IN ({list}) ORDER BY task_id, kind, name", ids))
        {
            using DbDataReader reader = await assignees.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Dictionary<long, List<string>> into = reader.GetInt32(1) == UserAssignee ? users : roles;
                long id = reader.GetInt64(0);
                if (!into.TryGetValue(id, out List<string>? names))
                {
                    into[id] = names = [];
                }

                names.Add(reader.GetString(2));
            }
        }

        return [.. tasks.Select(t => t with
        {
            Users = users.TryGetValue(t.TaskId, out List<string>? u) ? u : [],
            Roles = roles.TryGetValue(t.TaskId, out List<string>? r) ? r : [],
        })];
    }
}
