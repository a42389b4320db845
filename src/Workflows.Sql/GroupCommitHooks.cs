using System.Data.Common;

namespace Workflows.Sql;

/// <summary>What a database adds to <see cref="GroupCommit"/>: its connections, what it does around COMMIT, its errors.</summary>
public abstract class GroupCommitHooks
{
    /// <summary>Opens a writer's connection (kept until it breaks), with any session settings the store needs.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open connection.</returns>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs just before COMMIT. <paramref name="durable"/>: a kept write records journal data (not only
    /// leases), so the commit must reach the disk; <paramref name="announces"/>: a kept write recorded
    /// work other workers may take. Returns whether the work was announced inside the transaction.
    /// </summary>
    /// <param name="connection">The writer's connection.</param>
    /// <param name="transaction">The batch's transaction.</param>
    /// <param name="durable">Whether the commit must reach the disk.</param>
    /// <param name="announces">Whether new work was recorded.</param>
    /// <returns>Whether the work was announced inside the transaction.</returns>
    public virtual Task<bool> CommittingAsync(DbConnection connection, DbTransaction transaction, bool durable, bool announces) => Task.FromResult(false);

    /// <summary>Runs after COMMIT: <paramref name="announces"/> as above, <paramref name="announced"/> what <see cref="CommittingAsync"/> returned.</summary>
    /// <param name="announces">Whether new work was recorded.</param>
    /// <param name="announced">Whether it was announced inside the transaction.</param>
    public virtual void Committed(bool announces, bool announced)
    {
    }

    /// <summary>
    /// Whether each write's savepoint goes in the round trip of the write's first statement instead of one
    /// of its own (worth it where a round trip crosses a network: PostgreSQL; SQLite runs in the process).
    /// </summary>
    public virtual bool SendsSavepointsAhead => false;

    /// <summary>
    /// Whether the first writes of a batch that have a pipelined form (<see cref="PipelinedWork{T}"/>) are sent in one
    /// round trip, each under a savepoint of its own (worth it where a round trip crosses a network: PostgreSQL).
    /// </summary>
    public virtual bool PipelinesWrites => false;

    /// <summary>
    /// Whether a writer's command of several statements runs as one command per statement, each given only the
    /// parameters it uses: worth it where a command more costs no round trip and the client binds every parameter
    /// of a command to each of its statements (SQLite).
    /// </summary>
    public virtual bool SplitsCommands => false;

    /// <summary>
    /// A statement of a writer's command of several (<see cref="SplitsCommands"/>), or a command of one, kept prepared and
    /// run beneath the provider's command: <see langword="null"/> (the default) runs it through the provider's command.
    /// Prepared when first run, kept until the writer's connection closes.
    /// </summary>
    /// <param name="connection">The writer's connection.</param>
    /// <param name="sql">One statement, with <c>@name</c> parameters.</param>
    /// <returns>The statement, not prepared yet; or <see langword="null"/>.</returns>
    public virtual PreparedStatement? Prepare(DbConnection connection, string sql) => null;

    /// <summary>Whether an error means only that a lock was not granted in time: the write goes into a later batch.</summary>
    /// <param name="error">What a write threw.</param>
    /// <returns>Whether to run the write again in a later batch.</returns>
    public virtual bool IsLockTimeout(Exception error) => false;

    /// <summary>The error every write of a batch that did not commit is given.</summary>
    /// <param name="error">Why the batch did not commit.</param>
    /// <returns>The error, said in the store's terms.</returns>
    public virtual Exception Describe(Exception error) => error;
}
