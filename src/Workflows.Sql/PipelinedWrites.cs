using System.Data.Common;
using System.Globalization;

namespace Workflows.Sql;

/// <summary>
/// The writes of a group commit's batch that have a pipelined form (<see cref="PipelinedWork{T}"/>), sent first and in
/// one round trip: each under a savepoint of its own, its statements, then a marker that ends its results.
/// </summary>
/// <remarks>
/// A write's commit costs a round trip on PostgreSQL, and with a batch's writes sent one after the other, a batch
/// of ten spent ~4.6 ms writing before its COMMIT (~0.7 ms), half of this machine's CPU going into waking threads
/// for each answer. Sent together, the writes answer together. The results are read write by write, in order, and
/// every write kept so far stays so: at the first write that is not kept (declined, failed, or its results not as
/// expected), the batch rolls back to that write's savepoint — undoing it and every later one, which the database
/// ran after it — and those writes run again the usual way, one by one, as if they had never been sent.
/// </remarks>
internal sealed class PipelinedWrites
{
    /// <summary>Fewer than this many writes with a pipelined form at the front of a batch go the usual way.</summary>
    private const int MinWrites = 2;

    /// <summary>How many statement texts a writer keeps split.</summary>
    private const int MaxKept = 512;

    private static readonly string[] s_savepoints = [.. Enumerable.Range(0, 64).Select(Savepoint)];
    private static readonly string[] s_rollbacks = [.. Enumerable.Range(0, 64).Select(Rollback)];
    private static readonly string[] s_markers = [.. Enumerable.Range(0, 64).Select(Marker)];
    private static readonly string[] s_markerNames = [.. Enumerable.Range(0, 64).Select(MarkerName)];

    /// <summary>Each command's statements (a writer's own: <see cref="StatementSplit.IndicesFor"/> keeps state).</summary>
    private readonly Dictionary<string, StatementSplit?> _splits = new(StringComparer.Ordinal);

    private readonly List<(string Sql, (string Name, object? Value)[] Parameters)> _commands = [];
    private readonly List<GroupWrite> _sent = [];
    private readonly List<GroupWrite> _alone = [];

    /// <summary>
    /// Puts the batch's writes that have a pipelined form first, sends them and reads their results; returns how many
    /// of them, from the first, are kept. The transaction is then as if only those had run (later ones are undone).
    /// </summary>
    /// <remarks>
    /// A batch's writes come from concurrent callers, in no promised order (a caller that needs one write after
    /// another awaits the first), so the order they run in is the batch's to choose.
    /// </remarks>
    public async Task<int> RunAsync(DbConnection connection, DbTransaction transaction, List<GroupWrite> batch)
    {
        _commands.Clear();
        _sent.Clear();
        _alone.Clear();
        foreach (GroupWrite write in batch)
        {
            if (_commands.Count < s_savepoints.Length && write.Pipeline() is { } command)
            {
                _commands.Add(command);
                _sent.Add(write);
            }
            else
            {
                _alone.Add(write);
            }
        }

        if (_commands.Count < MinWrites)
        {
            return 0;
        }

        batch.Clear();
        batch.AddRange(_sent);
        batch.AddRange(_alone);

        using DbBatch sent = Batch(connection, transaction);
        int kept = 0;
        DbDataReader? reader = null;
        try
        {
            reader = await sent.ExecuteReaderAsync().ConfigureAwait(false);
            for (; kept < _commands.Count; kept++)
            {
                if (kept > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                {
                    break;
                }

                if (!await batch[kept].ReadPipelinedAsync(reader).ConfigureAwait(false) || !await PastMarkerAsync(reader, kept).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Write `kept` failed (an error in its statements, or in reading them): its savepoint undoes it and what
            // followed, and it runs again the usual way, where its error (if it is one) reaches its caller.
        }
        finally
        {
            if (reader is not null)
            {
                await CloseAsync(reader).ConfigureAwait(false);
            }
        }

        if (kept < _commands.Count)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, s_rollbacks[kept], CancellationToken.None).ConfigureAwait(false);
        }

        return kept;
    }

    /// <summary>The commands: for each write its savepoint, its statements (one batch command each, with its own parameters), its marker.</summary>
    private DbBatch Batch(DbConnection connection, DbTransaction transaction)
    {
        DbBatch sent = connection.CreateBatch();
        sent.Transaction = transaction;
        for (int k = 0; k < _commands.Count; k++)
        {
            Add(sent, s_savepoints[k], [], null);
            (string sql, (string Name, object? Value)[] parameters) = _commands[k];
            if (!_splits.TryGetValue(sql, out StatementSplit? split))
            {
                split = StatementSplit.Of(sql);
                if (_splits.Count < MaxKept)
                {
                    _splits[sql] = split;
                }
            }

            if (split is null)
            {
                Add(sent, sql, parameters, null);
            }
            else
            {
                int[][] indices = split.IndicesFor(parameters);
                for (int part = 0; part < split.Parts.Length; part++)
                {
                    Add(sent, split.Parts[part], parameters, indices[part]);
                }
            }

            Add(sent, s_markers[k], [], null);
        }

        return sent;
    }

    /// <summary>
    /// A command for <paramref name="sql"/> with these parameters, added to the batch. Made new each time: Npgsql adds
    /// a batch command's parameters to its list of those it sends each time the command runs, so one run twice sends them twice.
    /// </summary>
    private static void Add(DbBatch batch, string sql, (string Name, object? Value)[] parameters, int[]? indices)
    {
        DbBatchCommand command = batch.CreateBatchCommand();
        command.CommandText = sql;
        int count = indices?.Length ?? parameters.Length;
        for (int i = 0; i < count; i++)
        {
            (string name, object? value) = parameters[indices?[i] ?? i];
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = SqlCommands.Marked(name);
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(command);
    }

    /// <summary>Moves past write <paramref name="k"/>'s results to its marker (where its reading may have left the reader already); false if there is none.</summary>
    private static async Task<bool> PastMarkerAsync(DbDataReader reader, int k)
    {
        while (!(reader.FieldCount == 1 && reader.GetName(0) == s_markerNames[k]))
        {
            if (!await reader.NextResultAsync().ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Closes the reader; an error in statements nobody read is the rollback's to undo.</summary>
    private static async Task CloseAsync(DbDataReader reader)
    {
        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Only statements after the last write kept are left unread: the rollback to its savepoint undoes them.
        }
    }


    private static string Savepoint(int k) => "SAVEPOINT p" + k.ToString(CultureInfo.InvariantCulture);

    private static string Rollback(int k) => "ROLLBACK TO SAVEPOINT p" + k.ToString(CultureInfo.InvariantCulture);

    private static string MarkerName(int k) => "wf_end_" + k.ToString(CultureInfo.InvariantCulture);

    private static string Marker(int k) => "SELECT 1 AS " + MarkerName(k);
}
