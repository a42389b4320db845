using System.Data.Common;
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
    private GroupCommit? _writer;
    private (long Commits, long Writes) _closedStatistics;
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
    public (long Commits, long Writes) GroupCommitStatistics => _writer?.Statistics ?? _closedStatistics;

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
            throw Describe(error);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        // One writer: SQLite has one write lock per file, so more would only queue behind it.
        _writer = new GroupCommit(new Hooks(this), writers: 1, MaxBatch);
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
        return _writer!.WriteAsync(work, kind, cancellationToken);
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
        if (Interlocked.Exchange(ref _writer, null) is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            _closedStatistics = writer.Statistics;
        }

        await _changes.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Another process's writer may hold the lock for a moment: wait for it rather than fail.
        await PragmaAsync(connection, "PRAGMA busy_timeout = 30000", cancellationToken).ConfigureAwait(false);
        await PragmaAsync(connection, "PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);

        // Each write of a group commit runs under a savepoint, whose journal of the pages it changes spills to a
        // temporary file past 64 KiB by default: kept in memory, a 3-step run costs a quarter less CPU and time.
        // It only ever holds the pages of one open transaction, and a crash loses it with the transaction it undoes.
        await PragmaAsync(connection, "PRAGMA temp_store = MEMORY", cancellationToken).ConfigureAwait(false);
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

    /// <summary>SQLite's part of the group commit: its connections (busy timeout, full sync), its statements run beneath Microsoft.Data.Sqlite's command, and its errors, said plainly.</summary>
    private sealed class Hooks(SqliteWorkflowStore store) : GroupCommitHooks
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await store.OpenAsync(cancellationToken).ConfigureAwait(false);

        public override Exception Describe(Exception error) => error is SqliteException sqlite ? store.Describe(sqlite) : error;

        public override bool SplitsCommands => true;

        public override PreparedStatement? Prepare(DbConnection connection, string sql) => new SqlitePreparedStatement((SqliteConnection)connection, sql);
    }
}
