using System.Data.Common;

namespace Workflows.Sql;

/// <summary>What a database adds to <see cref="GroupCommit"/>: its connections, its settings per transaction, its errors.</summary>
internal abstract class GroupCommitHooks
{
    /// <summary>Opens a writer's connection (kept until it breaks).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Runs first in every batch's transaction.</summary>
    public virtual Task BeganAsync(DbConnection connection, DbTransaction transaction) => Task.CompletedTask;

    /// <summary>
    /// Runs just before COMMIT. <paramref name="durable"/>: a kept write records journal data (not only
    /// leases), so the commit must reach the disk; <paramref name="announces"/>: a kept write recorded
    /// work other workers may take. Returns whether the work was announced inside the transaction.
    /// </summary>
    public virtual Task<bool> CommittingAsync(DbConnection connection, DbTransaction transaction, bool durable, bool announces) => Task.FromResult(false);

    /// <summary>Runs after COMMIT: <paramref name="announces"/> as above, <paramref name="announced"/> what <see cref="CommittingAsync"/> returned.</summary>
    public virtual void Committed(bool announces, bool announced)
    {
    }

    /// <summary>Whether an error means only that a lock was not granted in time: the write goes into a later batch.</summary>
    public virtual bool IsLockTimeout(Exception error) => false;

    /// <summary>The error every write of a batch that did not commit is given.</summary>
    public virtual Exception Describe(Exception error) => error;
}
