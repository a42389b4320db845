using System.Data.Common;

namespace Workflows.Sql;

/// <summary>How one write of a batch went.</summary>
internal enum WriteOutcome
{
    /// <summary>Its changes are kept.</summary>
    Kept,

    /// <summary>It declined its changes, or failed (its caller learns why once the batch commits).</summary>
    RolledBack,

    /// <summary>It waited too long for a lock: it runs again in a later batch.</summary>
    LockTimedOut,
}

/// <summary>A write waiting for its batch.</summary>
internal abstract class GroupWrite(SqlWriteKind kind)
{
    private int _lockRetries;

    public SqlWriteKind Kind => kind;

    /// <summary>Runs the write in the batch's transaction.</summary>
    public async Task<WriteOutcome> RunAsync(DbConnection connection, DbTransaction transaction, Func<Exception, bool> isLockTimeout)
    {
        try
        {
            return await RunWorkAsync(connection, transaction).ConfigureAwait(false) ? WriteOutcome.Kept : WriteOutcome.RolledBack;
        }
        catch (Exception error) when (isLockTimeout(error) && ++_lockRetries <= GroupCommit.MaxLockRetries)
        {
            return WriteOutcome.LockTimedOut;
        }
        catch (Exception error)
        {
            // Rolled back alone (its savepoint); its caller gets the error once the batch commits.
            Failed(error);
            return WriteOutcome.RolledBack;
        }
    }

    protected abstract Task<bool> RunWorkAsync(DbConnection connection, DbTransaction transaction);

    /// <summary>The write's one command, if it has a pipelined form now (<see cref="PipelinedWork{T}"/>); kept for <see cref="ReadPipelinedAsync"/>.</summary>
    public virtual (string Sql, (string Name, object? Value)[] Parameters)? Pipeline() => null;

    /// <summary>
    /// Reads the results of the command <see cref="Pipeline"/> gave, at the reader's current result: whether the write is kept.
    /// Anything else (declined, failed) is not recorded: the batch undoes the write and runs it again the usual way.
    /// </summary>
    public virtual Task<bool> ReadPipelinedAsync(DbDataReader reader) => Task.FromResult(false);

    protected abstract void Failed(Exception error);

    /// <summary>The batch committed: the caller gets the result, or the error its write met.</summary>
    public abstract void Complete();

    /// <summary>The batch did not commit: the caller gets why.</summary>
    public abstract void Fail(Exception error);
}

/// <summary>A write and the task its caller awaits.</summary>
internal sealed class GroupWrite<T>(
    Func<DbConnection, DbTransaction, CancellationToken, Task<(T Result, bool Keep)>> work, Func<PipelinedWork<T>?>? pipeline, SqlWriteKind kind, CancellationToken cancellationToken)
    : GroupWrite(kind)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;
    private Exception? _error;
    private PipelinedWork<T>? _pipelined;

    public Task<T> Completion => _completion.Task;

    protected override async Task<bool> RunWorkAsync(DbConnection connection, DbTransaction transaction)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _error = null;
        (_result, bool keep) = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
        return keep;
    }

    public override (string Sql, (string Name, object? Value)[] Parameters)? Pipeline()
    {
        _pipelined = cancellationToken.IsCancellationRequested ? null : pipeline?.Invoke();
        return _pipelined is { } work ? (work.Sql, work.Parameters) : null;
    }

    public override async Task<bool> ReadPipelinedAsync(DbDataReader reader)
    {
        (T result, bool keep) = await _pipelined!.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
        if (keep)
        {
            _error = null;
            _result = result;
        }

        return keep;
    }

    protected override void Failed(Exception error) => _error = error;

    public override void Complete()
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

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
