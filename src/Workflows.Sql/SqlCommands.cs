using System.Data.Common;

namespace Workflows.Sql;

/// <summary>Commands with named parameters on a connection of the store, for the journal and for modules that keep tables beside it.</summary>
public static class SqlCommands
{
    /// <summary>A command with its parameters (<see langword="null"/> values become <see cref="DBNull"/>).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction it runs in, if any.</param>
    /// <param name="sql">The statement, with <c>@name</c> parameters.</param>
    /// <param name="parameters">The parameters' names (without <c>@</c>) and values.</param>
    /// <returns>The command; the caller disposes it.</returns>
    /// <remarks>On a group-commit writer's connection, the write's savepoint goes in the same round trip.</remarks>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return CreateAsIs(connection, transaction, StatementCache.WithAhead(connection, sql), parameters);
    }

    /// <summary>A command for exactly <paramref name="sql"/>, nothing sent ahead of it.</summary>
    internal static DbCommand CreateAsIs(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter parameter = command.CreateParameter();
            parameter.ParameterName = Marked(name);
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>
    /// A parameter's name as the statements write it, <c>@name</c>. Given bare, Microsoft.Data.Sqlite looks it up
    /// in each statement of the command under each prefix it knows (four lookups and three new strings per
    /// parameter and statement, a sixth of a SQLite commit's CPU); marked, once. Npgsql takes either.
    /// </summary>
    internal static string Marked(string name) => "@" + name;

    /// <summary>Whether <paramref name="parameter"/> is named <see cref="Marked"/>(<paramref name="name"/>).</summary>
    internal static bool IsNamed(DbParameter parameter, string name) =>
        parameter.ParameterName is { } marked && marked.Length == name.Length + 1 && marked[0] == '@' && marked.AsSpan(1).SequenceEqual(name);

    /// <summary>Runs a statement.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction it runs in, if any.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The number of rows changed.</returns>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        using DbCommand command = Create(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unix milliseconds: one integer column type in every database, ordered like time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>Milliseconds since 1970-01-01 UTC.</returns>
    public static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>The time of a value written with <see cref="Millis"/>.</summary>
    /// <param name="millis">Milliseconds since 1970-01-01 UTC.</param>
    /// <returns>The time.</returns>
    public static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);
}
