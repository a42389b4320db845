using System.Data;
using System.Data.Common;
using Npgsql;
using Workflows.Durable;
using Workflows.Durable.Sql;

namespace Workflows.Postgres;

/// <summary>
/// Durable runs in PostgreSQL, shared by any number of worker processes on any number of machines:
/// pending deliveries are claimed with <c>FOR UPDATE SKIP LOCKED</c> under a lease (a crashed
/// worker's leases expire and other workers take its work over), idle workers wake on
/// <c>LISTEN/NOTIFY</c>, and each commit locks its run's row so concurrent workers never lose an update.
/// </summary>
/// <example>
/// <code>
/// await using var runtime = new WorkflowRuntime(new PostgresWorkflowStore("Host=db;Username=app;Database=workflows"));
/// </code>
/// </example>
public sealed class PostgresWorkflowStore : IWorkflowStore, IWebhookStore
{
    private const string Channel = "workflows_work";
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _where;
    private readonly TimeProvider _time;
    private readonly SqlJournal _journal = new(new PostgresDialect());
    private readonly SemaphoreSlim _listening = new(1, 1);
    private NpgsqlConnection? _listener;
    private bool _initialized;

    /// <summary>Opens the store in the database a connection string names.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="time">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public PostgresWorkflowStore(string connectionString, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _where = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await CreateOrVerifySchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (NpgsqlException error)
        {
            throw new WorkflowStoreException($"The Workflows store in {_where} could not be opened: {error.Message}", error);
        }

        _initialized = true;
    }

    private async Task CreateOrVerifySchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Two processes starting at once must not both create the schema.
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7720261121)", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", connection, transaction))
        {
            using NpgsqlDataReader reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            await _journal.CreateSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }
        else if (await SqlJournal.VerifySchemaAsync(connection, transaction, tables, _where, cancellationToken).ConfigureAwait(false) < SqlDialect.SchemaVersion)
        {
            await _journal.UpgradeSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await _journal.CreateRunAsync(c, t, run, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false), Keep: true, Notify: true), cancellationToken);

    /// <inheritdoc/>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync(c => _journal.GetRunAsync(c, null, runId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListRunsAsync(c, query, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await _journal.ClaimAsync(c, t, request, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken, lease: true);

    /// <inheritdoc/>
    public Task<bool> RenewLeaseAsync(long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await SqlJournal.RenewLeaseAsync(c, t, deliveryId, workerId, until, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken, lease: true);

    /// <inheritdoc/>
    public Task<CommitResult> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t) =>
            {
                CommitResult result = await _journal.CommitAsync(c, t, commit, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                bool keep = result == CommitResult.Committed;
                return (result, keep, Notify: keep);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseAsync(long deliveryId, string workerId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => { await SqlJournal.ReleaseAsync(c, t, deliveryId, workerId, cancellationToken).ConfigureAwait(false); return (true, Keep: true, Notify: true); }, cancellationToken, lease: true);

    /// <inheritdoc/>
    public Task<ExternalResult> AddExternalEventAsync(ExternalEvent ev, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t) =>
            {
                ExternalResult result = await _journal.AddExternalEventAsync(c, t, ev, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                bool keep = result is ExternalResult.Answered or ExternalResult.Routed;
                return (result, keep, Notify: keep);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> CancelRunAsync(string runId, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await _journal.CancelRunAsync(c, t, runId, reason, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

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
        WriteAsync(async (c, t) => (await SqlJournal.AddSubscriptionAsync(c, t, subscription, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookSubscription>> ListSubscriptionsAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListSubscriptionsAsync(c, null, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public async Task<WebhookSubscription?> GetSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        (await ReadAsync(c => SqlJournal.ListSubscriptionsAsync(c, id, cancellationToken), cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc/>
    public Task<bool> RemoveSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await SqlJournal.RemoveSubscriptionAsync(c, t, id, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

    /// <inheritdoc/>
    public Task DisableSubscriptionAsync(string id, string reason, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => { await SqlJournal.DisableSubscriptionAsync(c, t, id, reason, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false); return (true, Keep: true, Notify: false); }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(int max, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ReadRunChangesAsync(c, max, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> FanOutAsync(IReadOnlyList<RunChange> changes, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t) =>
            {
                bool done = await SqlJournal.FanOutAsync(c, t, changes, deliveries, now, cancellationToken).ConfigureAwait(false);
                return (done, Keep: done, Notify: false);
            },
            cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookDelivery>> ClaimWebhookDeliveriesAsync(string dispatcherId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await _journal.ClaimWebhookDeliveriesAsync(c, t, dispatcherId, now, lease, max, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ReleaseWebhookDeliveryAsync(long deliveryId, string dispatcherId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await SqlJournal.ReleaseWebhookDeliveryAsync(c, t, deliveryId, dispatcherId, cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

    /// <inheritdoc/>
    public Task<DateTimeOffset?> NextWebhookDueAsync(CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.NextWebhookDueAsync(c, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RecordWebhookAttemptAsync(WebhookAttemptOutcome outcome, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => (await SqlJournal.RecordWebhookAttemptAsync(c, t, outcome, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false), Keep: true, Notify: false), cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(string subscriptionId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        await ReadAsync(c => SqlJournal.ListWebhookDeliveriesAsync(c, subscriptionId, beforeId, limit, cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<IReadOnlyList<WebhookAttempt>> ListWebhookAttemptsAsync(long deliveryId, CancellationToken cancellationToken) =>
        ReadAsync(c => SqlJournal.ListWebhookAttemptsAsync(c, deliveryId, cancellationToken), cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Waits on <c>LISTEN</c>: any process's commit of new work wakes every idle worker.</remarks>
    public async Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        if (!await _listening.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(max, _time, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            if (_listener is null)
            {
                _listener = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                using var listen = new NpgsqlCommand($"LISTEN {Channel}", _listener);
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(max);
            try
            {
                await _listener.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No notification within max: the caller looks again anyway.
            }
        }
        catch (NpgsqlException)
        {
            // The listening connection broke: drop it, poll this once, and listen again next time.
            _listener?.Dispose();
            _listener = null;
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _listening.Dispose();
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await read(connection).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One transaction per write, committed or rolled back as the work says; new work is announced on
    /// commit. A lease change (claim, renewal, release) does not wait for the disk: lost in a crash, it
    /// only means the lease expires and the delivery is claimed again, which the guarantees allow for.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<(T Result, bool Keep, bool Notify)>> work, CancellationToken cancellationToken, bool lease = false)
    {
        EnsureInitialized();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (lease)
                {
                    using var relaxed = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, transaction);
                    await relaxed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                (T result, bool keep, bool notify) = await work(connection, transaction).ConfigureAwait(false);
                if (!keep)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return result;
                }

                if (notify)
                {
                    // Delivered to listeners when (and only if) the transaction commits.
                    using var announce = new NpgsqlCommand($"NOTIFY {Channel}", connection, transaction);
                    await announce.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private void EnsureInitialized()
    {
        if (!_initialized)
        {
            throw new InvalidOperationException("The PostgreSQL store is not open: call InitializeAsync (WorkflowRuntime.StartAsync does) first.");
        }
    }
}
