using System.Data.Common;
using Workflows.Sql;

namespace Workflows.Durable.Tests;

/// <summary>
/// Writes that share a group commit are isolated from each other: one that fails or declines is undone
/// alone, its caller learns why, and the others in the same transaction are kept.
/// </summary>
public abstract class BatchIsolationContract
{
    private protected abstract Task<TempStore> NewStoreAsync();

    [Fact]
    public async Task A_write_that_fails_or_declines_is_undone_alone_and_the_rest_of_its_batch_is_kept()
    {
        using TempStore temp = await NewStoreAsync();
        await using SqlWorkflowStore store = await StoreWithTableAsync(temp);

        // The first write holds the writer, so the next ones queue up and go into one batch together.
        (Task<int> first, TaskCompletionSource holding, TaskCompletionSource others) = await HoldTheWriterAsync(store);
        var (commitsBefore, _) = Statistics(store);

        Task<int> kept = store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "kept"); return (2, true); }, SqlWriteKind.None, CancellationToken.None);
        Task<int> failed = store.WriteAsync<int>(async (c, t, ct) => { await InsertAsync(c, t, "failed"); throw new InvalidOperationException("this write failed"); }, SqlWriteKind.None, CancellationToken.None);
        Task<int> declined = store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "declined"); return (3, false); }, SqlWriteKind.None, CancellationToken.None);
        Task<int> failedStatement = store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "bad statement"); await ExecuteAsync(c, t, "INSERT INTO batch_rows (name) VALUES (NULL)"); return (4, true); }, SqlWriteKind.None, CancellationToken.None);
        Task<int> alsoKept = store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "also kept"); return (5, true); }, SqlWriteKind.None, CancellationToken.None);
        holding.SetResult();

        Assert.Equal(1, await first.WaitAsync(TempStore.Limit));
        Assert.Equal(2, await kept.WaitAsync(TempStore.Limit));
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(TempStore.Limit));
        Assert.Equal("this write failed", error.Message);
        Assert.Equal(3, await declined.WaitAsync(TempStore.Limit));
        await Assert.ThrowsAnyAsync<DbException>(() => failedStatement.WaitAsync(TempStore.Limit));
        Assert.Equal(5, await alsoKept.WaitAsync(TempStore.Limit));

        // The five queued writes shared one transaction (the first one's, and one more).
        Assert.Equal(1, Statistics(store).Commits - commitsBefore - 1);
        others.SetResult();
        List<string> rows = await RowsAsync(store);
        Assert.Equal(["also kept", "first", "kept"], rows);
    }

    [Fact]
    public async Task A_write_whose_first_command_is_never_sent_never_undoes_another_write_that_was_told_it_committed()
    {
        using TempStore temp = await NewStoreAsync();
        await using SqlWorkflowStore store = await StoreWithTableAsync(temp);

        (Task<int> first, TaskCompletionSource holding, TaskCompletionSource others) = await HoldTheWriterAsync(store);

        // On PostgreSQL a write's savepoint rides with its first command; this one's first command is cancelled
        // before it is sent, so its savepoint is never set (nor the one before it released).
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var writes = new (string Name, Task<int> Write)[]
        {
            ("kept", store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "kept"); return (2, true); }, SqlWriteKind.None, CancellationToken.None)),
            ("unsent", store.WriteAsync(async (c, t, ct) => { await SqlCommands.ExecuteAsync(c, t, "INSERT INTO batch_rows (name) VALUES ('unsent')", cancelled.Token); return (3, true); }, SqlWriteKind.None, CancellationToken.None)),
            ("also kept", store.WriteAsync(async (c, t, ct) => { await InsertAsync(c, t, "also kept"); return (4, true); }, SqlWriteKind.None, CancellationToken.None)),
        };
        holding.SetResult();
        Assert.Equal(1, await first.WaitAsync(TempStore.Limit));

        // Each store may undo the bad write alone (SQLite) or fail its batch whole (PostgreSQL): either way a write
        // its caller was told committed is in the table, and one that failed is not.
        var committed = new List<string> { "first" };
        foreach ((string name, Task<int> write) in writes)
        {
            try
            {
                await write.WaitAsync(TempStore.Limit);
                committed.Add(name);
            }
            catch (Exception error) when (error is not TimeoutException)
            {
                // Failed: its row must be absent.
            }
        }

        others.SetResult();
        Assert.DoesNotContain("unsent", committed);
        List<string> rows = await RowsAsync(store);
        Assert.Equal(committed.Order(StringComparer.Ordinal), rows);
    }

    /// <summary>A store with a table of its own for the writes to fill.</summary>
    private static async Task<SqlWorkflowStore> StoreWithTableAsync(TempStore temp)
    {
        var store = (SqlWorkflowStore)temp.NewStore();
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync(async (c, t, ct) => { await ExecuteAsync(c, t, "CREATE TABLE batch_rows (name TEXT NOT NULL)"); return (0, true); }, SqlWriteKind.None, CancellationToken.None);
        return store;
    }

    /// <summary>
    /// A first write ("first", returning 1) that holds a writer until <c>holding</c> is set, so the writes queued meanwhile
    /// go into one batch together once it is; returns once it runs. The store's other writers (PostgreSQL has more) are held
    /// by writes that keep nothing, until <c>HoldingTheOthers</c> is set: an idle writer would take the first of the queued writes alone.
    /// </summary>
    private static async Task<(Task<int> First, TaskCompletionSource Holding, TaskCompletionSource HoldingTheOthers)> HoldTheWriterAsync(SqlWorkflowStore store)
    {
        var others = new TaskCompletionSource();
        var holding = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        Task<int> first = store.WriteAsync(async (c, t, ct) => { started.SetResult(); await holding.Task; await InsertAsync(c, t, "first"); return (1, true); }, SqlWriteKind.None, CancellationToken.None);
        await started.Task.WaitAsync(TempStore.Limit);
        for (int writer = 1; writer < Writers(store); writer++)
        {
            var other = new TaskCompletionSource();
            _ = store.WriteAsync(async (c, t, ct) => { other.SetResult(); await others.Task.WaitAsync(TempStore.Limit, ct); return (0, false); }, SqlWriteKind.None, CancellationToken.None);
            await other.Task.WaitAsync(TempStore.Limit);
        }

        return (first, holding, others);
    }

    /// <summary>How many group-commit writers carry the store's commits.</summary>
    private static int Writers(SqlWorkflowStore store) => store is Workflows.Postgres.PostgresWorkflowStore ? Workflows.Postgres.PostgresWorkflowStore.Writers : 1;

    /// <summary>The rows the committed writes left, in name order.</summary>
    private static Task<List<string>> RowsAsync(SqlWorkflowStore store) => store.ReadAsync(async (c, ct) =>
    {
        var names = new List<string>();
        using DbCommand read = SqlCommands.Create(c, null, "SELECT name FROM batch_rows ORDER BY name");
        using DbDataReader reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }, CancellationToken.None);

    private static (long Commits, long Writes) Statistics(SqlWorkflowStore store) => store switch
    {
        Workflows.Sqlite.SqliteWorkflowStore sqlite => sqlite.GroupCommitStatistics,
        Workflows.Postgres.PostgresWorkflowStore postgres => postgres.GroupCommitStatistics,
        _ => throw new InvalidOperationException("Unknown store"),
    };

    private static Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, string name) =>
        SqlCommands.ExecuteAsync(connection, transaction, "INSERT INTO batch_rows (name) VALUES (@n)", CancellationToken.None, ("n", name));

    private static Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql) =>
        SqlCommands.ExecuteAsync(connection, transaction, sql, CancellationToken.None);
}

