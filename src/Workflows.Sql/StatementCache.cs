using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Workflows.Sql;

/// <summary>
/// The journal's statements kept prepared on a long-lived connection (a group-commit writer's), so the
/// same statement runs again without being parsed and planned again: on SQLite that halves what a
/// small statement costs (Microsoft.Data.Sqlite prepares a statement per command, not per connection),
/// and on PostgreSQL the command keeps its parsed text.
/// </summary>
/// <remarks>
/// A connection has a cache only while its owner keeps it attached (<see cref="Attach"/> to
/// <see cref="DetachAsync"/>); commands on any other connection are made and disposed as usual. A
/// connection runs one statement at a time, so the cache needs no lock; a statement rented twice at
/// once (one reader still open) gets a second command for the second rent.
/// </remarks>
internal sealed class StatementCache
{
    /// <summary>How many statements one connection keeps: claims over id lists make a statement per list length.</summary>
    private const int Capacity = 512;

    private static readonly ConditionalWeakTable<DbConnection, StatementCache> s_caches = [];

    private readonly Dictionary<string, DbCommand> _idle = new(StringComparer.Ordinal);

    /// <summary>The statements of each command of several, when the connection runs them one by one (<see cref="Attach"/>); else null.</summary>
    private readonly Dictionary<string, StatementSplit?>? _splits;

    /// <summary>Makes a statement the connection's owner runs itself (<see cref="GroupCommitHooks.Prepare"/>); null when it runs none.</summary>
    private readonly Func<string, PreparedStatement?>? _prepare;

    /// <summary>The statements the owner runs itself, not in use, by text.</summary>
    private readonly Dictionary<string, PreparedStatement> _idlePrepared = new(StringComparer.Ordinal);

    private StatementCache(bool splits, Func<string, PreparedStatement?>? prepare)
    {
        _splits = splits ? new(StringComparer.Ordinal) : null;
        _prepare = splits ? prepare : null;
    }

    /// <summary>Statements to send ahead of the next command on the connection, in its round trip (<see cref="SendAhead"/>).</summary>
    private string? _ahead;

    /// <summary>
    /// Sends <paramref name="sql"/> ahead of the next command made or rented on the connection, in the same
    /// round trip (a group commit's savepoint, ahead of a write's first statement). The connection must be
    /// attached. <see cref="TakeBack"/> returns it if no command took it.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="sql">The statements.</param>
    public static void SendAhead(DbConnection connection, string sql)
    {
        if (!s_caches.TryGetValue(connection, out StatementCache? cache))
        {
            throw new InvalidOperationException("Statements are sent ahead only on a connection whose statements are kept (StatementCache.Attach).");
        }

        cache._ahead = sql;
    }

    /// <summary>The statements <see cref="SendAhead"/> left that no command took (they were not sent); <see langword="null"/> when taken.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>The statements, no longer pending.</returns>
    public static string? TakeBack(DbConnection connection)
    {
        if (!s_caches.TryGetValue(connection, out StatementCache? cache))
        {
            return null;
        }

        string? ahead = cache._ahead;
        cache._ahead = null;
        return ahead;
    }

    /// <summary><paramref name="sql"/> with what is pending ahead of it on the connection, if anything (which is then taken).</summary>
    internal static string WithAhead(DbConnection connection, string sql) =>
        s_caches.TryGetValue(connection, out StatementCache? cache) && cache._ahead is { } ahead
            ? TakeAhead(cache, ahead, sql)
            : sql;

    private static string TakeAhead(StatementCache cache, string ahead, string sql)
    {
        cache._ahead = null;
        return ahead + "; " + sql;
    }

