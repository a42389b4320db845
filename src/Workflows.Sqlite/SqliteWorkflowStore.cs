using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Workflows.Durable;
using Workflows.Durable.Sql;

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
public sealed class SqliteWorkflowStore : IWorkflowStore, IWebhookStore
{
    private const int MaxBatch = 128;
    private readonly string _path;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqlJournal _journal = new(new SqliteDialect());
    private readonly Channel<IWrite> _writes = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private SqliteConnection? _writer;
    private Task? _writing;

    /// <summary>Opens (or creates) the store in the SQLite file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="time">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public SqliteWorkflowStore(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many group commits ran, and how many writes they carried: for tests and tuning.</summary>
    public (long Commits, long Writes) GroupCommitStatistics => (Interlocked.Read(ref _commits), Interlocked.Read(ref _batchedWrites));

    private long _commits;
    private long _batchedWrites;

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
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
                version = await SqlJournal.VerifySchemaAsync(connection, null, tables, $"'{_path}'", cancellationToken).ConfigureAwait(false);
                await QuickCheckAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            await PragmaAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
            if (version < SqlDialect.SchemaVersion)
            {
                // BEGIN IMMEDIATE: the write lock first, so a second process waits, then finds the schema done.
                using DbTransaction transaction = connection.BeginTransaction(deferred: false);
                if (version == 0)
                {
                    await _journal.CreateSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _journal.UpgradeSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

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
    public Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.CreateRunAsync(c, t, run, _time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(c => _journal.GetRunAsync(c, null, runId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListRunsAsync(c, query, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.ClaimAsync(c, t, request, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RenewLeaseAsync(long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.RenewLeaseAsync(c, t, deliveryId, workerId, until, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<CommitResult> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t, ct) =>
            {
                CommitResult result = await _journal.CommitAsync(c, t, commit, _time.GetUtcNow(), ct).ConfigureAwait(false);
                return (result, Keep: result == CommitResult.Committed);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseAsync(long deliveryId, string workerId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => { await SqlJournal.ReleaseAsync(c, t, deliveryId, workerId, ct).ConfigureAwait(false); return (true, Keep: true); }, cancellationToken);

    /// <inheritdoc/>
    public Task<ExternalResult> AddExternalEventAsync(ExternalEvent ev, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t, ct) =>
            {
                ExternalResult result = await _journal.AddExternalEventAsync(c, t, ev, _time.GetUtcNow(), ct).ConfigureAwait(false);
                return (result, Keep: result is ExternalResult.Answered or ExternalResult.Routed);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> CancelRunAsync(string runId, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.CancelRunAsync(c, t, runId, reason, _time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterSequence, int max, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ReadEventsAsync(c, runId, afterSequence, max, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ReadStateAsync(c, runId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ReadDeliveriesAsync(c, runId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task AddSubscriptionAsync(WebhookSubscription subscription, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.AddSubscriptionAsync(c, t, subscription, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListSubscriptionsAsync(c, null, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public async Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(c => SqlJournal.ListSubscriptionsAsync(c, id, cancellationToken), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc/>
    public Task<bool> RemoveSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.RemoveSubscriptionAsync(c, t, id, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task DisableSubscriptionAsync(string id, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => { await SqlJournal.DisableSubscriptionAsync(c, t, id, reason, _time.GetUtcNow(), ct).ConfigureAwait(false); return (true, Keep: true); }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(int max, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ReadRunChangesAsync(c, max, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> FanOutAsync(IReadOnlyList<RunChange> changes, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t, ct) =>
            {
                bool done = await SqlJournal.FanOutAsync(c, t, changes, deliveries, now, ct).ConfigureAwait(false);
                return (done, Keep: done);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(string dispatcherId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.ClaimWebhookDeliveriesAsync(c, t, dispatcherId, now, lease, max, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ReleaseWebhookDeliveryAsync(long deliveryId, string dispatcherId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.ReleaseWebhookDeliveryAsync(c, t, deliveryId, dispatcherId, ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.NextWebhookDueAsync(c, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RecordWebhookAttemptAsync(WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.RecordWebhookAttemptAsync(c, t, outcome, _time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(string subscriptionId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        await ReadAsync(c => SqlJournal.ListWebhookDeliveriesAsync(c, subscriptionId, beforeId, limit, cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookAttempt>> ListWebhookAttemptsAsync(long deliveryId, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListWebhookAttemptsAsync(c, deliveryId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>SQLite cannot notify other processes; the runtime wakes its own workers, others poll.</remarks>
    public Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken) => Task.Delay(max, _time, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writing is not null)
        {
            await _writing.ConfigureAwait(false);
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        EnsureOpen();
        SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                return await read(connection).ConfigureAwait(false);
            }
            catch (SqliteException error) when (error.SqliteErrorCode is 11 or 26)
            {
                throw Describe(error);
            }
        }
    }

    private Task<T> WriteAsync<T>(Func<SqliteConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, CancellationToken cancellationToken)
    {
        EnsureOpen();
        var write = new Write<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);

        return write.Completion;
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
                var done = new List<IWrite>(batch.Count);
                foreach (IWrite write in batch)
                {
                    await transaction.SaveAsync("w").ConfigureAwait(false);
                    if (await write.RunAsync(_writer, transaction).ConfigureAwait(false))
                    {
                        await transaction.ReleaseAsync("w").ConfigureAwait(false);
                    }
                    else
                    {
                        await transaction.RollbackAsync("w").ConfigureAwait(false);
                        await transaction.ReleaseAsync("w").ConfigureAwait(false);
                    }

                    done.Add(write);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _batchedWrites, batch.Count);
                foreach (IWrite write in done)
                {
                    write.Complete();
                }
            }
            catch (Exception error)
            {
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

    private sealed class Write<T>(Func<SqliteConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, CancellationToken cancellationToken) : IWrite
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
