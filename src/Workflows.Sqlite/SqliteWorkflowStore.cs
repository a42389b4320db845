using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Workflows.Durable;
using Workflows.Sql;

namespace Workflows.Sqlite;

/// <summary>
/// Durable runs in one SQLite file: the embedded default. WAL mode with full synchronous commits,
/// so a committed delivery survives a crash or power loss; group commit, so many small commits from
/// concurrent steps share one transaction and one fsync. Several processes may share the file.
/// </summary>
/// <example>
/// <code>
/// await using var runtime = new WorkflowRuntime(new SqliteWorkflowStore("workflows.db"));
/// </code>
/// </example>
public sealed class SqliteWorkflowStore : SqlWorkflowStore
{
    private const int MaxBatch = 128;
    private readonly string _path;
    private readonly string _connectionString;
    private readonly Channel<IWrite> _writes = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteConnection? _writer;
    private Task? _writing;
    private long _commits;
    private long _batchedWrites;
    private readonly ChangeWatch _changes;

    /// <summary>Opens (or creates) the store in the SQLite file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="time">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public SqliteWorkflowStore(string path, TimeProvider? time = null)
        : base(new SqliteDialect(), time)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _changes = new ChangeWatch(OpenAsync, Time);
    }

    /// <inheritdoc/>
    public override string Location => $"'{_path}'";

    /// <summary>How many group commits ran, and how many writes they carried: for tests and tuning.</summary>
    public (long Commits, long Writes) GroupCommitStatistics => (Interlocked.Read(ref _commits), Interlocked.Read(ref _batchedWrites));

    /// <inheritdoc/>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return;
        }

        SqliteConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException error)
        {
            throw Describe(error);
        }

        try
        {
            // Look before touching: a file that is not ours is rejected before any pragma or write changes it.
            List<string> tables = await TablesAsync(connection, cancellationToken).ConfigureAwait(false);
            int version = 0;
            if (tables.Count > 0)
            {
                version = await VerifySchemaAsync(connection, null, tables, cancellationToken).ConfigureAwait(false);
                await QuickCheckAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            await PragmaAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (version < SqlDialect.SchemaVersion)
            {
                // BEGIN IMMEDIATE: the write lock first, so a second process waits, then finds the schema done.
                using DbTransaction transaction = connection.BeginTransaction(deferred: false);
                tables = await TablesAsync(connection, cancellationToken).ConfigureAwait(false);
                version = tables.Count == 0 ? 0 : await VerifySchemaAsync(connection, transaction, tables, cancellationToken).ConfigureAwait(false);
                await CreateOrUpgradeSchemaAsync(connection, transaction, version, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Describe(error);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _writer = connection;
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <inheritdoc/>
    public override async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        EnsureOpen();
        SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await read(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException error) when (error.SqliteErrorCode is 11 or 26)
            {
                throw Describe(error);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Every write goes through the group commit; SQLite commits them all durably, whatever their kind.</remarks>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, SqlWriteKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        EnsureOpen();
        var write = new Write<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Completion;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Ends as soon as any connection to the file commits (watched through <c>PRAGMA data_version</c>
    /// every 10 ms): an answer or a new run from another process wakes an idle worker at once.
    /// </remarks>
    public override Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        EnsureOpen();
        return _changes.WaitAsync(max, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Idempotent: the runtime and a dependency-injection container may both dispose it.</remarks>
    public override async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writing is not null)
        {
            await _writing.ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _writer, null) is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        await _changes.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Group commit: every write waiting when the writer is free goes into one transaction, each
    /// under its own savepoint (one that fails or declines is rolled back alone), then one COMMIT.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var batch = new List<IWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out IWrite? write))
            {
                batch.Add(write);
            }

            try
            {
                using DbTransaction transaction = await _writer!.BeginTransactionAsync().ConfigureAwait(false);
                foreach (IWrite write in batch)
                {
                    await transaction.SaveAsync("w").ConfigureAwait(false);
                    if (!await write.RunAsync(_writer, transaction).ConfigureAwait(false))
                    {
                        await transaction.RollbackAsync("w").ConfigureAwait(false);
                    }

                    await transaction.ReleaseAsync("w").ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _batchedWrites, batch.Count);
                foreach (IWrite write in batch)
                {
                    write.Complete();
                }
            }
            catch (Exception error)
            {
                // The batch did not commit: every write in it learns why (none of them is recorded).
                Exception reported = error is SqliteException sqlite ? Describe(sqlite) : error;
                foreach (IWrite write in batch)
                {
                    write.Fail(reported);
                }
            }
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Another process's writer may hold the lock for a moment: wait for it rather than fail.
        await PragmaAsync(connection, "PRAGMA busy_timeout = 30000", cancellationToken).ConfigureAwait(false);
        await PragmaAsync(connection, "PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static async Task PragmaAsync(SqliteConnection connection, string pragma, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<string>> TablesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        var tables = new List<string>();
        using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private async Task QuickCheckAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check";
        object? result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (result is not "ok")
        {
            throw new WorkflowStoreException($"'{_path}' is damaged: SQLite's quick_check says {result}. Restore it from a backup; nothing was changed.");
        }
    }

    private WorkflowStoreException Describe(SqliteException error) => error.SqliteErrorCode switch
    {
        26 => new WorkflowStoreException($"'{_path}' is not a SQLite database, so it cannot be a Workflows store; nothing was changed.", error),
        11 => new WorkflowStoreException($"'{_path}' is damaged (SQLite: {error.Message}). Restore it from a backup.", error),
        _ => new WorkflowStoreException($"The Workflows store '{_path}' failed: {error.Message}", error),
    };

    private void EnsureOpen()
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("The SQLite store is not open: call InitializeAsync (WorkflowRuntime.StartAsync does) first.");
        }
    }

    /// <summary>A write waiting for the group commit.</summary>
    private interface IWrite
    {
        /// <summary>Runs the write; whether to keep its changes.</summary>
        Task<bool> RunAsync(SqliteConnection connection, DbTransaction transaction);

        void Complete();

        void Fail(Exception error);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, CancellationToken cancellationToken) : IWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _error;

        public Task<T> Completion => _completion.Task;

        public async Task<bool> RunAsync(SqliteConnection connection, DbTransaction transaction)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                (_result, bool keep) = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
                return keep;
            }
            catch (Exception error)
            {
                // Rolled back alone (its savepoint); its caller gets the error once the batch commits.
                _error = error;
                return false;
            }
        }

        // Results are released only after COMMIT: nobody acts on a write that might still roll back.
        public void Complete()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result);
            }
        }

        public void Fail(Exception error) => _completion.TrySetException(error);
    }
}