public sealed class SqliteBatchIsolationTests : BatchIsolationContract
{
    private protected override Task<TempStore> NewStoreAsync() => Task.FromResult(new TempStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresBatchIsolationTests(PostgresServer server) : BatchIsolationContract
{
    private protected override async Task<TempStore> NewStoreAsync() => new(await server.CreateDatabaseAsync());
}

/// <summary>
/// PostgreSQL's lease changes (claims, renewals, releases) have a writer of their own: a claim never waits behind
/// a batch of commits, and no commit waits for a claim's round trips.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaseWriterTests(PostgresServer server)
{
    [Fact]
    public async Task A_claim_and_a_lease_renewal_finish_while_every_commit_writer_is_busy()
    {
        await using var store = new Workflows.Postgres.PostgresWorkflowStore(await server.CreateDatabaseAsync());
        await store.InitializeAsync(CancellationToken.None);
        var release = new TaskCompletionSource();
        var holding = new List<Task<int>>();
        for (int writer = 0; writer < Workflows.Postgres.PostgresWorkflowStore.Writers; writer++)
        {
            var started = new TaskCompletionSource();
            holding.Add(store.WriteAsync(async (c, t, ct) => { started.SetResult(); await release.Task.WaitAsync(TempStore.Limit, ct); return (0, false); }, SqlWriteKind.None, CancellationToken.None));
            await started.Task.WaitAsync(TempStore.Limit);
        }

        Task<int> queuedCommit = store.WriteAsync((c, t, ct) => Task.FromResult((7, true)), SqlWriteKind.None, CancellationToken.None);
        ClaimResult claim = await store.ClaimAsync(
            new ClaimRequest("worker-1", new Dictionary<string, string> { ["Flow"] = "fingerprint" }, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), Max: 4),
            CancellationToken.None).WaitAsync(TempStore.Limit);
        bool renewed = await store.RenewLeaseAsync(1, "worker-1", DateTimeOffset.UtcNow.AddSeconds(30), CancellationToken.None).WaitAsync(TempStore.Limit);

        Assert.Empty(claim.Deliveries);
        Assert.False(renewed);
        Assert.False(queuedCommit.IsCompleted, "A commit went through while every commit writer was held.");
        release.SetResult();
        Assert.Equal(7, await queuedCommit.WaitAsync(TempStore.Limit));
        await Task.WhenAll(holding).WaitAsync(TempStore.Limit);
    }
}
