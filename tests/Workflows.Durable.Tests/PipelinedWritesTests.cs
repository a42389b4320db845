using System.Data.Common;
using Npgsql;
using Workflows.Sql;

namespace Workflows.Durable.Tests;

/// <summary>
/// PostgreSQL's group commit sends the first writes of a batch that have a pipelined form in one round trip. Every
/// write kept before the first one that is not stays kept; that one and every later one run again the usual way,
/// exactly once in effect.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PipelinedWritesTests(PostgresServer server)
{
    [Fact]
    public async Task Writes_sent_together_are_all_kept_and_none_runs_the_usual_way()
    {
        await using Table table = await Table.CreateAsync(server);
        await using GroupCommit writer = table.Writer();

        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1), Insert(2), Insert(3), Insert(4)]);

        Assert.Equal(new[] { 1, 2, 3, 4 }, await Task.WhenAll(writes));
        Assert.Equal(0, usual.Count);
        Assert.Equal(new[] { 1, 2, 3, 4 }, await table.IdsAsync());
    }

    [Fact]
    public async Task Writes_with_no_pipelined_form_do_not_keep_the_others_from_being_sent_together()
    {
        await using Table table = await Table.CreateAsync(server);
        await using GroupCommit writer = table.Writer();

        // A batch's writes come in no promised order: those that can be sent together go first.
        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1, alone: true), Insert(2), Insert(3, alone: true), Insert(4)]);

        Assert.Equal(new[] { 1, 2, 3, 4 }, await Task.WhenAll(writes));
        Assert.Equal(new[] { 1, 3 }, usual.Ids);
        Assert.Equal(new[] { 1, 2, 3, 4 }, await table.IdsAsync());
    }

    [Fact]
    public async Task A_write_that_declines_is_undone_with_every_later_one_and_those_run_again_the_usual_way()
    {
        await using Table table = await Table.CreateAsync(server);
        await using GroupCommit writer = table.Writer();

        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1), Insert(2, keep: false), Insert(3), Insert(4)]);

        Assert.Equal(new[] { 1, -2, 3, 4 }, await Task.WhenAll(writes));
        Assert.Equal(new[] { 2, 3, 4 }, usual.Ids);
        Assert.Equal(new[] { 1, 3, 4 }, await table.IdsAsync());
    }

    [Fact]
    public async Task A_write_whose_statement_fails_gets_its_error_the_usual_way_and_the_others_are_kept()
    {
        await using Table table = await Table.CreateAsync(server);
        await table.InsertAsync(2);
        await using GroupCommit writer = table.Writer();

        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1), Insert(2), Insert(3)]);

        Assert.Equal(1, await writes[0]);
        PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => writes[1]);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal(3, await writes[2]);
        Assert.Equal(new[] { 2, 3 }, usual.Ids);
        Assert.Equal(new[] { 1, 2, 3 }, await table.IdsAsync());
    }

    [Fact]
    public async Task A_write_whose_unread_statement_fails_after_its_reading_kept_it_is_not_kept()
    {
        await using Table table = await Table.CreateAsync(server);
        await table.InsertAsync(9);
        await using GroupCommit writer = table.Writer();

        // Write 2 reads its first result and says keep, but its second statement fails: nothing of it may stay.
        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1), Insert(2, then: 9), Insert(3)]);

        Assert.Equal(1, await writes[0]);
        await Assert.ThrowsAsync<PostgresException>(() => writes[1]);
        Assert.Equal(3, await writes[2]);
        Assert.Equal(new[] { 2, 3 }, usual.Ids);
        Assert.Equal(new[] { 1, 3, 9 }, await table.IdsAsync());
    }

    [Fact]
    public async Task Writes_go_under_one_savepoint_until_one_misses_then_each_under_its_own_for_a_while()
    {
        await using Table table = await Table.CreateAsync(server);
        await using GroupCommit writer = table.Writer();

        // One savepoint for all: write 2's miss undoes write 1 too, so the batch is sent again, each write under its own.
        (Task<int>[] writes, Usual usual) = await table.BatchAsync(writer, [Insert(1), Insert(2, keep: false), Insert(3)]);
        Assert.Equal(new[] { 1, -2, 3 }, await Task.WhenAll(writes));
        Assert.Equal(new[] { 1, 2, 1, 2 }, usual.Read);
        Assert.Equal(new[] { 2, 3 }, usual.Ids);

        // The batches after a miss are sent guarded from the start: write 4 is read once, kept when 5 misses.
        (writes, usual) = await table.BatchAsync(writer, [Insert(4), Insert(5, keep: false), Insert(6)]);
        Assert.Equal(new[] { 4, -5, 6 }, await Task.WhenAll(writes));
        Assert.Equal(new[] { 4, 5 }, usual.Read);
        Assert.Equal(new[] { 5, 6 }, usual.Ids);

        for (int i = 1; i < PipelinedWrites.GuardedAfterMiss; i++)
        {
            (writes, _) = await table.BatchAsync(writer, [Insert(100 + 2 * i), Insert(101 + 2 * i)]);
            await Task.WhenAll(writes);
        }

        // Then the writes share one savepoint again.
        (writes, usual) = await table.BatchAsync(writer, [Insert(7), Insert(8, keep: false)]);
        Assert.Equal(new[] { 7, -8 }, await Task.WhenAll(writes));
        Assert.Equal(new[] { 7, 8, 7, 8 }, usual.Read);
        Assert.Equal(new[] { 1, 3, 4, 6, 7 }, (await table.IdsAsync()).Where(id => id < 100));
    }

    [Fact]
    public async Task Runs_started_and_committed_at_once_send_their_writes_together_and_each_ends_with_its_own_result()
    {
        string connectionString = await server.CreateDatabaseAsync();
        await using var store = new Workflows.Postgres.PostgresWorkflowStore(connectionString);
        await using WorkflowRuntime runtime = new WorkflowRuntime(store, new WorkflowRuntimeOptions { MaxConcurrentDeliveries = 32 })
            .Register(() => new RelayFlow(), RelayJson.Default);
        await runtime.StartAsync();

        // Starts and steps' commits (checked against what the journal knows of their runs) come in bursts: many share a batch.
        RunRecord[] runs = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => runtime.StartRunAsync<RelayFlow>(new Relay(i))));
        for (int i = 0; i < runs.Length; i++)
        {
            Relayed result = await runtime.WaitForResultAsync<Relayed>(runs[i].RunId).WaitAsync(TempStore.Limit);
            Assert.Equal(i + 3, result.Value);
            IReadOnlyList<DeliveryRecord> deliveries = await runtime.Store.ReadDeliveriesAsync(runs[i].RunId, CancellationToken.None);
            Assert.Equal(new[] { "One", "Two", "Three" }, deliveries.Select(d => d.StepName));
            Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Done, 1), (d.Status, d.Executions)));
        }

        Assert.True(store.PipelinedWrites > 0, "No write was sent together with others.");
    }

    /// <summary>A write that inserts <paramref name="id"/> (and then <paramref name="then"/>, if given), returning it, or its negative when it declines.</summary>
    private static Spec Insert(int id, bool keep = true, int? then = null, bool alone = false) => new(id, keep, then, alone);

    /// <summary>A write of the tests: <see cref="Alone"/> when it has no pipelined form.</summary>
    private sealed record Spec(int Id, bool Keep, int? Then, bool Alone)
    {
        public string Sql => "INSERT INTO t (id) VALUES (@id) RETURNING id" + (Then is { } next ? $"; INSERT INTO t (id) VALUES ({next})" : string.Empty);
    }

    /// <summary>Which writes ran the usual way (their work, not their pipelined form), in order; and whose pipelined results were read.</summary>
    private sealed class Usual
    {
        private readonly List<int> _ids = [];
        private readonly List<int> _read = [];

        public int[] Read
        {
            get
            {
                lock (_read)
                {
                    return [.. _read];
                }
            }
        }

        public void Reading(int id)
        {
            lock (_read)
            {
                _read.Add(id);
            }
        }

        public int Count
        {
            get
            {
                lock (_ids)
                {
                    return _ids.Count;
                }
            }
        }

        public int[] Ids
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public void Ran(int id)
        {
            lock (_ids)
            {
                _ids.Add(id);
            }
        }
    }

    private sealed class Table : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _source;

        private Table(NpgsqlDataSource source) => _source = source;

        public static async Task<Table> CreateAsync(PostgresServer server)
        {
            var table = new Table(NpgsqlDataSource.Create(await server.CreateDatabaseAsync()));
            await using NpgsqlCommand create = table._source.CreateCommand("CREATE TABLE t (id int PRIMARY KEY)");
            await create.ExecuteNonQueryAsync();
            return table;
        }

        public GroupCommit Writer() => new(new Hooks(_source), writers: 1, maxBatch: 64);

        public async Task InsertAsync(int id)
        {
            await using NpgsqlCommand insert = _source.CreateCommand($"INSERT INTO t (id) VALUES ({id})");
            await insert.ExecuteNonQueryAsync();
        }

        public async Task<int[]> IdsAsync()
        {
            await using NpgsqlCommand select = _source.CreateCommand("SELECT id FROM t ORDER BY id");
            await using NpgsqlDataReader reader = await select.ExecuteReaderAsync();
            var ids = new List<int>();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt32(0));
            }

            return [.. ids];
        }

        /// <summary>Queues the writes behind one that holds the writer, so that they make one batch, then lets it go.</summary>
        public async Task<(Task<int>[] Writes, Usual Usual)> BatchAsync(GroupCommit writer, Spec[] specs)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<bool> holder = writer.WriteAsync<bool>(
                async (_, _, _) =>
                {
                    holding.SetResult();
                    await gate.Task;
                    return (true, Keep: false);
                },
                SqlWriteKind.None,
                CancellationToken.None);
            await holding.Task.WaitAsync(TempStore.Limit);

            var usual = new Usual();
            Task<int>[] writes = [.. specs.Select(spec => writer.WriteAsync(
                async (connection, transaction, cancellationToken) =>
                {
                    usual.Ran(spec.Id);
                    // As the journal's commands are made: the write's savepoint goes ahead of its first statement.
                    await using DbCommand command = SqlCommands.Create(connection, transaction, spec.Sql, ("id", spec.Id));
                    await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
                    await reader.ReadAsync(cancellationToken);
                    int id = reader.GetInt32(0);
                    while (await reader.NextResultAsync(cancellationToken))
                    {
                    }

                    return spec.Keep ? (id, Keep: true) : (-id, Keep: false);
                },
                () => spec.Alone ? null : new PipelinedWork<int>(spec.Sql, [("id", spec.Id)], async (reader, cancellationToken) =>
                {
                    usual.Reading(spec.Id);
                    await reader.ReadAsync(cancellationToken);
                    int id = reader.GetInt32(0);
                    return spec.Keep ? (id, Keep: true) : (-id, Keep: false);
                }),
                SqlWriteKind.None,
                CancellationToken.None))];
            gate.SetResult();
            await holder.WaitAsync(TempStore.Limit);
            await Task.WhenAll(writes.Select(write => write.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TempStore.Limit);
            return (writes, usual);
        }

        public ValueTask DisposeAsync() => _source.DisposeAsync();
    }

    /// <summary>PostgreSQL's hooks as the store sets them: savepoints sent ahead, writes pipelined.</summary>
    private sealed class Hooks(NpgsqlDataSource source) : GroupCommitHooks
    {
        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await source.OpenConnectionAsync(cancellationToken);

        public override bool SendsSavepointsAhead => true;

        public override bool PipelinesWrites => true;
    }
}

public sealed record Relay(int Value) : StartEvent;
public sealed record Relayed1(int Value) : Event;
public sealed record Relayed2(int Value) : Event;
public sealed record Relayed(int Value) : StopEvent;

/// <summary>Three steps in a line, each adding one.</summary>
[Workflow]
public partial class RelayFlow
{
    [Step]
    public static Relayed1 One(Relay relay) => new(relay.Value + 1);

    [Step]
    public static Relayed2 Two(Relayed1 relayed) => new(relayed.Value + 1);

    [Step]
    public static Relayed Three(Relayed2 relayed) => new(relayed.Value + 1);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Relay))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Relayed1))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Relayed2))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Relayed))]
public sealed partial class RelayJson : System.Text.Json.Serialization.JsonSerializerContext;
