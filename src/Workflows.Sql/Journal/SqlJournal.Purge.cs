using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>
/// The journal: deleting finished runs and everything kept for them, a bounded batch per transaction
/// so a large purge never holds the writer (or row locks) for long.
/// </summary>
internal sealed partial class SqlJournal
{
    private const string FinishedRun = "(1, 2, 3, 4)";

    /// <summary>
    /// Deletes up to <c>max</c> finished runs matching the query, oldest ended first; returns how many.
    /// <c>moduleCleanups</c> are statements of modules kept beside the journal that delete their rows of run <c>@run</c>.
    /// </summary>
    public async Task<int> PurgeRunsAsync(DbConnection connection, DbTransaction transaction, PurgeQuery query, int max, IReadOnlyList<string> moduleCleanups, CancellationToken cancellationToken)
    {
        var filters = new List<string> { $"status IN {FinishedRun}" };
        var parameters = new List<(string, object?)> { ("max", max) };
        FilterByWorkflowAndStatus(filters, parameters, query.Workflow, query.Status);

        if (query.FinishedBefore is { } before)
        {
            filters.Add("finished_at < @before");
            parameters.Add(("before", Millis(before)));
        }

        var ids = new List<string>();
        using (CachedCommand find = Command(
            connection, transaction,
            $"SELECT run_id FROM wf_runs WHERE {string.Join(" AND ", filters)} ORDER BY finished_at, run_id LIMIT @max {Dialect.SkipLocked}",
            [.. parameters]))
        {
            using DbDataReader reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        (string list, (string, object?)[] runs) = InList("r", ids);
        await ExecuteAsync(connection, transaction, $"DELETE FROM wf_task_assignees WHERE task_id IN (SELECT task_id FROM wf_tasks WHERE run_id IN ({list}))", cancellationToken, runs).ConfigureAwait(false);
        foreach (string table in (string[])["wf_deliveries", "wf_events", "wf_state", "wf_run_tags", "wf_tasks", "wf_runs"])
        {
            if (table == "wf_runs")
            {
                foreach (string cleanup in moduleCleanups)
                {
                    foreach (string id in ids)
                    {
                        await ExecuteAsync(connection, transaction, cleanup, cancellationToken, ("run", id)).ConfigureAwait(false);
                    }
                }
            }

            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE run_id IN ({list})", cancellationToken, runs).ConfigureAwait(false);
        }

        return ids.Count;
    }
}
