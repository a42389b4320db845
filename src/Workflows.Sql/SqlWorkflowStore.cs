using System.Data.Common;
using Workflows.Durable;
using Workflows.Sql.Journal;

namespace Workflows.Sql;

/// <summary>
/// The store contract (<see cref="IWorkflowStore"/>) implemented once, in SQL, over two primitives a
/// database store supplies: <see cref="ReadAsync{T}"/> (a connection of its own) and
/// <see cref="WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/> (a transaction, committed or rolled back as the work says). SQLite adds
/// group commit and pragmas, PostgreSQL leases and LISTEN/NOTIFY; the journal's logic, and so its
/// guarantees, are the same on both. Modules that keep tables beside the journal (webhooks) use the
/// same primitives and <see cref="EnsureModuleSchemaAsync"/>.
/// </summary>
public abstract class SqlWorkflowStore : IWorkflowStore
{
    private readonly SqlJournal _journal;
    private readonly Lock _cleanupLock = new();
    private string[] _runCleanups = [];

    /// <summary>Creates the store's journal in a dialect.</summary>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="time">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    protected SqlWorkflowStore(SqlDialect dialect, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        _journal = new SqlJournal(dialect);
        Time = time ?? TimeProvider.System;
    }

    /// <summary>The database's dialect.</summary>
    public SqlDialect Dialect => _journal.Dialect;

    /// <summary>Where the store is, for messages: <c>'runs.db'</c>, <c>PostgreSQL database 'app' on db:5432</c>.</summary>
    public abstract string Location { get; }

    /// <summary>The clock for timestamps.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc/>
    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="read"/> on a connection of its own, outside any write transaction.</summary>
    /// <typeparam name="T">What it reads.</typeparam>
    /// <param name="read">The reading, given the open connection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What it read.</returns>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction, which is committed when it says to keep
    /// its changes and rolled back otherwise; its result is returned only after the commit.
    /// </summary>
    /// <typeparam name="T">What it returns.</typeparam>
    /// <param name="work">The writing, given the connection and transaction; returns its result and whether to keep its changes.</param>
    /// <param name="kind">What it changes, so the store can commit it as cheaply as is safe.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the work returned.</returns>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, SqlWriteKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/>,
    /// with the write's one command and the reading of its results, which a store may send in one round trip with
    /// other writes' (PostgreSQL's group commit does). By default the work runs as usual.
    /// </summary>
    /// <typeparam name="T">What it returns.</typeparam>
    /// <param name="work">The writing, as the other overload takes it: what runs when the write is not sent with others.</param>
    /// <param name="pipeline">Its one command and the reading of its results, made when it is sent; <see langword="null"/> when it has none then.</param>
    /// <param name="kind">What it changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the work (or the reading) returned.</returns>
    public virtual Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, Func<PipelinedWork<T>?> pipeline, SqlWriteKind kind, CancellationToken cancellationToken) =>
        WriteAsync(work, kind, cancellationToken);

    /// <inheritdoc/>
    public abstract Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Creates or upgrades the tables of a module kept beside the journal, versioned on their own
    /// (<c>steps[0]</c> creates version 1, <c>steps[n]</c> brings version n to n + 1); several processes
    /// may call it at once. Use <c>IF NOT EXISTS</c> where tables may predate the module's own versioning.
    /// </summary>
    /// <param name="module">The module's name, unique in the store.</param>
    /// <param name="steps">The statements of each version, in this store's dialect (<see cref="Dialect"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowStoreException">The module's tables were written by a newer build, or damaged.</exception>
    public Task EnsureModuleSchemaAsync(string module, IReadOnlyList<IReadOnlyList<string>> steps, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentNullException.ThrowIfNull(steps);
        return WriteAsync(async (c, t, ct) => { await _journal.EnsureModuleSchemaAsync(c, t, module, steps, Location, ct).ConfigureAwait(false); return (true, Keep: true); }, SqlWriteKind.None, cancellationToken);
    }

    /// <summary>Checks that the database is a Workflows store this build can read; returns its schema version (0 never: an empty database has no tables).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction, if any.</param>
    /// <param name="tables">The database's tables.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    /// <exception cref="WorkflowStoreException">The database is another application's, from a newer build, or damaged.</exception>
    protected Task<int> VerifySchemaAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> tables, CancellationToken cancellationToken) =>
        SqlJournal.VerifySchemaAsync(connection, transaction, tables, Location, cancellationToken);

    /// <summary>Creates the journal's schema in an empty database, or brings an older one to this build's version.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    /// <param name="version">The version found (0 for an empty database).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    protected Task CreateOrUpgradeSchemaAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken cancellationToken) =>
        version == 0
            ? _journal.CreateSchemaAsync(connection, transaction, cancellationToken)
            : version < SqlDialect.SchemaVersion ? _journal.UpgradeSchemaAsync(connection, transaction, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public async Task<(RunRecord Run, bool Created)> CreateRunAsync(NewRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (SqlJournal.CreatesAtOnce(run))
        {
            // The usual start, in one round trip; if its id or key was taken, nothing of it is kept and the usual create returns the run that took it.
            RunRecord? created = await WriteAsync(
                async (c, t, ct) =>
                {
                    RunRecord? created = await SqlJournal.TryCreateRunAtOnceAsync(c, t, run, Time.GetUtcNow(), ct).ConfigureAwait(false);
                    return (created, Keep: created is not null);
                },
                () => SqlJournal.PipelineRunAtOnce(run, Time.GetUtcNow()),
                SqlWriteKind.AnnouncesWork,
                cancellationToken).ConfigureAwait(false);
            if (created is not null)
            {
                return (created, true);
            }
        }

        return await WriteAsync(async (c, t, ct) => (await _journal.CreateRunAsync(c, t, run, Time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), SqlWriteKind.AnnouncesWork, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.GetRunWithTagsAsync(c, runId, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.ListRunsAsync(c, query, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<ClaimResult> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.ClaimAsync(c, t, request, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.Lease, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RenewLeaseAsync(long deliveryId, string workerId, DateTimeOffset until, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.RenewLeaseAsync(c, t, deliveryId, workerId, until, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.Lease, cancellationToken);

    /// <inheritdoc/>
    public async Task<CommitResult> CommitAsync(DeliveryCommit commit, CancellationToken cancellationToken) =>
        (await CommitAndTakeNextAsync(commit with { NextLease = null }, cancellationToken).ConfigureAwait(false)).Result;

    /// <inheritdoc/>
    public async Task<CommitOutcome> CommitAndTakeNextAsync(DeliveryCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (_journal.ExpectedFor(commit) is { } expected)
        {
            // The journal knows how the run stands (it handed this delivery over): one round trip, if the run is still so.
            CommitOutcome? outcome = await WriteAsync(
                async (c, t, ct) =>
                {
                    CommitOutcome? outcome = await _journal.CommitAsExpectedAsync(c, t, commit, expected, Time.GetUtcNow(), ct).ConfigureAwait(false);
                    return (outcome, Keep: outcome?.Result == CommitResult.Committed);
                },
                () => _journal.PipelineAsExpected(commit, expected, Time.GetUtcNow()),
                SqlWriteKind.AnnouncesWork,
                cancellationToken).ConfigureAwait(false);
            if (outcome is { } committed)
            {
                return committed;
            }
        }

        return await WriteAsync(
            async (c, t, ct) =>
            {
                CommitOutcome outcome = await _journal.CommitAsync(c, t, commit, Time.GetUtcNow(), ct).ConfigureAwait(false);
                return (outcome, Keep: outcome.Result == CommitResult.Committed);
            },
            SqlWriteKind.AnnouncesWork,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<bool> RecordResultAsync(RecordedResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync(async (c, t, ct) => (await _journal.RecordResultAsync(c, t, result, Time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(long deliveryId, string workerId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => { await SqlJournal.ReleaseAsync(c, t, deliveryId, workerId, ct).ConfigureAwait(false); return (true, Keep: true); }, SqlWriteKind.Lease | SqlWriteKind.AnnouncesWork, cancellationToken);

    /// <inheritdoc/>
    public Task<ExternalResult> AddExternalEventAsync(ExternalEvent ev, CancellationToken cancellationToken) =>
        WriteAsync(
            async (c, t, ct) =>
            {
                ExternalResult result = await _journal.AddExternalEventAsync(c, t, ev, Time.GetUtcNow(), ct).ConfigureAwait(false);
                return (result, Keep: result is ExternalResult.Answered or ExternalResult.Routed);
            },
            SqlWriteKind.AnnouncesWork,
            cancellationToken);

    /// <inheritdoc/>
    public Task<bool> CancelRunAsync(string runId, RunFailure reason, string requestedBy, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await _journal.CancelRunAsync(c, t, runId, reason, requestedBy, Time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);

    /// <inheritdoc/>
    public Task<RunControlResult> ControlRunAsync(RunControlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(
            async (c, t, ct) =>
            {
                RunControlResult result = await _journal.ControlRunAsync(c, t, request, Time.GetUtcNow(), ct).ConfigureAwait(false);
                return (result, Keep: result.Applied);
            },
            SqlWriteKind.AnnouncesWork,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PurgeRunsAsync(PurgeQuery query, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return WriteAsync(async (c, t, ct) => (await _journal.PurgeRunsAsync(c, t, query, max, _runCleanups, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ScheduleRecord> SaveScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return WriteAsync(async (c, t, ct) => (await SqlJournal.SaveScheduleAsync(c, t, schedule, Time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), SqlWriteKind.AnnouncesWork, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ScheduleRecord?> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.GetScheduleAsync(c, null, scheduleId, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        ReadAsync(SqlJournal.ListSchedulesAsync, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> SetSchedulePausedAsync(string scheduleId, bool paused, DateTimeOffset? nextDue, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.SetSchedulePausedAsync(c, t, scheduleId, paused, nextDue, Time.GetUtcNow(), ct).ConfigureAwait(false), Keep: true), SqlWriteKind.AnnouncesWork, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteScheduleAsync(string scheduleId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await SqlJournal.DeleteScheduleAsync(c, t, scheduleId, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);

    /// <inheritdoc/>
    public async Task<ScheduleFireResult> FireSchedulesAsync(ScheduleFireRequest request, IReadOnlyCollection<string> workflows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(workflows);

        // Most looks find nothing due: a read answers those without taking the writer.
        (bool anyDue, DateTimeOffset? next) = await ReadAsync((c, ct) => SqlJournal.LookAtSchedulesAsync(c, null, request.Now, workflows, ct), cancellationToken).ConfigureAwait(false);
        return anyDue
            ? await WriteAsync(async (c, t, ct) => (await _journal.FireSchedulesAsync(c, t, request, workflows, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.AnnouncesWork, cancellationToken).ConfigureAwait(false)
            : new ScheduleFireResult([], next);
    }

    /// <summary>
    /// Adds a statement that deletes a module's rows of a run being purged (its parameter is
    /// <c>@run</c>, the run's id), run in the purge's transaction before the run itself is deleted.
    /// </summary>
    /// <param name="statement">The statement, in this store's dialect.</param>
    public void AddRunCleanup(string statement)
    {
        ArgumentException.ThrowIfNullOrEmpty(statement);
        lock (_cleanupLock)
        {
            if (!_runCleanups.Contains(statement))
            {
                _runCleanups = [.. _runCleanups, statement];
            }
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string runId, long afterSequence, int max, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.ReadEventsAsync(c, runId, afterSequence, max, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, StoredValue>> ReadStateAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.ReadStateAsync(c, runId, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryRecord>> ReadDeliveriesAsync(string runId, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.ReadDeliveriesAsync(c, runId, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<HumanTaskPage> ListTasksAsync(HumanTaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync((c, ct) => SqlJournal.ListTasksAsync(c, query, Time.GetUtcNow(), ct), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<HumanTaskRecord?> GetTaskAsync(long taskId, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.GetTaskAsync(c, taskId, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<TaskChangeResult> ChangeTaskAsync(TaskChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return WriteAsync(
            async (c, t, ct) =>
            {
                TaskChangeResult result = await _journal.ChangeTaskAsync(c, t, request, Time.GetUtcNow(), ct).ConfigureAwait(false);
                return (result, Keep: result.Refusal is null && result.Task is not null);
            },
            SqlWriteKind.None,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task SetRunChangeFeedAsync(bool enabled, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => { await SqlJournal.SetRunChangeFeedAsync(c, t, enabled, ct).ConfigureAwait(false); return (true, Keep: true); }, SqlWriteKind.None, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunChange>> ReadRunChangesAsync(int max, CancellationToken cancellationToken) =>
        ReadAsync((c, ct) => SqlJournal.ReadRunChangesAsync(c, max, ct), cancellationToken);

    /// <inheritdoc/>
    public Task<int> DeleteRunChangesAsync(IReadOnlyList<long> changeIds, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) => (await DeleteRunChangesAsync(c, t, changeIds, ct).ConfigureAwait(false), Keep: true), SqlWriteKind.None, cancellationToken);

    /// <summary>Takes changes off the run-change feed inside a module's own write, so handling them and taking them off commit together.</summary>
    /// <param name="connection">The connection of the write.</param>
    /// <param name="transaction">Its transaction.</param>
    /// <param name="changeIds">The changes' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many were still there (fewer when another consumer took some first).</returns>
    public static Task<int> DeleteRunChangesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> changeIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changeIds);
        return SqlJournal.DeleteRunChangesAsync(connection, transaction, changeIds, cancellationToken);
    }
}
