using System.Data.Common;
using System.Threading.Channels;

namespace Workflows.Sql;

/// <summary>
/// Group commit: every write waiting when a writer is free goes into one transaction, each under its
/// own savepoint (one that fails or declines is rolled back alone), then one COMMIT — so many small
/// commits of concurrent steps share one transaction, one round of the commit protocol and one fsync.
/// Results are released only after the COMMIT: nobody acts on a write that might still roll back.
/// </summary>
/// <remarks>
/// A write that could not get a lock quickly (<see cref="GroupCommitHooks.IsLockTimeout"/>: the store
/// bounds lock waits, so that two batches holding rows the other wants never wait on each other) is
/// rolled back to its savepoint and goes into a later batch, up to <see cref="MaxLockRetries"/> times.
/// Used by <c>SqliteWorkflowStore</c> (one writer: SQLite has one write lock) and
/// <c>PostgresWorkflowStore</c> (two writers for commits, and one of their own for leases) to implement <see cref="SqlWorkflowStore.WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/>.
/// </remarks>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>How often a write that keeps meeting a held lock is put into a later batch before it fails.</summary>
    public const int MaxLockRetries = 100;

    private readonly Channel<GroupWrite> _writes = Channel.CreateUnbounded<GroupWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly GroupCommitHooks _hooks;
    private readonly int _maxBatch;
    private readonly Task[] _writers;
    private long _commits;
    private long _batchedWrites;
    private long _pipelinedWrites;

    /// <summary>Starts <paramref name="writers"/> writers, each with a connection of its own.</summary>
    /// <param name="hooks">What the database adds.</param>
    /// <param name="writers">How many batches may be open at once.</param>
    /// <param name="maxBatch">The most writes in one batch.</param>
    public GroupCommit(GroupCommitHooks hooks, int writers, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _hooks = hooks;
        _maxBatch = maxBatch;
        _writers = new Task[writers];
        for (int i = 0; i < writers; i++)
        {
            _writers[i] = Task.Run(WriteLoopAsync, CancellationToken.None);
        }
    }

    /// <summary>How many group commits ran, and how many writes they carried.</summary>
    public (long Commits, long Writes) Statistics => (Interlocked.Read(ref _commits), Interlocked.Read(ref _batchedWrites));

    /// <summary>How many writes were kept as sent together with others, in one round trip (<see cref="GroupCommitHooks.PipelinesWrites"/>).</summary>
    public long PipelinedWrites => Interlocked.Read(ref _pipelinedWrites);

    /// <summary>Queues a write for the next batch; completes after the batch commits.</summary>
    /// <typeparam name="T">What the write returns.</typeparam>
    /// <param name="work">The write, as <see cref="SqlWorkflowStore.WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/> takes it.</param>
    /// <param name="kind">What it changes.</param>
    /// <param name="cancellationToken">Cancels the write while it has not run.</param>
    /// <returns>What the write returned, once its batch committed.</returns>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, SqlWriteKind kind, CancellationToken cancellationToken) =>
        WriteAsync(work, null, kind, cancellationToken);

    /// <summary>Queues a write for the next batch, with the form it may take when sent with others (<see cref="GroupCommitHooks.PipelinesWrites"/>); completes after the batch commits.</summary>
    /// <typeparam name="T">What the write returns.</typeparam>
    /// <param name="work">The write, as <see cref="SqlWorkflowStore.WriteAsync{T}(Func{DbConnection, DbTransaction, CancellationToken, Task{ValueTuple{T, bool}}}, SqlWriteKind, CancellationToken)"/> takes it.</param>
    /// <param name="pipeline">Its one command and the reading of its results, made when its batch is sent; <see langword="null"/> (or returning it) when it has none.</param>
    /// <param name="kind">What it changes.</param>
    /// <param name="cancellationToken">Cancels the write while it has not run.</param>
    /// <returns>What the write returned, once its batch committed.</returns>
    public Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, Func<PipelinedWork<T>?>? pipeline, SqlWriteKind kind, CancellationToken cancellationToken)
    {
        var write = new GroupWrite<T>(work, pipeline, kind, cancellationToken);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Completion;
    }

    /// <summary>Lets the queued writes finish, then closes the writers' connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<GroupWrite>(_maxBatch);
        var retry = new List<GroupWrite>();
        PipelinedWrites? pipelined = _hooks.PipelinesWrites ? new PipelinedWrites() : null;
        DbConnection? connection = null;
        try
        {
            while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _writes.Reader.TryRead(out GroupWrite? write))
                {
                    batch.Add(write);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    if (connection is null)
                    {
                        connection = await _hooks.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                        DbConnection opened = connection;
                        StatementCache.Attach(connection, _hooks.SplitsCommands, sql => _hooks.Prepare(opened, sql));
                    }

                    await CommitBatchAsync(connection, batch, retry, pipelined).ConfigureAwait(false);
                }
                catch (Exception error)
                {
                    // The batch did not commit: every write in it learns why (none of them is recorded).
                    Exception reported = _hooks.Describe(error);
                    retry.Clear();
                    foreach (GroupWrite write in batch)
                    {
                        write.Fail(reported);
                    }

                    if (connection is not null && connection.State != System.Data.ConnectionState.Open)
                    {
                        // A broken connection: the next batch opens a fresh one.
                        await StatementCache.DetachAsync(connection).ConfigureAwait(false);
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    continue;
                }

                foreach (GroupWrite write in retry)
                {
                    if (!_writes.Writer.TryWrite(write))
                    {
                        write.Fail(new ObjectDisposedException(nameof(GroupCommit), "The store was closed while the write waited for a lock."));
                    }
                }

                retry.Clear();
            }
        }
        finally
        {
            if (connection is not null)
            {
                await StatementCache.DetachAsync(connection).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A write's savepoint: the first write's (<c>w0</c>); then each write releases the one before it and sets its own,
    /// <c>w1</c> for odd writes and <c>w0</c> for even ones. Two names taking turns: a write's rollback names its own
    /// savepoint, which exists only if it was set (the one of the same name two writes back is already released).
    /// </summary>
    private static readonly string[] s_savepoints = ["SAVEPOINT w0", "RELEASE SAVEPOINT w0; SAVEPOINT w1", "RELEASE SAVEPOINT w1; SAVEPOINT w0"];

    /// <summary>A savepoint statement, kept prepared (the transaction's own savepoint methods prepare it each time).</summary>
    private static async Task SavepointAsync(DbConnection connection, DbTransaction transaction, string sql)
    {
        using CachedCommand command = StatementCache.Rent(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task CommitBatchAsync(DbConnection connection, List<GroupWrite> batch, List<GroupWrite> retry, PipelinedWrites? pipelined)
    {
        DbTransaction transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            bool single = batch.Count == 1;
            bool anyKept = false, durable = false, announces = false;

            // What a kept write asks of the COMMIT: to reach the disk unless it changed only leases, and to announce new work.
            void Kept(GroupWrite write)
            {
                anyKept = true;
                durable |= !write.Kind.HasFlag(SqlWriteKind.Lease);
                announces |= write.Kind.HasFlag(SqlWriteKind.AnnouncesWork);
            }

            // The first writes sent together where the database is a round trip away: those kept are done; the rest go one by one.
            int sent = pipelined is null || single ? 0 : await pipelined.RunAsync(connection, transaction, batch).ConfigureAwait(false);
            Interlocked.Add(ref _pipelinedWrites, sent);
            for (int i = 0; i < sent; i++)
            {
                Kept(batch[i]);
            }

            for (int i = sent; i < batch.Count; i++)
            {
                // One write alone needs no savepoint: declining or failing rolls back the whole transaction.
                // The previous write's savepoint is released with the same round trip that sets the next one,
                // and the last one by the COMMIT; where the hooks say so, that round trip is the write's own first.
                // Counted from the first write sent alone: the savepoints of writes sent together are not these.
                GroupWrite write = batch[i];
                int n = i - sent;
                if (!single)
                {
                    string savepoint = n == 0 ? s_savepoints[0] : s_savepoints[n % 2 == 1 ? 1 : 2];
                    if (_hooks.SendsSavepointsAhead)
                    {
                        StatementCache.SendAhead(connection, savepoint);
                    }
                    else
                    {
                        await SavepointAsync(connection, transaction, savepoint).ConfigureAwait(false);
                    }
                }

                WriteOutcome outcome = await write.RunAsync(connection, transaction, _hooks.IsLockTimeout).ConfigureAwait(false);
                if (!single && StatementCache.TakeBack(connection) is { } unsent)
                {
                    // The write sent nothing: its savepoint is set now, so what follows finds the usual state.
                    await SavepointAsync(connection, transaction, unsent).ConfigureAwait(false);
                }

                if (outcome == WriteOutcome.Kept)
                {
                    Kept(write);
                }
                else if (outcome == WriteOutcome.LockTimedOut)
                {
                    retry.Add(write);
                }

                if (!single && outcome != WriteOutcome.Kept)
                {
                    // Named for this write: if its savepoint was never set (its first command failed before it was
                    // sent), no savepoint of that name exists and the batch fails whole, rather than undo an earlier write.
                    await SavepointAsync(connection, transaction, n % 2 == 0 ? "ROLLBACK TO SAVEPOINT w0" : "ROLLBACK TO SAVEPOINT w1").ConfigureAwait(false);
                }
            }

            if (!anyKept)
            {
                // Nothing to keep: no COMMIT, no fsync.
                await transaction.RollbackAsync().ConfigureAwait(false);
            }
            else
            {
                bool announced = await _hooks.CommittingAsync(connection, transaction, durable, announces).ConfigureAwait(false);
                await transaction.CommitAsync().ConfigureAwait(false);
                _hooks.Committed(announces, announced);
            }
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _batchedWrites, batch.Count);
        foreach (GroupWrite write in batch)
        {
            if (!retry.Contains(write))
            {
                write.Complete();
            }
        }
    }
}
