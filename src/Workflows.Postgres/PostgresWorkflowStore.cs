using System.Data;
using System.Data.Common;
using Npgsql;
using Workflows.Durable;
using Workflows.Sql;

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
public sealed class PostgresWorkflowStore : SqlWorkflowStore
{
    private const int MaxBatch = 64;

    /// <summary>How many group-commit writers carry commits: one fills its batch while the other's COMMIT waits for the disk.</summary>
    internal const int Writers = 2;
    private readonly NpgsqlDataSource _dataSource;
    private readonly WorkAnnouncer _announcer;
    private GroupCommit? _writer;
    private GroupCommit? _leaseWriter;
    private readonly string _location;
    private readonly WorkListener _listener;
    private int _disposed;

    /// <summary>Opens the store in the database a connection string names.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="time">The clock for timestamps; default <see cref="TimeProvider.System"/>.</param>
    public PostgresWorkflowStore(string connectionString, TimeProvider? time = null)
        : base(new PostgresDialect(), time)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // The journal runs the same statements over and over: prepared once per connection, the server
            // parses and plans each once. They are more than 64 (a claim's id lists make one per length, and
            // commands that send several statements make their own): at 64 the least used were evicted and
            // prepared again all the time, a fifth of a run's CPU on this machine's 2 cores (the profile mode
            // of the benchmark program, 1.95–2.2 against 2.4–2.9 ms per run). A connection string's own value wins.
            builder.MaxAutoPrepare = 256;
            builder.AutoPrepareMinUsages = 2;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
        _location = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
        _announcer = new WorkAnnouncer(_dataSource, Time);
        _listener = new WorkListener(_dataSource, Time);
    }

    /// <summary>How many group commits ran, and how many writes they carried (the lease writer's included): for tests and tuning.</summary>
    public (long Commits, long Writes) GroupCommitStatistics
    {
        get
        {
            (long commits, long writes) = _writer?.Statistics ?? default;
            (long leaseCommits, long leaseWrites) = _leaseWriter?.Statistics ?? default;
            return (commits + leaseCommits, writes + leaseWrites);
        }
    }

    /// <summary>How many writes were kept as sent to the server together with others, in one round trip: for tests and tuning.</summary>
    public long PipelinedWrites => _writer?.PipelinedWrites ?? 0;

    /// <inheritdoc/>
    public override string Location => _location;

    /// <inheritdoc/>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
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
            throw new WorkflowStoreException($"The Workflows store in {_location} could not be opened: {error.Message}", error);
        }

        _writer = new GroupCommit(new Hooks(this), Writers, MaxBatch);

        // Claims, renewals and releases have a writer of their own. In the commits' batches, a claim (five statements,
        // each a round trip) held up every commit of its batch, and waited behind the batch's other writes itself: with
        // one worker, a slot spent a fifth of its time waiting for claims, and the store a third of its time idle
        // (profile mode, one worker, alternated builds: 1.13-1.22 ms a run before, 0.87-1.08 after).
        _leaseWriter = new GroupCommit(new Hooks(this), writers: 1, MaxBatch);
    }

    private async Task CreateOrVerifySchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using (var lockCommand = new NpgsqlCommand(Dialect.SchemaLock!, connection, transaction))
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

        int version = tables.Count == 0 ? 0 : await VerifySchemaAsync(connection, transaction, tables, cancellationToken).ConfigureAwait(false);
        await CreateOrUpgradeSchemaAsync(connection, transaction, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        EnsureInitialized();
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await read(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Group commit: the writes waiting when a writer is free share one transaction (each under a
    /// savepoint) and one COMMIT. Lease changes (<see cref="SqlWriteKind.Lease"/>: claims, renewals,
    /// releases) go to a writer of their own, and its batches do not wait for the disk: lost in a crash,
    /// a lease change only means the lease expires and the delivery is claimed again, which the guarantees allow for. New work (<see cref="SqlWriteKind.AnnouncesWork"/>)
    /// is announced to other processes on commit, at most once per 50 ms. Writers never wait long for a
    /// row another transaction holds (lock_timeout 100 ms): such a write goes into a later batch, so two
    /// batches can never hold each other up.
    /// </summary>
    /// <inheritdoc/>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, SqlWriteKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        EnsureInitialized();
        return WriterFor(kind).WriteAsync(work, kind, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The first writes of a batch that have a pipelined form go to the server in one round trip.</remarks>
    public override Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, Func<PipelinedWork<T>?> pipeline, SqlWriteKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        EnsureInitialized();
        return WriterFor(kind).WriteAsync(work, pipeline, kind, cancellationToken);
    }

    /// <summary>Lease changes go to the lease writer, everything else to the commit writers.</summary>
    private GroupCommit WriterFor(SqlWriteKind kind) => kind.HasFlag(SqlWriteKind.Lease) ? _leaseWriter! : _writer!;

    /// <inheritdoc/>
    /// <remarks>Wakes on <c>LISTEN</c>: any process's commit of new work wakes every idle worker.</remarks>
    public override Task WaitForWorkAsync(TimeSpan max, CancellationToken cancellationToken) => _listener.WaitAsync(max, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Idempotent: the runtime and a dependency-injection container may both dispose it.</remarks>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            await _leaseWriter!.DisposeAsync().ConfigureAwait(false);
        }

        await _announcer.DisposeAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private void EnsureInitialized()
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("The PostgreSQL store is not open: call InitializeAsync (WorkflowRuntime.StartAsync does) first.");
        }
    }

    /// <summary>PostgreSQL's part of the group commit: bounded lock waits, relaxed commits of leases, announcements.</summary>
    private sealed class Hooks(PostgresWorkflowStore store) : GroupCommitHooks
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            NpgsqlConnection connection = await store._dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            using var settings = new NpgsqlCommand("SET lock_timeout = '100ms'", connection);
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }

        public override async Task<bool> CommittingAsync(DbConnection connection, DbTransaction transaction, bool durable, bool announces)
        {
            bool announce = announces && store._announcer.TakeTurn();

            // A NOTIFY's COMMIT takes the lock every notifying transaction shares (held by another until its commit is on
            // disk): under the writer's lock_timeout, a wait past 100 ms for it failed the whole batch.
            string statements = (durable ? string.Empty : "SET LOCAL synchronous_commit = off;") + (announce ? $"SET LOCAL lock_timeout = 0; NOTIFY {WorkAnnouncer.Channel};" : string.Empty);
            if (statements.Length > 0)
            {
                // Delivered to listeners when (and only if) the transaction commits.
                using var command = new NpgsqlCommand(statements, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            return announce;
        }

        public override void Committed(bool announces, bool announced)
        {
            if (announces && !announced)
            {
                store._announcer.Trail();
            }
        }

        /// <summary>Each savepoint rides with its write's first statement: a round trip fewer per write.</summary>
        public override bool SendsSavepointsAhead => true;

        /// <summary>Writes sent together answer together: a round trip per batch instead of one per write.</summary>
        public override bool PipelinesWrites => true;

        public override bool IsLockTimeout(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected };
    }
}
