using System.Data.Common;
using System.Globalization;
using System.Text.Json;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: schedules, and starting their due occurrences. A due schedule's row is taken by one
/// worker at a time (SQLite's single writer, PostgreSQL's SKIP LOCKED), and every run is created
/// under its occurrence's idempotency key, so an occurrence starts exactly one run however many
/// workers are up.
/// </summary>
internal sealed partial class SqlJournal
{
    private const string ScheduleColumns =
        "SELECT schedule_id, workflow, spec, start_type, start_payload, paused, next_due, last_run_id, buffered_at, created_at FROM wf_schedules";

    private static ScheduleRecord ReadSchedule(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize(reader.GetString(2), ControlJson.Default.ScheduleSpec)!,
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt32(5) != 0,
        reader.IsDBNull(6) ? null : FromMillis(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        FromMillis(reader.GetInt64(9)))
    {
        BufferedOccurrence = reader.IsDBNull(8) ? null : FromMillis(reader.GetInt64(8)),
    };

    /// <summary>Makes a schedule, or replaces the spec and start event of the one with its id (keeping its last run).</summary>
    public static async Task<ScheduleRecord> SaveScheduleAsync(DbConnection connection, DbTransaction transaction, ScheduleRecord schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string, object?)[] values =
        [
            ("id", schedule.ScheduleId), ("w", schedule.Workflow), ("spec", JsonSerializer.Serialize(schedule.Spec, ControlJson.Default.ScheduleSpec)),
            ("st", schedule.StartType), ("sp", schedule.StartPayload), ("p", schedule.Paused ? 1 : 0),
            ("due", schedule.NextDueAt is { } due ? Millis(due) : null), ("t", Millis(now)),
        ];
        int updated = await ExecuteAsync(
            connection, transaction,
            "UPDATE wf_schedules SET workflow = @w, spec = @spec, start_type = @st, start_payload = @sp, paused = @p, next_due = @due, buffered_at = NULL, updated_at = @t WHERE schedule_id = @id",
            cancellationToken, values).ConfigureAwait(false);
        if (updated == 0)
        {
            await ExecuteAsync(
                connection, transaction,
                "INSERT INTO wf_schedules (schedule_id, workflow, spec, start_type, start_payload, paused, next_due, created_at, updated_at) VALUES (@id, @w, @spec, @st, @sp, @p, @due, @t, @t)",
                cancellationToken, values).ConfigureAwait(false);
        }

        return (await GetScheduleAsync(connection, transaction, schedule.ScheduleId, cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task<ScheduleRecord?> GetScheduleAsync(DbConnection connection, DbTransaction? transaction, string scheduleId, CancellationToken cancellationToken)
    {
        using CachedCommand read = Command(connection, transaction, ScheduleColumns + " WHERE schedule_id = @id", ("id", scheduleId));
        using DbDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadSchedule(reader) : null;
    }

    public static async Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var schedules = new List<ScheduleRecord>();
        using CachedCommand read = Command(connection, null, ScheduleColumns + " ORDER BY schedule_id");
        using DbDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(ReadSchedule(reader));
        }

        return schedules;
    }

    /// <summary>Pauses or resumes a schedule; a resumed one is next due at <paramref name="nextDue"/> (what fell due while paused is skipped).</summary>
    public static async Task<bool> SetSchedulePausedAsync(DbConnection connection, DbTransaction transaction, string scheduleId, bool paused, DateTimeOffset? nextDue, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            connection, transaction,
            "UPDATE wf_schedules SET paused = @p, next_due = COALESCE(@due, next_due), buffered_at = NULL, updated_at = @t WHERE schedule_id = @id",
            cancellationToken,
            ("p", paused ? 1 : 0), ("due", nextDue is { } due ? Millis(due) : null), ("t", Millis(now)), ("id", scheduleId)).ConfigureAwait(false) == 1;

    public static async Task<bool> DeleteScheduleAsync(DbConnection connection, DbTransaction transaction, string scheduleId, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "DELETE FROM wf_schedules WHERE schedule_id = @id", cancellationToken, ("id", scheduleId)).ConfigureAwait(false) == 1;

    /// <summary>Starts what the due schedules of the given workflows plan, and advances them, in the caller's transaction.</summary>
    public async Task<ScheduleFireResult> FireSchedulesAsync(DbConnection connection, DbTransaction transaction, ScheduleFireRequest request, IReadOnlyCollection<string> workflows, CancellationToken cancellationToken)
    {
        if (workflows.Count == 0)
        {
            return new ScheduleFireResult([], null);
        }

        (string names, (string, object?)[] workflowParameters) = InList("w", [.. workflows.Order(StringComparer.Ordinal)]);
        var due = new List<ScheduleRecord>();
        using (CachedCommand find = Command(
            connection, transaction,
            ScheduleColumns + $" WHERE paused = 0 AND workflow IN ({names}) AND (next_due <= @now OR buffered_at IS NOT NULL) ORDER BY next_due LIMIT @max {Dialect.SkipLocked}",
            [.. workflowParameters, ("now", Millis(request.Now)), ("max", Math.Clamp(request.Max, 1, 100))]))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add(ReadSchedule(reader));
            }
        }

        var started = new List<RunRecord>();
        foreach (ScheduleRecord schedule in due)
        {
            bool active = schedule.LastRunId is { } last
                && await GetRunAsync(connection, transaction, last, cancellationToken).ConfigureAwait(false) is { IsFinished: false };
            SchedulePlan plan = request.Plan(schedule, active);
            string? lastRun = null;
            foreach (NewRun run in plan.Runs)
            {
                (RunRecord record, bool created) = await CreateRunAsync(connection, transaction, run, request.Now, cancellationToken).ConfigureAwait(false);
                lastRun = record.RunId;
                if (created)
                {
                    started.Add(record);
                }
            }

            await ExecuteAsync(
                connection, transaction,
                "UPDATE wf_schedules SET next_due = @due, buffered_at = @b, last_run_id = COALESCE(@last, last_run_id), updated_at = @t WHERE schedule_id = @id",
                cancellationToken,
                ("due", plan.NextDueAt is { } next ? Millis(next) : null), ("b", plan.BufferedOccurrence is { } kept ? Millis(kept) : null),
                ("last", lastRun), ("t", Millis(request.Now)), ("id", schedule.ScheduleId)).ConfigureAwait(false);
        }

        return new ScheduleFireResult(started, (await LookAtSchedulesAsync(connection, transaction, request.Now, workflows, cancellationToken).ConfigureAwait(false)).NextDueAt);
    }

    /// <summary>
    /// Whether a schedule of these workflows has something to start now (due, or an occurrence kept for
    /// later), and when the soonest is next due: read first, so a worker opens a write only when there is work.
    /// </summary>
    public static async Task<(bool AnyDue, DateTimeOffset? NextDueAt)> LookAtSchedulesAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset now, IReadOnlyCollection<string> workflows, CancellationToken cancellationToken)
    {
        if (workflows.Count == 0)
        {
            return (false, null);
        }

        (string names, (string, object?)[] parameters) = InList("w", [.. workflows.Order(StringComparer.Ordinal)]);
        using CachedCommand look = Command(
            connection, transaction,
            $"SELECT MIN(next_due), COALESCE(SUM(CASE WHEN next_due <= @now OR buffered_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM wf_schedules WHERE paused = 0 AND workflow IN ({names})",
            [.. parameters, ("now", Millis(now))]);
        using DbDataReader reader = await look.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset? next = reader.IsDBNull(0) ? null : FromMillis(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        return (Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) > 0, next);
    }
}