    /// <summary>From now on, the statements run on <paramref name="connection"/> are kept prepared.</summary>
    /// <param name="connection">A connection its owner keeps open for many statements.</param>
    /// <param name="splits">Whether a command of several statements runs as one kept command per statement (<see cref="GroupCommitHooks.SplitsCommands"/>).</param>
    /// <param name="prepare">
    /// With <paramref name="splits"/>: makes the statements the owner runs itself, beneath the provider's command
    /// (<see cref="GroupCommitHooks.Prepare"/>); a command of one statement then runs as a split of one.
    /// </param>
    public static void Attach(DbConnection connection, bool splits = false, Func<string, PreparedStatement?>? prepare = null) =>
        s_caches.AddOrUpdate(connection, new StatementCache(splits, prepare));

    /// <summary>Disposes the kept statements; call before the connection is closed.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>A task that completes once they are disposed.</returns>
    public static async ValueTask DetachAsync(DbConnection connection)
    {
        if (!s_caches.TryGetValue(connection, out StatementCache? cache))
        {
            return;
        }

        s_caches.Remove(connection);
        foreach (DbCommand command in cache._idle.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        cache._idle.Clear();
        foreach (PreparedStatement statement in cache._idlePrepared.Values)
        {
            statement.Dispose();
        }

        cache._idlePrepared.Clear();
    }

    /// <summary>A command for <paramref name="sql"/> with these parameter values: the kept one if the connection has it.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction it runs in, if any.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">The parameters' names and values, in the same order for the same statement.</param>
    /// <returns>The command, to dispose when its reader is done.</returns>
    public static CachedCommand Rent(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!s_caches.TryGetValue(connection, out StatementCache? cache))
        {
            return new CachedCommand(SqlCommands.Create(connection, transaction, sql, parameters), null);
        }

        if (cache._ahead is { } ahead)
        {
            sql = TakeAhead(cache, ahead, sql);
        }

        if (cache._splits is { } splits && (cache._prepare is not null || sql.Contains(';', StringComparison.Ordinal)))
        {
            if (!splits.TryGetValue(sql, out StatementSplit? split))
            {
                split = StatementSplit.Of(sql, keepOne: cache._prepare is not null);
                if (splits.Count < Capacity)
                {
                    splits[sql] = split;
                }
            }

            if (split is not null)
            {
                return new CachedCommand(new SplitCommand(connection, transaction, cache, split, parameters));
            }
        }

        if (!cache._idle.Remove(sql, out DbCommand? command))
        {
            return new CachedCommand(SqlCommands.CreateAsIs(connection, transaction, sql, parameters), cache);
        }

        command.Transaction = transaction;
        Bind(command, parameters);
        return new CachedCommand(command, cache);
    }

    /// <summary>The kept command of one statement of a <see cref="SplitCommand"/>, given the parameters at <paramref name="indices"/>.</summary>
    internal CachedCommand RentPart(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters, int[] indices)
    {
        if (_prepare is not null && RentPrepared(sql, new StatementValues(parameters, indices)) is { } prepared)
        {
            return prepared;
        }

        if (!_idle.Remove(sql, out DbCommand? command))
        {
            return new CachedCommand(SqlCommands.CreateAsIs(connection, transaction, sql, [.. indices.Select(i => parameters[i])]), this);
        }

        command.Transaction = transaction;
        Bind(command, parameters, indices);
        return new CachedCommand(command, this);
    }

    /// <summary>The statement the owner runs itself for <paramref name="sql"/>, if it has one and it binds every value as the provider would.</summary>
    private CachedCommand? RentPrepared(string sql, StatementValues values)
    {
        if (!_idlePrepared.Remove(sql, out PreparedStatement? statement) && (statement = _prepare!(sql)) is null)
        {
            return null;
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (!statement.CanBind(values[i].Value))
            {
                Return(sql, statement);
                return null;
            }
        }

        return new CachedCommand(statement, sql, values, this);
    }

    /// <summary>Keeps a statement the owner runs itself, once its reader is disposed, for its next rent; or disposes it.</summary>
    internal void Return(string sql, PreparedStatement statement)
    {
        if (_idlePrepared.Count < Capacity && _idlePrepared.TryAdd(sql, statement))
        {
            return;
        }

        statement.Dispose();
    }

