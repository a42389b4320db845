using System.Data.Common;

using Workflows.Durable;

namespace Workflows.Sql.Journal;

/// <summary>The journal: a run's custom attributes, one row per key, indexed by key and value for queries.</summary>
internal sealed partial class SqlJournal
{
    /// <summary>Sets tags on a run, replacing the values of keys it already has.</summary>
    private static async Task WriteTagsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        foreach ((string key, string value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM wf_run_tags WHERE run_id = @r AND key = @k", cancellationToken, ("r", runId), ("k", key)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO wf_run_tags (run_id, key, value) VALUES (@r, @k, @v)", cancellationToken, ("r", runId), ("k", key), ("v", value)).ConfigureAwait(false);
        }
    }

    /// <summary>The tags of some runs, by run.</summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> ReadTagsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (runIds.Count == 0)
        {
            return tags;
        }

        (string list, (string, object?)[] parameters) = InList("r", runIds);
        using CachedCommand read = Command(connection, transaction, $"SELECT run_id, key, value FROM wf_run_tags WHERE run_id IN ({list})", parameters);
        using DbDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string runId = reader.GetString(0);
            if (!tags.TryGetValue(runId, out Dictionary<string, string>? mine))
            {
                tags[runId] = mine = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            mine[reader.GetString(1)] = reader.GetString(2);
        }

        return tags;
    }

    private static async Task<RunRecord> WithTagsAsync(DbConnection connection, DbTransaction? transaction, RunRecord run, CancellationToken cancellationToken) =>
        (await ReadTagsAsync(connection, transaction, [run.RunId], cancellationToken).ConfigureAwait(false)).TryGetValue(run.RunId, out Dictionary<string, string>? tags)
            ? run with { Tags = tags }
            : run;

    /// <summary><c>@p0, @p1, …</c> and their values, for <c>IN (…)</c>.</summary>
    private static (string List, (string, object?)[] Parameters) InList<T>(string prefix, IReadOnlyList<T> values)
    {
        var names = new string[values.Count];
        var parameters = new (string, object?)[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            string name = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            names[i] = "@" + name;
            parameters[i] = (name, values[i]);
        }

        return (string.Join(", ", names), parameters);
    }
}
