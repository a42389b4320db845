using System.Data.Common;
using System.Text;

namespace Workflows.Sql;

/// <summary>
/// Statements the journal sends together: as one command (one round trip, where the database is a
/// server: <see cref="SqlDialect.BatchesStatements"/>) or one after another. Either way they run in
/// order in the caller's transaction, and the caller reads the results of those that return rows
/// (a SELECT, or a write with RETURNING), in order.
/// </summary>
/// <remarks>
/// Each statement is added with every parameter it uses. Statements share one set of names (a name
/// used by two statements must have the same value in both), since one command carries them all.
/// </remarks>
internal sealed class StatementBatch
{
    private readonly List<(string Sql, bool ReturnsRows, int FirstParameter, int ParameterCount)> _statements = [];
    private readonly List<(string Name, object? Value)> _parameters = [];
    private readonly List<(string Name, object? Value)> _shared = [];

    /// <summary>Whether anything was added.</summary>
    public bool IsEmpty => _statements.Count == 0;

    /// <summary>Adds a statement.</summary>
    /// <param name="sql">The statement, with <c>@name</c> parameters.</param>
    /// <param name="returnsRows">Whether it returns rows (its result is then read with <see cref="BatchResults.NextAsync"/>).</param>
    /// <param name="parameters">Its parameters.</param>
    public void Add(string sql, bool returnsRows, params (string Name, object? Value)[] parameters)
    {
        int first = _parameters.Count;
        _parameters.AddRange(parameters);
        foreach ((string name, object? value) in parameters)
        {
            int known = _shared.FindIndex(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            if (known < 0)
            {
                _shared.Add((name, value));
            }
            else if (!Equals(_shared[known].Value, value))
            {
                throw new InvalidOperationException($"The statements of one batch give the parameter '@{name}' two values ('{_shared[known].Value}' and '{value}'): name one of them differently.");
            }
        }

        _statements.Add((sql, returnsRows, first, parameters.Length));
    }

    /// <summary>Sends the statements; read the results, then <see cref="BatchResults.FinishAsync"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    /// <param name="together">Whether to send them as one command.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The results, to dispose.</returns>
    public async Task<BatchResults> ExecuteAsync(DbConnection connection, DbTransaction transaction, bool together, CancellationToken cancellationToken)
    {
        var results = new BatchResults(this, connection, transaction, cancellationToken);
        if (together)
        {
            await results.SendTogetherAsync().ConfigureAwait(false);
        }

        return results;
    }

    private string JoinedSql()
    {
        var sql = new StringBuilder();
        foreach ((string statement, _, _, _) in _statements)
        {
            if (sql.Length > 0)
            {
                sql.Append("; ");
            }

            sql.Append(statement);
        }

        return sql.ToString();
    }

    /// <summary>The results of a sent batch, read in statement order.</summary>
    internal sealed class BatchResults(StatementBatch batch, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private CachedCommand? _command;
        private DbDataReader? _reader;
        private bool _together;
        private bool _first = true;
        private int _next;

        internal async Task SendTogetherAsync()
        {
            _together = true;
            _command = StatementCache.Rent(connection, transaction, batch.JoinedSql(), [.. batch._shared]);
            _reader = await _command.Value.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The result of the next statement that returns rows, before its first row.</summary>
        /// <returns>A reader; valid until the next call.</returns>
        public async Task<DbDataReader> NextAsync()
        {
            if (_together)
            {
                if (!_first && !await _reader!.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException("The batch has no further result.");
                }

                _first = false;
                return _reader!;
            }

            await CloseStatementAsync().ConfigureAwait(false);
            while (_next < batch._statements.Count)
            {
                (string sql, bool returnsRows, int first, int count) = batch._statements[_next++];
                _command = StatementCache.Rent(connection, transaction, sql, [.. batch._parameters.GetRange(first, count)]);
                if (returnsRows)
                {
                    _reader = await _command.Value.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    return _reader;
                }

                await _command.Value.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await CloseStatementAsync().ConfigureAwait(false);
            }

            throw new InvalidOperationException("The batch has no further result.");
        }

        /// <summary>Runs the statements not run yet (one by one), or reads to the end (together), so that every error surfaces here.</summary>
        /// <returns>A task that completes once every statement ran.</returns>
        public async Task FinishAsync()
        {
            if (_together)
            {
                while (await _reader!.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }

                return;
            }

            await CloseStatementAsync().ConfigureAwait(false);
            while (_next < batch._statements.Count)
            {
                (string sql, _, int first, int count) = batch._statements[_next++];
                using CachedCommand command = StatementCache.Rent(connection, transaction, sql, [.. batch._parameters.GetRange(first, count)]);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async ValueTask CloseStatementAsync()
        {
            if (_reader is not null)
            {
                await _reader.DisposeAsync().ConfigureAwait(false);
                _reader = null;
            }

            _command?.Dispose();
            _command = null;
        }

        public ValueTask DisposeAsync() => CloseStatementAsync();
    }
}
