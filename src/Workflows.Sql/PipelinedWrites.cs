using System.Data.Common;
using System.Globalization;

namespace Workflows.Sql;

/// <summary>
/// The writes of a group commit's batch that have a pipelined form (<see cref="PipelinedWork{T}"/>), sent first and in
/// one round trip: their statements, each write's followed by a marker that ends its results.
/// </summary>
/// <remarks>
/// <para>
/// A write's commit costs a round trip on PostgreSQL, and with a batch's writes sent one after the other, a batch
/// of ten spent ~4.6 ms writing before its COMMIT (~0.7 ms), half of this machine's CPU going into waking threads
/// for each answer. Sent together, the writes answer together. The results are read write by write, in order.
/// </para>
/// <para>
/// Sent as they usually are, the writes share one savepoint, set ahead of them. Each savepoint is a subtransaction of
/// the server's, nested in the one before, with a transaction id of its own once it writes: one for each write (as every
/// batch had) is a statement and a subtransaction more per write, and a batch of more than 64 took its transaction past
/// the subtransactions a server session keeps in shared memory (past them, other sessions' snapshots look its
/// subtransactions up in <c>pg_subtrans</c>, a known slowdown of PostgreSQL). If a write
/// is not kept (declined, failed, or its results not as expected), the batch rolls back to that savepoint and sends
/// them all again guarded: each under a savepoint of its own, so that at the first write not kept the batch rolls back
/// to that write's savepoint — undoing it and every later one, which the database ran after it — every write before it
/// stays kept, and the rest run again the usual way, one by one, as if they had never been sent. After a miss, a
/// writer sends its next <see cref="GuardedAfterMiss"/> batches guarded: where writes often miss (steps of one run
/// committing in the same batch, where the second finds the run moved on), sending each batch twice would cost more.
/// </para>
/// </remarks>
internal sealed class PipelinedWrites
{
    /// <summary>Fewer than this many writes with a pipelined form at the front of a batch go the usual way.</summary>
    private const int MinWrites = 2;

    /// <summary>How many statement texts a writer keeps split.</summary>
    private const int MaxKept = 512;

    /// <summary>How many batches after one where a write missed are sent guarded, each write under its own savepoint.</summary>
    internal const int GuardedAfterMiss = 16;

    private const string SharedSavepoint = "SAVEPOINT pb";
    private const string SharedRollback = "ROLLBACK TO SAVEPOINT pb";

    private static readonly string[] s_savepoints = [.. Enumerable.Range(0, 64).Select(Savepoint)];
    private static readonly string[] s_rollbacks = [.. Enumerable.Range(0, 64).Select(Rollback)];
    private static readonly string[] s_markers = [.. Enumerable.Range(0, 64).Select(Marker)];
    private static readonly string[] s_markerNames = [.. Enumerable.Range(0, 64).Select(MarkerName)];

    /// <summary>Each command's statements (a writer's own: <see cref="StatementSplit.IndicesFor"/> keeps state).</summary>
    private readonly Dictionary<string, StatementSplit?> _splits = new(StringComparer.Ordinal);

    private readonly List<(string Sql, (string Name, object? Value)[] Parameters)> _commands = [];
    private readonly List<GroupWrite> _sent = [];
    private readonly List<GroupWrite> _alone = [];

    /// <summary>How many more batches go guarded (a write missed lately).</summary>
    private int _guarded;

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
        if (!Gather(batch))
        {
            return 0;
        }

        if (_guarded > 0)
        {
            _guarded--;
            return await SendAsync(connection, transaction, batch, guarded: true).ConfigureAwait(false);
        }

        int kept = await SendAsync(connection, transaction, batch, guarded: false).ConfigureAwait(false);
        if (kept == _commands.Count)
        {
            return kept;
        }

        // A write missed, and with one savepoint for all, the writes before it are undone with it: send them all again
        // guarded (their commands made anew: a write's reading of its results may keep what it read).
        await SqlCommands.ExecuteAsync(connection, transaction, SharedRollback, CancellationToken.None).ConfigureAwait(false);
        _guarded = GuardedAfterMiss;
        return Gather(batch) ? await SendAsync(connection, transaction, batch, guarded: true).ConfigureAwait(false) : 0;
    }

    /// <summary>Takes the pipelined forms of the batch's writes and puts those writes first; false when too few have one.</summary>
    private bool Gather(List<GroupWrite> batch)
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
            return false;
        }

        batch.Clear();
        batch.AddRange(_sent);
        batch.AddRange(_alone);
        return true;
    }

    /// <summary>
    /// Sends the gathered writes and reads their results up to the first not kept; returns how many are kept. Guarded,
    /// the transaction is then as if only those had run; otherwise any miss leaves it to be rolled back to the shared savepoint.
    /// </summary>
    private async Task<int> SendAsync(DbConnection connection, DbTransaction transaction, List<GroupWrite> batch, bool guarded)
    {
        using DbBatch sent = Batch(connection, transaction, guarded);
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
            // Write `kept` failed (an error in its statements, or in reading them): its savepoint (or the shared one)
            // undoes it and what followed, and it runs again, where its error (if it is one) reaches its caller.
        }
        finally
        {
            if (reader is not null)
            {
                await CloseAsync(reader).ConfigureAwait(false);
            }
        }

        if (guarded && kept < _commands.Count)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, s_rollbacks[kept], CancellationToken.None).ConfigureAwait(false);
        }

        return kept;
    }

    /// <summary>
    /// The commands: the shared savepoint (unguarded), then for each write its own savepoint (guarded), its statements
    /// (one batch command each, with its own parameters), its marker.
    /// </summary>
    private DbBatch Batch(DbConnection connection, DbTransaction transaction, bool guarded)
    {
        DbBatch sent = connection.CreateBatch();
        sent.Transaction = transaction;
        if (!guarded)
        {
            Add(sent, SharedSavepoint, [], null);
        }

        for (int k = 0; k < _commands.Count; k++)
        {
            if (guarded)
            {
                Add(sent, s_savepoints[k], [], null);
            }

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
