using System.Data.Common;
using System.Globalization;
using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: the run-change feed, recorded in the changing transaction while a module has switched it on.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>The <c>wf_meta</c> key whose presence switches the feed on.</summary>
    private const string FeedKey = "run_change_feed";

    public static async Task SetRunChangeFeedAsync(DbConnection connection, DbTransaction transaction, bool enabled, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "DELETE FROM wf_meta WHERE key = @k", cancellationToken, ("k", FeedKey)).ConfigureAwait(false);
        if (enabled)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO wf_meta (key, value) VALUES (@k, 'on')", cancellationToken, ("k", FeedKey)).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a status change to the feed in the transaction that made it, only while the feed is on, so a store nobody reads keeps no feed.</summary>
    internal static Task<int> RecordChangeAsync(DbConnection connection, DbTransaction transaction, string runId, string workflow, WorkflowRunStatus? from, WorkflowRunStatus to, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            RecordChange,
            cancellationToken,
            ("r", runId), ("w", workflow), ("from", from is { } status ? (int)status : -1), ("s", (int)to), ("t", Millis(now)));

    private static readonly string RecordChange = RecordChangeStatement("@r");

    /// <summary>
    /// The statement that records a run's change of status in the feed (when the feed is on), for a run whose id
    /// is the parameter <paramref name="runParameter"/>; the others are <c>@w</c> (workflow), <c>@from</c>, <c>@s</c> (to) and <c>@t</c>.
    /// </summary>
    private static string RecordChangeStatement(string runParameter) =>
        $"INSERT INTO wf_run_changes (run_id, workflow, from_status, to_status, at, seq) SELECT {runParameter}, @w, @from, @s, @t, r.next_seq - 1 FROM wf_runs r " +
        $"WHERE r.run_id = {runParameter} AND EXISTS (SELECT 1 FROM wf_meta WHERE key = '{FeedKey}')";

    /// <summary>
    /// Adds a task's change to the feed (only while it is on), at journal position <paramref name="sequence"/>
    /// (the task's entry), with the run's status as both before and after.
    /// </summary>
    private static Task<int> RecordTaskChangeAsync(DbConnection connection, DbTransaction transaction, string runId, long taskId, string change, long sequence, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection, transaction,
            "INSERT INTO wf_run_changes (run_id, workflow, from_status, to_status, at, seq, task_id, task_change) SELECT r.run_id, r.workflow, r.status, r.status, @t, @seq, @task, @change FROM wf_runs r " +
            $"WHERE r.run_id = @r AND EXISTS (SELECT 1 FROM wf_meta WHERE key = '{FeedKey}')",
            cancellationToken,
            ("r", runId), ("t", Millis(now)), ("seq", sequence), ("task", taskId), ("change", change));

    public static async Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(DbConnection connection, int max, CancellationToken cancellationToken)
    {
        using CachedCommand command = Command(
            connection, null,
            "SELECT change_id, run_id, workflow, from_status, to_status, at, seq, task_id, task_change FROM wf_run_changes ORDER BY change_id LIMIT @max",
            ("max", Math.Clamp(max, 1, 1000)));
        var changes = new List<RunChange>();
        using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int from = reader.GetInt32(3);
            changes.Add(new RunChange(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                from < 0 ? null : (WorkflowRunStatus)from,
                (WorkflowRunStatus)reader.GetInt32(4),
                FromMillis(reader.GetInt64(5)),
                reader.GetInt64(6))
            {
                TaskId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                TaskChange = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }

        return changes;
    }

    /// <summary>Takes changes off the feed; how many were still there.</summary>
    public static async Task<int> DeleteRunChangesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> changeIds, CancellationToken cancellationToken)
    {
        if (changeIds.Count == 0)
        {
            return 0;
        }

        var parameters = new (string, object?)[changeIds.Count];
        var names = new string[changeIds.Count];
        for (int i = 0; i < changeIds.Count; i++)
        {
            string name = "c" + i.ToString(CultureInfo.InvariantCulture);
            names[i] = "@" + name;
            parameters[i] = (name, changeIds[i]);
        }

        return await ExecuteAsync(connection, transaction, $"DELETE FROM wf_run_changes WHERE change_id IN ({string.Join(", ", names)})", cancellationToken, parameters).ConfigureAwait(false);
    }
}