    /// <summary>Keeps a command that is done for its next rent, or disposes it.</summary>
    internal void Return(DbCommand command)
    {
        if (_idle.Count < Capacity && _idle.TryAdd(command.CommandText, command))
        {
            return;
        }

        command.Dispose();
    }

    /// <summary>
    /// Sets the values of a kept command's parameters — those at <paramref name="indices"/>, or all — the names are the
    /// same as the last time, unless the caller changed them.
    /// </summary>
    private static void Bind(DbCommand command, (string Name, object? Value)[] parameters, int[]? indices = null)
    {
        int count = indices?.Length ?? parameters.Length;
        DbParameterCollection kept = command.Parameters;
        bool same = kept.Count == count;
        for (int i = 0; same && i < count; i++)
        {
            same = SqlCommands.IsNamed(kept[i], parameters[indices?[i] ?? i].Name);
        }

        if (!same)
        {
            kept.Clear();
            for (int i = 0; i < count; i++)
            {
                DbParameter parameter = command.CreateParameter();
                parameter.ParameterName = SqlCommands.Marked(parameters[indices?[i] ?? i].Name);
                kept.Add(parameter);
            }
        }

        for (int i = 0; i < count; i++)
        {
            kept[i].Value = parameters[indices?[i] ?? i].Value ?? DBNull.Value;
        }
    }
}

/// <summary>
/// A command rented from a <see cref="StatementCache"/>: disposing it gives it back (or disposes it, with no cache).
/// On a connection that splits commands, one of several statements is a <see cref="SplitCommand"/> instead.
/// </summary>
internal readonly struct CachedCommand : IDisposable
{
    private readonly DbCommand? _command;
    private readonly StatementCache? _cache;
    private readonly SplitCommand? _split;
    private readonly PreparedStatement? _prepared;
    private readonly string? _sql;
    private readonly StatementValues _values;

    public CachedCommand(DbCommand command, StatementCache? cache)
    {
        _command = command;
        _cache = cache;
    }

    /// <summary>A statement the connection's owner runs itself (<see cref="PreparedStatement"/>), given these values.</summary>
    public CachedCommand(PreparedStatement prepared, string sql, StatementValues values, StatementCache cache)
    {
        _prepared = prepared;
        _sql = sql;
        _values = values;
        _cache = cache;
    }

    public CachedCommand(SplitCommand split) => _split = split;

    public Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) =>
        _split is not null ? _split.ExecuteScalarAsync(cancellationToken)
        : _prepared is not null ? Task.FromResult(PreparedScalar())
        : _command!.ExecuteScalarAsync(cancellationToken);

    public Task<DbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken) =>
        _split is not null ? _split.ExecuteReaderAsync(cancellationToken)
        : _prepared is not null ? Task.FromResult(_prepared.Execute(_values))
        : _command!.ExecuteReaderAsync(cancellationToken);

    public Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) =>
        _split is not null ? _split.ExecuteNonQueryAsync(cancellationToken)
        : _prepared is not null ? Task.FromResult(PreparedNonQuery())
        : _command!.ExecuteNonQueryAsync(cancellationToken);

    private object? PreparedScalar()
    {
        using DbDataReader reader = _prepared!.Execute(_values);
        return reader.Read() ? reader.GetValue(0) : null;
    }

    private int PreparedNonQuery()
    {
        DbDataReader reader = _prepared!.Execute(_values);
        reader.Dispose();
        return reader.RecordsAffected;
    }

    /// <summary>Runs one statement of a split command (Microsoft.Data.Sqlite's asynchronous calls run synchronously anyway).</summary>
    internal DbDataReader ExecuteReader() => _prepared is not null ? _prepared.Execute(_values) : _command!.ExecuteReader();

    public void Dispose()
    {
        if (_prepared is not null)
        {
            _cache!.Return(_sql!, _prepared);
            return;
        }

        if (_command is null)
        {
            return;
        }

        if (_cache is null)
        {
            _command.Dispose();
        }
        else
        {
            _cache.Return(_command);
        }
    }
}
